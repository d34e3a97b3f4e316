import Foundation

/// RFC 3339 timestamps as Go's `time.Time` marshals them (`RFC3339Nano`: fraction without
/// trailing zeros, `Z` for UTC).
enum RFC3339 {
    /// The zero `time.Time` Go writes for an unset timestamp.
    static let zero = "0001-01-01T00:00:00Z"

    /// Parses `2016-09-01T12:00:00Z`, `2016-09-01T12:00:00.5+02:00` and the like into UTC Unix
    /// nanoseconds. Returns nil when the text is not an RFC 3339 date-time.
    static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for c in b[from..<from + count] {
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }  // ASCII literals
        guard let year = num(0, 4), at(4, "-"), let month = num(5, 2), at(7, "-"), let day = num(8, 2),
              at(10, "T") || at(10, "t") || at(10, " "), let hour = num(11, 2), at(13, ":"),
              let minute = num(14, 2), at(16, ":"), let second = num(17, 2),
              (1...12).contains(month), (1...daysIn(month, year)).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if at(i, ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 9)..<9 { nanos *= 10 }
        }
        var offset = 0
        if at(i, "Z") || at(i, "z") {
            i += 1
        } else if at(i, "+") || at(i, "-") {
            guard let oh = num(i + 1, 2), at(i + 3, ":"), let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (at(i, "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year, month, day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
        // Before 1970 the whole seconds are counted one short and the fraction as negative, so
        // that the first instants Int64 holds (1677-09-21T00:12:43.145224192Z) do not overflow.
        let borrow: Int64 = seconds < 0 ? 1 : 0
        let (whole, overflow) = (seconds + borrow).multipliedReportingOverflow(by: 1_000_000_000)
        let (ns, overflow2) = whole.addingReportingOverflow(nanos - borrow * 1_000_000_000)
        return overflow || overflow2 ? nil : ns
    }

    /// The days of `month` (1–12) in `year`, by the Gregorian leap-year rule, as Go's `time.Parse`
    /// checks them: February 29 only in leap years, never April 31.
    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether `text` is an RFC 3339 date-time that `parse` refused only because it lies outside
    /// the Unix nanoseconds of an `Int64` (1677-09-21 to 2262-04-11).
    static func isOutOfRange(_ text: String) -> Bool {
        guard parse(text) == nil, text.utf8.count > 4, let year = Int(text.prefix(4)), text.utf8.prefix(4).allSatisfy({ (48...57).contains($0) }),
              year <= 1677 || year >= 2262 else { return false }  // a year inside is refused for another reason (2015-02-29)
        return parse("2000" + text.dropFirst(4)) != nil
    }

    /// Formats UTC Unix nanoseconds as Go's `RFC3339Nano` in UTC.
    static func format(_ unixNanos: Int64) -> String {
        var seconds = unixNanos / 1_000_000_000
        var nanos = unixNanos % 1_000_000_000
        if nanos < 0 { nanos += 1_000_000_000; seconds -= 1 }
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (y, m, d) = civilFromDays(Int(days))
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
                          Int(rest / 3600), Int(rest / 60 % 60), Int(rest % 60))
        if nanos > 0 {
            var fraction = String(nanos)
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
