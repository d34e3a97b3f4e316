import Foundation

/// One assertion about a JSON response body (an element of `json` on http checkers).
///
/// `path` is a JSONPath (RFC 9535) of the subset that names one value: `$`, then any of `.name`,
/// `['name']` (or `["name"]`) and `[index]` (negative counts from the end), e.g. `$.db.status`,
/// `$.items[0].id`, `$['odd key']`. The body is parsed with Foundation's JSON parser. A body that
/// is not JSON, a missing key or index, and a value of the wrong type each fail with a reason
/// that says which.
public struct JSONAssertion: Sendable, Equatable {
    /// What the value at `path` must be.
    public enum Test: Sendable, Equatable {
        /// Equal to this JSON value, given as JSON text (`"ok"`, `3`, `true`, `null`); numbers
        /// compare by value.
        case equals(String)
        /// A string matching this regular expression (NSRegularExpression) somewhere.
        case matches(String)
        /// Present (true) or absent (false).
        case exists(Bool)
        /// A number below this one.
        case lessThan(Double)
        /// A number above this one.
        case greaterThan(Double)
    }

    /// Where the value is.
    public var path: String
    /// What it must be.
    public var test: Test
    /// How bad a failure is (`severity`; default down).
    public var severity: Severity

    /// Creates an assertion.
    public init(path: String, test: Test, severity: Severity = .down) {
        self.path = path
        self.test = test
        self.severity = severity
    }

    /// One step of a path.
    enum Step: Equatable { case key(String), index(Int) }

    /// The steps of a path, or nil when it is not of the supported subset.
    static func steps(_ path: String) -> [Step]? {
        var rest = Substring(path)
        guard rest.first == "$" else { return nil }
        rest = rest.dropFirst()
        var steps: [Step] = []
        while let c = rest.first {
            if c == "." {
                let name = rest.dropFirst().prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                steps.append(.key(String(name)))
                rest = rest.dropFirst(1 + name.count)
            } else if c == "[" {
                let inside = rest.dropFirst()
                if let quote = inside.first, quote == "'" || quote == "\"" {
                    let name = inside.dropFirst().prefix { $0 != quote }
                    let after = inside.dropFirst(1 + name.count)
                    guard after.hasPrefix("\(quote)]") else { return nil }
                    steps.append(.key(String(name)))
                    rest = after.dropFirst(2)
                } else {
                    let digits = inside.prefix { $0 != "]" }
                    guard let index = Int(digits), inside.dropFirst(digits.count).first == "]" else { return nil }
                    steps.append(.index(index))
                    rest = inside.dropFirst(digits.count + 1)
                }
            } else {
                return nil
            }
        }
        return steps
    }

    /// Why the parsed body fails this assertion; nil when it holds.
    func failure(in body: JSONValue) -> String? {
        guard let steps = Self.steps(path) else { return "\(path) is not a supported JSONPath" }
        var value = body, at = "$"
        var missing: String?
        for step in steps {
            switch (step, value) {
            case (.key(let k), .object(let o)):
                guard let next = o[k] else { missing = "\(at) has no key '\(k)'"; break }
                value = next
                at += k.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? ".\(k)" : "['\(k)']"
            case (.index(let i), .array(let a)):
                let j = i < 0 ? a.count + i : i
                guard a.indices.contains(j) else { missing = "\(at) has no index \(i) (\(a.count) items)"; break }
                value = a[j]
                at += "[\(i)]"
            case (.key, _):
                missing = "\(at) is \(value.kindName), not an object"
            case (.index, _):
                missing = "\(at) is \(value.kindName), not an array"
            }
            if missing != nil { break }
        }
        if case .exists(let wanted) = test {
            if wanted, let missing { return "\(path) does not exist: \(missing)" }
            if !wanted, missing == nil { return "\(path) exists (\(value.shortText))" }
            return nil
        }
        if let missing { return "\(path): \(missing)" }
        switch test {
        case .exists:
            return nil
        case .equals(let text):
            guard let expected = try? JSONValue.parse(Data(text.utf8)) else { return "\(path): \(text) is not JSON" }
            return Self.same(value, expected) ? nil : "\(path) is \(value.shortText), expected \(expected.shortText)"
        case .matches(let pattern):
            guard case .string(let s) = value else { return "\(path) is \(value.kindName), not a string" }
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return "\(path): /\(pattern)/ is not a regular expression" }
            return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil ? nil
                : "\(path) is \(value.shortText), which does not match /\(pattern)/"
        case .lessThan(let limit), .greaterThan(let limit):
            guard let n = Self.number(value) else { return "\(path) is \(value.kindName), not a number" }
            let less = if case .lessThan = test { true } else { false }
            if less ? n < limit : n > limit { return nil }
            return "\(path) is \(value.shortText), expected \(less ? "less" : "greater") than \(Self.text(limit))"
        }
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        return a == b
    }

    static func text(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d) }
}

