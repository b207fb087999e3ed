/// The records of a pax extended header (POSIX.1-2001 `pax`, "pax Extended Header File Format"):
/// `<length> <keyword>=<value>\n`, where `<length>` counts the whole record in decimal.
///
/// Only what decides where a member goes or how much data follows is kept (`path`, `linkpath`,
/// `size`); anything a pax header could do that this reader does not follow (GNU sparse files)
/// is refused rather than ignored.
struct TarPaxRecords: Equatable {
    var path: [UInt8]?
    var linkPath: [UInt8]?
    var size: Int64?

    /// Parses `data` (the header's data, without padding); `offset` places errors in the archive.
    init(parsing data: ArraySlice<UInt8>, global: Bool, offset: Int64) throws(TarArchiveError) {
        func fail(_ reason: String) -> TarArchiveError { .malformedPaxHeader(offset: offset, reason: reason) }
        var index = data.startIndex
        while index < data.endIndex {
            var lengthEnd = index
            var length = 0
            while lengthEnd < data.endIndex, let digit = Self.digit(data[lengthEnd]) {
                guard length < 1 << 40 else { throw fail("record length out of range") }
                length = length * 10 + digit
                lengthEnd += 1
            }
            guard lengthEnd > index, lengthEnd < data.endIndex, data[lengthEnd] == 0x20 else {
                throw fail("a record does not start with its length")
            }
            let recordEnd = index + length
            guard length > lengthEnd - index + 1, recordEnd <= data.endIndex, data[recordEnd - 1] == 0x0A else {
                throw fail("a record's length does not match its text")
            }
            let body = data[(lengthEnd + 1)..<(recordEnd - 1)]
            guard let equals = body.firstIndex(of: 0x3D), equals > body.startIndex else {
                throw fail("a record has no keyword=value")
            }
            let keyword = String(decoding: body[..<equals], as: UTF8.self)
            let value = Array(body[(equals + 1)...])
            try apply(keyword: keyword, value: value, global: global, fail: fail)
            index = recordEnd
        }
    }

    private mutating func apply(
        keyword: String, value: [UInt8], global: Bool, fail: (String) -> TarArchiveError
    ) throws(TarArchiveError) {
        if keyword.hasPrefix("GNU.sparse.") { throw fail("sparse files (\(keyword)) are not supported") }
        guard keyword == "path" || keyword == "linkpath" || keyword == "size" else { return }
        // A global header's path or size would apply to every member after it (GNU tar's global
        // override list); no image needs that, so it is refused rather than followed.
        if global { throw fail("a global header sets \(keyword)") }
        // tar keeps these as C strings: a NUL would cut the name tar uses short of the one checked.
        guard !value.isEmpty, !value.contains(0) else { throw fail("\(keyword) is empty or holds a NUL") }
        switch keyword {
        case "path": path = value
        case "linkpath": linkPath = value
        default:
            var number: Int64 = 0
            for byte in value {
                guard let digit = Self.digit(byte) else { throw fail("size is not a decimal number") }
                let (times, overflowTimes) = number.multipliedReportingOverflow(by: 10)
                let (plus, overflowPlus) = times.addingReportingOverflow(Int64(digit))
                guard !overflowTimes, !overflowPlus else { throw fail("size out of range") }
                number = plus
            }
            size = number
        }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (0x30...0x39).contains(byte) ? Int(byte - 0x30) : nil
    }
}
