/// Formats timestamps for the `Date` header field without Foundation.
public enum HTTPDate {
    /// The IMF-fixdate form of a Unix time (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    ///
    /// The calendar date comes from Howard Hinnant's `civil_from_days` algorithm (proleptic
    /// Gregorian calendar, exact for every `Int` day count), so no time-zone database is needed:
    /// HTTP dates are always GMT. Years outside 0…9999 cannot be written in four digits and are
    /// clamped to that range.
    public static func imfFixdate(epochSeconds: Int) -> String {
        let secondsPerDay = 86_400
        var days = epochSeconds / secondsPerDay
        var secondOfDay = epochSeconds % secondsPerDay
        if secondOfDay < 0 {
            secondOfDay += secondsPerDay
            days -= 1
        }
        // Keep the arithmetic below far from overflow; this is year 0 to year 9999.
        let minDays = -719_528
        let maxDays = 2_932_896
        if days < minDays {
            days = minDays
            secondOfDay = 0
        } else if days > maxDays {
            days = maxDays
            secondOfDay = secondsPerDay - 1
        }
        let (year, month, day) = civil(fromDays: days)
        // 1970-01-01 was a Thursday; index 0 is Sunday.
        let weekday = ((days % 7) + 7 + 4) % 7

        let weekdays: StaticString = "SunMonTueWedThuFriSat"
        let months: StaticString = "JanFebMarAprMayJunJulAugSepOctNovDec"
        return String(unsafeUninitializedCapacity: 29) { out in
            var i = 0
            func put(_ byte: UInt8) {
                out[i] = byte
                i += 1
            }
            func putDigits(_ value: Int, count: Int) {
                var divisor = 1
                for _ in 1..<count { divisor *= 10 }
                while divisor > 0 {
                    put(UInt8(truncatingIfNeeded: 0x30 + value / divisor % 10))
                    divisor /= 10
                }
            }
            for k in 0..<3 { put(weekdays.utf8Start[weekday * 3 + k]) }
            put(0x2C)  // ","
            put(0x20)
            putDigits(day, count: 2)
            put(0x20)
            for k in 0..<3 { put(months.utf8Start[(month - 1) * 3 + k]) }
            put(0x20)
            putDigits(year, count: 4)
            put(0x20)
            putDigits(secondOfDay / 3600, count: 2)
            put(0x3A)  // ":"
            putDigits(secondOfDay / 60 % 60, count: 2)
            put(0x3A)
            putDigits(secondOfDay % 60, count: 2)
            put(0x20)
            put(0x47)  // "G"
            put(0x4D)  // "M"
            put(0x54)  // "T"
            return i
        }
    }

    /// Year, month (1–12) and day (1–31) of the day `days` after 1970-01-01.
    /// http://howardhinnant.github.io/date_algorithms.html#civil_from_days
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097  // [0, 146096]
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365  // [0, 399]
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // [0, 365], from March 1
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // [0, 11], March = 0
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