extension JSONAssertion {
    var configValue: JSONValue {
        var o = JSONObject()
        o.append("path", .string(path))
        switch test {
        case .equals(let text): o.append("equals", (try? JSONValue.parse(Data(text.utf8))) ?? .string(text))
        case .matches(let pattern): o.append("matches", .string(pattern))
        case .exists(let wanted): o.append("exists", .bool(wanted))
        case .lessThan(let n): o.append("less_than", n == n.rounded() && abs(n) < 9e18 ? .int(Int64(n)) : .double(n))
        case .greaterThan(let n): o.append("greater_than", n == n.rounded() && abs(n) < 9e18 ? .int(Int64(n)) : .double(n))
        }
        if severity != .down { o.append("severity", .string(severity.rawValue)) }
        return .object(o)
    }

    /// Reads the `json` list of an http checker.
    static func list(_ c: ConfigReader) throws(CheckupError) -> [JSONAssertion] {
        guard let v = c.object["json"], v != .null else { return [] }
        guard case .array(let items) = v else { throw c.error("json", "\(v.asFound), expected an array of assertions") }
        var out: [JSONAssertion] = []
        for (i, item) in items.enumerated() {
            let key = "json[\(i)]"
            guard case .object(let o) = item else { throw c.error(key, "\(item.asFound), expected an object") }
            let r = c.child(o, at: c.keyPath(key))
            let path = try r.requiredString("path")
            if steps(path) == nil {
                throw r.error("path", "\(r.shown("path")) is not a supported JSONPath (use $, .name, ['name'] and [index], e.g. $.items[0].id)")
            }
            let tests = ["equals", "matches", "exists", "less_than", "greater_than"].filter { o[$0] != nil }
            guard tests.count == 1, let name = tests.first, let given = o[name] else {
                throw c.error(key, "needs exactly one of equals, matches, exists, less_than, greater_than")
            }
            let test: Test
            switch (name, given) {
            // Strings are read as every config string is, `$$` a literal `$` (configData() writes `$` so).
            case ("equals", .string): test = .equals(String(decoding: JSONValue.string(try r.string("equals") ?? "").encoded(), as: UTF8.self))
            case ("equals", _): test = .equals(String(decoding: given.encoded(), as: UTF8.self))
            case ("matches", .string):
                let p = try r.string("matches") ?? ""
                if (try? NSRegularExpression(pattern: p)) == nil { throw r.error("matches", "\(r.shown("matches")) is not a regular expression") }
                test = .matches(p)
            case ("exists", .bool(let b)): test = .exists(b)
            case ("less_than", _) where number(given) != nil: test = .lessThan(number(given) ?? 0)
            case ("greater_than", _) where number(given) != nil: test = .greaterThan(number(given) ?? 0)
            default: throw r.error(name, "\(given.asFound), expected \(name == "matches" ? "a string" : name == "exists" ? "true or false" : "a number")")
            }
            let severity = try o["severity"].map { v throws(CheckupError) in try CheckLimits.severity(v, r, "severity") } ?? .down
            out.append(JSONAssertion(path: path, test: test, severity: severity))
        }
        return out
    }
}
