/// JSON string escaping (RFC 8259 §7). `<`, `>` and `&` are escaped as Go's encoder does, so bodies
/// match LXD's byte for byte.
public enum JSONString {
    public static func write(_ string: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var utf8 = string.utf8
        let fast = utf8.withContiguousStorageIfAvailable { buffer -> Bool in
            var start = 0
            for index in 0..<buffer.count where needsEscape(buffer[index]) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<index]))
                appendEscaped(buffer[index], into: &bytes)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<buffer.count]))
            return true
        }
        if fast == nil {
            var copy = string
            copy.makeContiguousUTF8()
            utf8 = copy.utf8
            for byte in utf8 {
                if needsEscape(byte) { appendEscaped(byte, into: &bytes) } else { bytes.append(byte) }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x3C || byte == 0x3E || byte == 0x26
    }

    private static func appendEscaped(_ byte: UInt8, into bytes: inout [UInt8]) {
        switch byte {
        case 0x22: bytes += [0x5C, 0x22]
        case 0x5C: bytes += [0x5C, 0x5C]
        case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
        case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
        case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        }
    }
}
