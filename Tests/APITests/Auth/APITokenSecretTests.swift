import Testing

@testable import API

@Suite struct APITokenSecretTests {
    @Test func aNewTokenHasTheIssuedShapeAndParsesBack() {
        let token = APITokenSecret.make()
        #expect(token.token.hasPrefix("berth_\(token.id)_"))
        #expect(token.id.count == 12 && token.secret.count == 64)
        #expect(APITokenSecret(parsing: token.token) == token)
        #expect(APITokenSecret.make() != token)
    }

    @Test(arguments: [
        "", "berth_", "berth__", "berth_abc_def", "other_0123456789ab_" + String(repeating: "a", count: 64),
        "berth_0123456789ab_" + String(repeating: "a", count: 63),
        "berth_0123456789AB_" + String(repeating: "a", count: 64),
        "berth_0123456789ab_" + String(repeating: "a", count: 64) + "_x",
    ])
    func malformedTokensDoNotParse(_ text: String) {
        #expect(APITokenSecret(parsing: text) == nil)
    }

    @Test func onlyTheRightSecretMatchesTheStoredHash() {
        let token = APITokenSecret.make()
        let stored = token.secretHash
        #expect(token.matches(storedHash: stored))
        #expect(!APITokenSecret(id: token.id, secret: String(token.secret.reversed())).matches(storedHash: stored))
        #expect(stored.count == 64 && stored != token.secret)
    }

    @Test func constantTimeComparisonComparesWholeValues() {
        #expect(APITokenSecret.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!APITokenSecret.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!APITokenSecret.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(APITokenSecret.constantTimeEquals([], []))
    }
}
