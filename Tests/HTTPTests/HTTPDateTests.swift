import Testing

@testable import HTTP

@Suite struct HTTPDateTests {
    @Test(arguments: [
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),  // RFC 9110 §5.6.7
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
        (1_709_208_000, "Thu, 29 Feb 2024 12:00:00 GMT"),  // leap day
        (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
        (951_868_800, "Wed, 01 Mar 2000 00:00:00 GMT"),  // day after the 400-year leap day
        (2_147_483_648, "Tue, 19 Jan 2038 03:14:08 GMT"),  // past 32-bit time_t
        (4_102_444_800, "Fri, 01 Jan 2100 00:00:00 GMT"),
        (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),  // 2100 is not a leap year
        (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
    ])
    func knownTimestampsFormatAsIMFFixdate(seconds: Int, expected: String) {
        #expect(HTTPDate.imfFixdate(epochSeconds: seconds) == expected)
    }

    @Test func yearsBeyondFourDigitsAreClamped() {
        #expect(HTTPDate.imfFixdate(epochSeconds: .max) == "Fri, 31 Dec 9999 23:59:59 GMT")
        #expect(HTTPDate.imfFixdate(epochSeconds: .min) == "Sat, 01 Jan 0000 00:00:00 GMT")
    }

    @Test func civilDatesAdvanceOneDayAtATimeFrom1600To2400() {
        func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }
        func daysIn(_ y: Int, _ m: Int) -> Int {
            [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        }
        var expected = (year: 1600, month: 1, day: 1)
        let start = -135_140  // 1600-01-01
        for days in start..<(start + 292_194) {
            let date = HTTPDate.civil(fromDays: days)
            guard date == expected else {
                Issue.record("day \(days): \(date) != \(expected)")
                return
            }
            expected.day += 1
            if expected.day > daysIn(expected.year, expected.month) {
                expected.day = 1
                expected.month += 1
                if expected.month > 12 {
                    expected.month = 1
                    expected.year += 1
                }
            }
        }
        #expect(expected == (2400, 1, 1))
    }
}
