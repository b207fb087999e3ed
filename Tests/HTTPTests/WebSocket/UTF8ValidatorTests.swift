import Testing

@testable import HTTP

@Suite struct UTF8ValidatorTests {
    static let sample = Array("ASCII, κόσμε, €, 𝄞, 😀 and more ASCII to cross the 8-byte fast path".utf8)

    @Test func validTextIsAcceptedWhenFedInAnyTwoPieces() {
        #expect(UTF8Validator.isValid(Self.sample))
        for i in 0...Self.sample.count {
            var validator = UTF8Validator()
            let first = validator.consume(Self.sample[..<i])
            let second = validator.consume(Self.sample[i...])
            #expect(first && second && validator.isComplete, "split at \(i)")
        }
    }

    @Test(
        arguments: [
            [0x7F], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        ] as [[UInt8]])
    func boundaryCodePointsAreValid(bytes: [UInt8]) {
        #expect(UTF8Validator.isValid(bytes))
    }

    @Test(
        arguments: [
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFF], [0xBF], [0xC2, 0x41],
        ] as [[UInt8]])
    func invalidSequencesAreRejectedAtTheOffendingByte(bytes: [UInt8]) {
        var validator = UTF8Validator()
        let accepted = validator.consume(bytes)
        #expect(!accepted)
        #expect(!validator.isValidSoFar)
        let acceptedAfter = validator.consume([0x41])
        #expect(!acceptedAfter, "rejection is permanent")
    }

    @Test func truncatedSequenceIsIncompleteButNotYetInvalid() {
        var validator = UTF8Validator()
        let prefix = validator.consume([0xF0, 0x9F, 0x98])
        #expect(prefix && !validator.isComplete)
        let last = validator.consume([0x80])
        #expect(last && validator.isComplete)
    }

    @Test func agreesWithTheStandardLibraryOnAllTwoByteInputs() {
        for a in 0...255 {
            for b in 0...255 {
                let bytes = [UInt8(a), UInt8(b)]
                let stdlib = String(validating: bytes, as: UTF8.self) != nil
                #expect(UTF8Validator.isValid(bytes) == stdlib)
            }
        }
    }
}
