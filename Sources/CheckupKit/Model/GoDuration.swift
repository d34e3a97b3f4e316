import Foundation

// Durations travel through checkup's JSON as Go's `time.Duration`: integer nanoseconds.
// These helpers convert between Swift's `Duration` and Go's representations.

extension Duration {
    /// The whole number of nanoseconds in this duration, saturating at `Int64`'s bounds, as Go
    /// stores a `time.Duration`.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (wide, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = wide.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    /// This duration written as Go's `Duration.String()` does: `1.5s`, `81.234567ms`, `2m0s`, `0s`.
    public var goDescription: String { GoDuration.format(nanoseconds) }

    /// Parses a Go duration string (`"300ms"`, `"1h30m"`, `"-1.5s"`), as Go's
    /// `time.ParseDuration` does. Returns nil when the text is not one.
    public init?(goString text: String) {
        guard let ns = GoDuration.parse(text) else { return nil }
        self = .nanoseconds(ns)
    }
}

/// Go's `time.Duration` text formats.
enum GoDuration {
    /// `time.Duration.String()`, byte for byte.
    static func format(_ d: Int64) -> String {
        var u = d.magnitude
        let negative = d < 0
        var out: [UInt8] = []  // built back to front, reversed at the end
        func fmtFrac(_ prec: Int) {
            var printed = false
            for _ in 0..<prec {
                let digit = u % 10
                printed = printed || digit != 0
                if printed { out.append(UInt8(ascii: "0") + UInt8(digit)) }
                u /= 10
            }
            if printed { out.append(UInt8(ascii: ".")) }
        }
        func fmtInt(_ v: UInt64) {
            var v = v
            if v == 0 { out.append(UInt8(ascii: "0")); return }
            while v > 0 { out.append(UInt8(ascii: "0") + UInt8(v % 10)); v /= 10 }
        }
        out.append(UInt8(ascii: "s"))
        if u < 1_000_000_000 {
            let prec: Int
            if u == 0 { return "0s" }
            if u < 1_000 {
                prec = 0; out.append(UInt8(ascii: "n"))
            } else if u < 1_000_000 {
                prec = 3; out.append(contentsOf: [0xB5, 0xC2])  // "µ" (U+00B5), reversed UTF-8
            } else {
                prec = 6; out.append(UInt8(ascii: "m"))
            }
            fmtFrac(prec)
            fmtInt(u)
        } else {
            fmtFrac(9)
            fmtInt(u % 60)
            u /= 60
            if u > 0 {
                out.append(UInt8(ascii: "m"))
                fmtInt(u % 60)
                u /= 60
                if u > 0 {
                    out.append(UInt8(ascii: "h"))
                    fmtInt(u)
                }
            }
        }
        if negative { out.append(UInt8(ascii: "-")) }
        return String(decoding: out.reversed(), as: UTF8.self)
    }

    private static let units: [(String, UInt64)] = [
        ("ns", 1), ("us", 1_000), ("\u{00B5}s", 1_000), ("\u{03BC}s", 1_000),
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// `time.ParseDuration`: a possibly signed sequence of decimal numbers, each with an optional
    /// fraction and a unit suffix. Returns nil on malformed input or overflow.
    static func parse(_ text: String) -> Int64? {
        var s = Substring(text)
        var negative = false
        if let c = s.first, c == "-" || c == "+" {
            negative = c == "-"
            s = s.dropFirst()
        }
        if s == "0" { return 0 }
        if s.isEmpty { return nil }
        var total: UInt64 = 0
        while !s.isEmpty {
            let intDigits = s.prefix { $0.isASCII && $0.isNumber }
            s = s.dropFirst(intDigits.count)
            var fracDigits = Substring("")
            if s.first == "." {
                s = s.dropFirst()
                fracDigits = s.prefix { $0.isASCII && $0.isNumber }
                s = s.dropFirst(fracDigits.count)
            }
            if intDigits.isEmpty && fracDigits.isEmpty { return nil }
            let unitText = s.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            s = s.dropFirst(unitText.count)
            guard let unit = units.first(where: { $0.0 == unitText })?.1 else { return nil }
            var value: UInt64 = 0
            for c in intDigits {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(c.asciiValue! - 48))  // ASCII digit, checked above
                if o1 || o2 { return nil }
                value = a
            }
            let (scaled, o3) = value.multipliedReportingOverflow(by: unit)
            if o3 { return nil }
            // The fraction, accurate to the nanosecond like Go's (which works in float64 here).
            var frac: UInt64 = 0
            var scale: UInt64 = 1
            for c in fracDigits where scale < 1_000_000_000_000_000_000 / 10 {
                frac = frac * 10 + UInt64(c.asciiValue! - 48)  // ASCII digit, checked above
                scale *= 10
            }
            let fracNanos = UInt64((Double(frac) * Double(unit) / Double(scale)).rounded(.down))
            let (sum1, o4) = scaled.addingReportingOverflow(fracNanos)
            let (sum2, o5) = total.addingReportingOverflow(sum1)
            if o4 || o5 { return nil }
            total = sum2
        }
        if negative {
            guard total <= UInt64(Int64.max) + 1 else { return nil }
            return total == UInt64(Int64.max) + 1 ? .min : -Int64(total)
        }
        guard total <= UInt64(Int64.max) else { return nil }
        return Int64(total)
    }
}
