/// A header value with parameters, as `Content-Type` and `Content-Disposition` write them
/// (RFC 9110 §5.6.6, RFC 6266 §4.1): `value; key=token; key="quoted \"string\""`. The value and the
/// keys are lower-cased; a repeated key is refused, as Go's `mime.ParseMediaType` refuses it.
struct MultipartHeaderValue: Equatable {
    var value: String
    var parameters: [String: String]

    static func parse(_ text: String) throws(MultipartError) -> MultipartHeaderValue {
        var scanner = Substring(text).unicodeScalars[...]
        skipSpaces(&scanner)
        let value = takeToken(&scanner)
        guard !value.isEmpty else { throw .malformedHeader("a header value without a type") }
        var parameters: [String: String] = [:]
        while true {
            skipSpaces(&scanner)
            guard let next = scanner.first else { break }
            guard next == ";" else { throw .malformedHeader("expected \";\" after \"\(value)\"") }
            scanner.removeFirst()
            skipSpaces(&scanner)
            // A trailing ";" is common and harmless.
            if scanner.isEmpty { break }
            let key = takeToken(&scanner).lowercased()
            skipSpaces(&scanner)
            guard !key.isEmpty, scanner.first == "=" else {
                throw .malformedHeader("a parameter that is not key=value")
            }
            scanner.removeFirst()
            skipSpaces(&scanner)
            let parameter = scanner.first == "\"" ? try takeQuoted(&scanner) : takeToken(&scanner)
            guard parameters.updateValue(parameter, forKey: key) == nil else {
                throw .malformedHeader("the parameter \"\(key)\" is repeated")
            }
        }
        return MultipartHeaderValue(value: value.lowercased(), parameters: parameters)
    }

    /// RFC 9110 §5.6.2 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    private static func isToken(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && isTokenByte(UInt8(scalar.value))
    }

    private static func skipSpaces(_ scanner: inout Substring.UnicodeScalarView.SubSequence) {
        while let first = scanner.first, first == " " || first == "\t" { scanner.removeFirst() }
    }

    /// A `tchar` run; a media type's `/` is kept in it so `multipart/form-data` reads as one value.
    private static func takeToken(_ scanner: inout Substring.UnicodeScalarView.SubSequence) -> String {
        var token = String.UnicodeScalarView()
        while let first = scanner.first, isToken(first) || first == "/" {
            token.append(first)
            scanner.removeFirst()
        }
        return String(token)
    }

    private static func takeQuoted(
        _ scanner: inout Substring.UnicodeScalarView.SubSequence
    ) throws(MultipartError) -> String {
        scanner.removeFirst()
        var text = String.UnicodeScalarView()
        while let first = scanner.first {
            scanner.removeFirst()
            switch first {
            case "\"": return String(text)
            case "\\":
                guard let escaped = scanner.first else { break }
                scanner.removeFirst()
                text.append(escaped)
            default:
                text.append(first)
            }
        }
        throw .malformedHeader("a quoted parameter value is not closed")
    }
}
