import Foundation

/// Hand-built tar archives, header by header, for what no well-behaved writer produces: escaping
/// paths, links through links, broken checksums, oversized extended headers.
struct TarBuilder {
    enum Magic {
        /// POSIX ustar ("ustar\000"): the prefix field is part of the name.
        case ustar
        /// GNU ("ustar  \0"): the prefix field holds other data.
        case gnu
    }

    private(set) var bytes: [UInt8] = []

    /// One 512-byte header with a correct checksum (unless `corruptChecksum`).
    static func header(
        _ name: String, type: Character = "0", size: Int = 0, link: String = "", prefix: String = "",
        magic: Magic = .ustar, sizeField: [UInt8]? = nil, corruptChecksum: Bool = false
    ) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: [UInt8], at offset: Int, width: Int) {
            for (index, byte) in text.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(Array(name.utf8), at: 0, width: 100)
        put(octal(0o644, width: 8), at: 100, width: 8)
        put(octal(0, width: 8), at: 108, width: 8)
        put(octal(0, width: 8), at: 116, width: 8)
        put(sizeField ?? octal(size, width: 12), at: 124, width: 12)
        put(octal(0, width: 12), at: 136, width: 12)
        block[156] = type.asciiValue!
        put(Array(link.utf8), at: 157, width: 100)
        switch magic {
        case .ustar: put(Array("ustar\u{0}00".utf8), at: 257, width: 8)
        case .gnu: put(Array("ustar  \u{0}".utf8), at: 257, width: 8)
        }
        put(Array(prefix.utf8), at: 345, width: 155)
        put(Array(repeating: 0x20, count: 8), at: 148, width: 8)
        let sum = block.reduce(0) { $0 + Int($1) } + (corruptChecksum ? 1 : 0)
        put(Array(String(format: "%06o", sum).utf8) + [0, 0x20], at: 148, width: 8)
        return block
    }

    static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    mutating func append(_ block: [UInt8]) { bytes += block }

    mutating func file(_ name: String, _ contents: [UInt8] = [], prefix: String = "") {
        bytes += Self.header(name, size: contents.count, prefix: prefix) + Self.padded(contents)
    }

    mutating func directory(_ name: String) { bytes += Self.header(name, type: "5") }

    mutating func symlink(_ name: String, to target: String) { bytes += Self.header(name, type: "2", link: target) }

    mutating func hardLink(_ name: String, to target: String) { bytes += Self.header(name, type: "1", link: target) }

    mutating func device(_ name: String, block: Bool = false) { bytes += Self.header(name, type: block ? "4" : "3") }

    /// A GNU long name ('L') or long link ('K') header for the next member.
    mutating func gnuLong(_ name: String, link: Bool = false) {
        let data = Array(name.utf8) + [0]
        bytes += Self.header("././@LongLink", type: link ? "K" : "L", size: data.count, magic: .gnu) + Self.padded(data)
    }

    /// A pax extended header ('x', or 'g' when `global`) with these records.
    mutating func pax(_ records: [(String, String)], global: Bool = false) {
        var data: [UInt8] = []
        for (key, value) in records {
            let body = " \(key)=\(value)\n"
            var length = body.utf8.count + 1
            while String(length).count + body.utf8.count != length { length += 1 }
            data += Array("\(length)\(body)".utf8)
        }
        bytes += Self.header("PaxHeaders/x", type: global ? "g" : "x", size: data.count) + Self.padded(data)
    }

    mutating func end() { bytes += [UInt8](repeating: 0, count: 1024) }
}
