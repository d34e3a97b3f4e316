import Foundation

// The first way `decodeCheckFile` tries: one pass over the bytes, straight into the fields of
// `StoredResult`. JSONDecoder took two thirds of `checkup summarize`'s time (a generic keyed
// container, metadata look-ups and retains for every field of 648,000 results, `perf` in
// Benchmarks/summarize.py). The scanner takes only what JSONDecoder takes the same way:
// the known keys, each at most once and unescaped; integers without fraction or exponent that
// fit an Int64; strings of valid UTF-8 with any JSON escape; `null` for a missing field. On
// anything else (another key, a duplicate, a float, invalid JSON) it gives up and the file is
// read by JSONDecoder as before, so every file gives the results it gave before.

/// Reads a check file of the usual shape from its bytes; see the comment above.
struct CheckFileScanner {
    private let bytes: UnsafeRawBufferPointer
    private var at = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The results of `data`, or nil when it is not a check file of the shape the scanner takes.
    static func results(_ data: Data) -> [CheckResult]? {
        data.withUnsafeBytes { raw -> [CheckResult]? in
            guard raw.baseAddress != nil else { return nil }
            var scanner = CheckFileScanner(raw)
            return scanner.file()
        }
    }

    private mutating func file() -> [CheckResult]? {
        guard take(0x5B) else { return nil }  // [
        var results: [CheckResult] = []
        if !take(0x5D) {  // ]
            repeat {
                guard let stored = result() else { return nil }
                results.append(stored.result)
            } while take(0x2C)  // ,
            guard take(0x5D) else { return nil }
        }
        skipSpace()
        return at == bytes.count ? results : nil
    }

    private mutating func result() -> StoredResult? {
        var r = StoredResult()
        let ok = object { s, key in
            switch key {
            case "title": return s.nullable(&r.title) { $0.string() }
            case "endpoint": return s.nullable(&r.endpoint) { $0.string() }
            case "timestamp": return s.nullable(&r.timestamp) { $0.integer() }
            case "times": return s.nullable(&r.times) { $0.array { $0.attempt() } }
            case "threshold": return s.nullable(&r.threshold) { $0.integer() }
            case "healthy": return s.nullable(&r.healthy) { $0.boolean() }
            case "degraded": return s.nullable(&r.degraded) { $0.boolean() }
            case "down": return s.nullable(&r.down) { $0.boolean() }
            case "notice": return s.nullable(&r.notice) { $0.string() }
            case "message": return s.nullable(&r.message) { $0.string() }
            case "certificate": return s.nullable(&r.certificate) { $0.certificate() }
            case "origin": return s.nullable(&r.origin) { $0.string() }
            case "flaky": return s.nullable(&r.flaky) { $0.boolean() }
            default: return false
            }
        }
        return ok ? r : nil
    }

    private mutating func attempt() -> StoredAttempt? {
        var a = StoredAttempt()
        let ok = object { s, key in
            switch key {
            case "rtt": return s.nullable(&a.rtt) { $0.integer() }
            case "error": return s.nullable(&a.error) { $0.string() }
            case "lookup": return s.nullable(&a.lookup) { $0.integer() }
            case "connect": return s.nullable(&a.connect) { $0.integer() }
            case "tls": return s.nullable(&a.tls) { $0.integer() }
            case "first_byte": return s.nullable(&a.firstByte) { $0.integer() }
            case "address": return s.nullable(&a.address) { $0.string() }
            case "warnings": return s.nullable(&a.warnings) { $0.array { $0.string() } }
            default: return false
            }
        }
        return ok ? a : nil
    }

    private mutating func certificate() -> StoredCertificate? {
        var c = StoredCertificate()
        let ok = object { s, key in
            switch key {
            case "subject": return s.nullable(&c.subject) { $0.string() }
            case "issuer": return s.nullable(&c.issuer) { $0.string() }
            case "not_before": return s.nullable(&c.notBefore) { $0.string() }
            case "not_after": return s.nullable(&c.notAfter) { $0.string() }
            default: return false
            }
        }
        return ok ? c : nil
    }

    // MARK: - JSON

    /// An object whose every member `member` takes (it reads the value after the colon); false at
    /// a key seen twice, a key with an escape, or a member `member` refuses.
    private mutating func object(_ member: (inout Self, Key) -> Bool) -> Bool {
        guard take(0x7B) else { return false }  // {
        if take(0x7D) { return true }  // }
        var seen: [Key] = []
        repeat {
            guard let key = key(), !seen.contains(key), take(0x3A) else { return false }  // :
            seen.append(key)
            guard member(&self, key) else { return false }
        } while take(0x2C)
        return take(0x7D)
    }

