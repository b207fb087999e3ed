extension TarHeaderReader {
    /// The member types GNU tar extracts as such. Anything else (sparse 'S', multi-volume 'M',
    /// incremental 'D', volume labels, vendor types tar would write as plain files) is refused.
    static func kind(of type: UInt8) -> TarMember.Kind? {
        switch type {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): .file
        case UInt8(ascii: "1"): .hardLink
        case UInt8(ascii: "2"): .symbolicLink
        case UInt8(ascii: "3"): .characterDevice
        case UInt8(ascii: "4"): .blockDevice
        case UInt8(ascii: "5"): .directory
        case UInt8(ascii: "6"): .fifo
        default: nil
        }
    }

    /// The header's checksum field against the sum of its bytes with that field read as spaces,
    /// as unsigned or (old tars) signed bytes, the two sums GNU tar accepts.
    static func checksumMatches(_ header: [UInt8]) -> Bool {
        guard let recorded = octal(header[148..<156]) else { return false }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (index, byte) in header.enumerated() {
            let counted = (148..<156).contains(index) ? 0x20 : byte
            unsigned += Int64(counted)
            signed += Int64(Int8(bitPattern: counted))
        }
        return recorded == unsigned || recorded == signed
    }

    /// A numeric field: octal text, or GNU's base-256 (a first byte of 0x80, then big-endian bytes)
    /// for values octal cannot hold. Negative base-256 values are refused (nil).
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return nil }
        guard first & 0x80 != 0 else { return octal(field) }
        guard first == 0x80 else { return nil }
        var value: Int64 = 0
        for byte in field.dropFirst() {
            guard value <= Int64.max >> 8 else { return nil }
            value = value << 8 | Int64(byte)
        }
        return value
    }

    /// Octal text as writers put it: optional leading spaces, digits, then only NULs and spaces.
    /// A field that starts with a NUL and holds nothing else is 0, as GNU tar reads it. Stricter
    /// than tar (which looks only at the byte after the digits): a field tar reads one way and this
    /// another is refused, never guessed.
    static func octal(_ field: ArraySlice<UInt8>) -> Int64? {
        var index = field.startIndex
        while index < field.endIndex && field[index] == 0x20 { index += 1 }
        var value: Int64 = 0
        var digits = 0
        while index < field.endIndex, (0x30...0x37).contains(field[index]) {
            guard value <= Int64.max >> 3 else { return nil }
            value = value << 3 | Int64(field[index] - 0x30)
            digits += 1
            index += 1
        }
        guard field[index...].allSatisfy({ $0 == 0 || $0 == 0x20 }) else { return nil }
        if digits == 0 { return field.first == 0 ? 0 : nil }
        return value
    }

    /// `size` rounded up to whole blocks; `size` is at most `Int64.max - blockSize`.
    static func padded(_ size: Int64) -> Int64 {
        (size + Int64(blockSize) - 1) / Int64(blockSize) * Int64(blockSize)
    }

    /// The bytes of a NUL-padded field up to its first NUL.
    static func cString(_ field: ArraySlice<UInt8>) -> [UInt8] {
        Array(field.prefix { $0 != 0 })
    }

    /// `prefix/name` for POSIX ustar headers with a prefix, else `name`: the test GNU tar applies
    /// (the magic is exactly "ustar\0"; GNU's own "ustar  " headers keep other fields there).
    static func ustarName(_ header: [UInt8]) -> [UInt8] {
        let name = cString(header[0..<100])
        guard header[345] != 0, header[257..<263].elementsEqual("ustar\0".utf8) else { return name }
        return cString(header[345..<500]) + [UInt8(ascii: "/")] + name
    }

    /// The components of a member path as tar will create it under its directory: empty and `.`
    /// components dropped; absolute paths and `..` refused; the root itself only for a directory.
    static func components(
        of path: [UInt8], allowingRoot: Bool, at headerOffset: Int64
    ) throws(TarArchiveError) -> [[UInt8]] {
        let display = String(decoding: path, as: UTF8.self)
        if path.first == UInt8(ascii: "/") { throw .absolutePath(display) }
        var components: [[UInt8]] = []
        for component in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if component.elementsEqual([UInt8(ascii: ".")]) { continue }
            if component.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) { throw .parentComponent(display) }
            components.append(Array(component))
        }
        if components.isEmpty && !allowingRoot { throw .emptyPath(offset: headerOffset) }
        return components
    }

    static func joined(_ components: [[UInt8]]) -> [UInt8] {
        Array(components.joined(separator: [UInt8(ascii: "/")]))
    }
}
