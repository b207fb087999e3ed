import Foundation
import Testing

@testable import API

@Suite struct AuthConfigKeysTests {
    let reference = Date(timeIntervalSince1970: 1_700_000_000)

    @Test(arguments: [
        ("30S", 30.0), ("5M", 300), ("2H", 7_200), ("1d", 86_400), ("1w", 604_800), ("1d 12H", 129_600),
        ("1H 30M 15S", 5_415),
    ])
    func lxdExpiryExpressionsAddToTheReference(_ expression: String, _ seconds: Double) {
        #expect(AuthConfigKeys.expiry(expression, from: reference) == reference.addingTimeInterval(seconds))
    }

    @Test func monthsAndYearsAreCalendarUnits() throws {
        let january31 = Date(timeIntervalSince1970: 1_706_659_200)  // 2024-01-31T00:00:00Z
        let later = try #require(AuthConfigKeys.expiry("1m", from: january31))
        #expect(later > january31.addingTimeInterval(27 * 86_400) && later < january31.addingTimeInterval(32 * 86_400))
        #expect(AuthConfigKeys.expiry("1y", from: reference) == reference.addingTimeInterval(366 * 86_400))
    }

    @Test(arguments: ["1", "1x", "H", "1H 2H", "-1H", "1.5H", "1h"])
    func malformedExpressionsAreRefused(_ expression: String) {
        #expect(AuthConfigKeys.expiry(expression, from: reference) == nil)
        #expect(AuthConfigKeys.validators[AuthConfigKeys.tokenExpiryKey]?(expression) != nil)
    }

    @Test func tokensExpireAfterADayUnlessConfigured() {
        #expect(AuthConfigKeys.tokenExpiry([:], from: reference) == reference.addingTimeInterval(86_400))
        #expect(
            AuthConfigKeys.tokenExpiry([AuthConfigKeys.tokenExpiryKey: "10M"], from: reference)
                == reference.addingTimeInterval(600))
    }

    @Test func rateKeysHaveGenerousDefaultsAndAreValidated() {
        #expect(AuthConfigKeys.rate([:]) == (100, 1000))
        #expect(AuthConfigKeys.rate([AuthConfigKeys.rateKey: "0", AuthConfigKeys.burstKey: "5"]) == (0, 5))
        #expect(AuthConfigKeys.validators[AuthConfigKeys.rateKey]?("-1") != nil)
        #expect(AuthConfigKeys.validators[AuthConfigKeys.burstKey]?("0") != nil)
        #expect(AuthConfigKeys.validators[AuthConfigKeys.burstKey]?("20") == nil)
    }
}