    /// A key's bytes, without its quotes; nil when it has an escape or a control character.
    private mutating func key() -> Key? {
        guard take(0x22) else { return nil }
        let start = at
        while at < bytes.count {
            let c = bytes[at]
            if c == 0x22 {
                at += 1
                return Key(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<at - 1]))
            }
            if c == 0x5C || c < 0x20 { return nil }
            at += 1
        }
        return nil
    }

    /// `null` as `.some(nil)` into `field`, else the value `read` makes; false when neither.
    private mutating func nullable<T>(_ field: inout T?, _ read: (inout Self) -> T?) -> Bool {
        skipSpace()
        if literal("null") { field = nil; return true }
        guard let value = read(&self) else { return false }
        field = value
        return true
    }

    private mutating func array<T>(_ element: (inout Self) -> T?) -> [T]? {
        guard take(0x5B) else { return nil }
        var items: [T] = []
        if take(0x5D) { return items }
        repeat {
            skipSpace()
            guard let item = element(&self) else { return nil }
            items.append(item)
        } while take(0x2C)
        return take(0x5D) ? items : nil
    }

    private mutating func boolean() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// `-?(0|[1-9][0-9]*)` within Int64, not followed by a fraction or an exponent.
    private mutating func integer() -> Int64? {
        var negative = false
        if at < bytes.count, bytes[at] == 0x2D { negative = true; at += 1 }
        let start = at
        var value: Int64 = 0
        while at < bytes.count, case let c = bytes[at], c >= 0x30, c <= 0x39 {
            let digit = Int64(c - 0x30)
            // Built negative, so Int64.min fits too.
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = next
            at += 1
        }
        let digits = at - start
        if digits == 0 || digits > 1 && bytes[start] == 0x30 { return nil }
        if at < bytes.count, bytes[at] == 0x2E || bytes[at] == 0x65 || bytes[at] == 0x45 { return nil }  // . e E
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// A string of valid UTF-8, its escapes decoded.
    private mutating func string() -> String? {
        guard at < bytes.count, bytes[at] == 0x22 else { return nil }
        at += 1
        let start = at
        while at < bytes.count {
            let c = bytes[at]
            if c == 0x22 {
                defer { at += 1 }
                return String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            }
            if c == 0x5C { return escapedString(from: start) }
            if c < 0x20 { return nil }
            at += 1
        }
        return nil
    }

    /// The rest of a string that has an escape at `at`, which began at `start`.
    private mutating func escapedString(from start: Int) -> String? {
        var out = Array(bytes[start..<at])
        while at < bytes.count {
            let c = bytes[at]
            at += 1
            switch c {
            case 0x22: return String(validating: out, as: UTF8.self)
            case 0x5C:
                guard at < bytes.count else { return nil }
                let e = bytes[at]
                at += 1
                switch e {
                case 0x22, 0x5C, 0x2F: out.append(e)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    guard let scalar = unicodeEscape() else { return nil }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            default:
                if c < 0x20 { return nil }
                out.append(c)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (the `\u` read), or of a surrogate pair `\uD8xx\uDCxx`.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        if high < 0xD800 || high > 0xDFFF { return Unicode.Scalar(high) }
        guard high < 0xDC00, literal("\\u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    private mutating func hex4() -> UInt32? {
        guard at + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            at += 1
        }
        return value
    }

    /// Skips white space, then takes `byte` if it is next.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    /// Takes `word` (ASCII) if it is next.
    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard at + n <= bytes.count, memcmp(bytes.baseAddress! + at, word.utf8Start, n) == 0 else { return false }  // baseAddress: checked non-nil in results(_:)
        at += n
        return true
    }

    private mutating func skipSpace() {
        while at < bytes.count, case let c = bytes[at], c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { at += 1 }
    }

    /// A key's bytes in the file, matched against string literals in a `switch`.
    struct Key: Equatable {
        var bytes: UnsafeRawBufferPointer

        // baseAddress!: a non-empty buffer has one.
        static func == (a: Key, b: Key) -> Bool {
            a.bytes.count == b.bytes.count && (a.bytes.count == 0 || memcmp(a.bytes.baseAddress!, b.bytes.baseAddress!, a.bytes.count) == 0)
        }

        static func ~= (pattern: StaticString, key: Key) -> Bool {
            let n = pattern.utf8CodeUnitCount
            return key.bytes.count == n && (n == 0 || memcmp(key.bytes.baseAddress!, pattern.utf8Start, n) == 0)
        }
    }
}
