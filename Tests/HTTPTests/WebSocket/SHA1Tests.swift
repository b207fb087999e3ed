import Testing

@testable import HTTP

@Suite struct SHA1Tests {
    func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    @Test(arguments: [
        // FIPS 180-2 Appendix A examples.
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ])
    func fipsVectors(message: String, digest: String) {
        #expect(hex(SHA1.hash(Array(message.utf8))) == digest)
    }

    @Test(arguments: [
        // Lengths around the padding boundary (55 fits one block, 56 needs two).
        (55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
        (56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
        (63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"),
        (64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
        (65, "11655326c708d70319be2610e8a57d9a5b959d3b"),
        (1_000_000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),  // FIPS 180-2 A.3
    ])
    func repeatedA(count: Int, digest: String) {
        #expect(hex(SHA1.hash([UInt8](repeating: 0x61, count: count))) == digest)
    }

    @Test func incrementalUpdatesMatchOneShot() {
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        var sha = SHA1()
        sha.update(message[..<7])
        sha.update(message[7...])
        #expect(hex(sha.finalize()) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }
}
