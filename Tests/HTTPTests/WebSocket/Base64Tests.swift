import Testing

@testable import HTTP

@Suite struct Base64Tests {
    @Test(arguments: [
        // RFC 4648 §10.
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func allByteValuesRoundTrip() {
        let bytes = (0...255).map { UInt8($0) }
        for n in 0...bytes.count {
            #expect(Base64.decode(Base64.encode(bytes[..<n])) == Array(bytes[..<n]))
        }
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
    }

    @Test(arguments: ["Zg=", "Z===", "Zh==", "Zm9=", "Zm9v!A==", "=Zm9", "Zm=v", "Zg==Zg==", " Zg=", "Zm9vYmFy\r\n"])
    func nonCanonicalInputIsRejected(input: String) {
        #expect(Base64.decode(input) == nil)
    }
}
