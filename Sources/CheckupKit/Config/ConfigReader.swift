import Foundation
import Synchronization

/// Reads one JSON object of `checkup.json` with errors that name the file and the key path:
/// `checkup.json: checkers[2].endpoint_url: "htp://x" is not an http(s) URL`.
struct ConfigReader {
    let object: JSONObject
    /// Where `object` sits, e.g. `checkers[2]` or `storage`; empty at the top level.
    let path: String
    let file: String
    let environment: [String: String]
    /// Every value substituted from the environment so far, shared by the whole file's readers.
    var substitutions = Substitutions()

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// An error about `key` (or about this object itself when `key` is nil). Messages quote
    /// values as the file has them (`shown`); as a safety net, any substituted value that still
    /// appears is written back as its `${NAME}`.
    func error(_ key: String?, _ message: String) -> CheckupError {
        let at = key.map(keyPath) ?? path
        let text = substitutions.redact(message)
        return CheckupError(.config, at.isEmpty ? "\(file): \(text)" : "\(file): \(at): \(text)")
    }

    func child(_ object: JSONObject, at path: String) -> ConfigReader {
        ConfigReader(object: object, path: path, file: file, environment: environment, substitutions: substitutions)
    }

    /// `key`'s value as the file writes it, shortened, for error messages: `$VAR` stays as
    /// written, so a secret from the environment is never repeated.
    func shown(_ key: String) -> String { object[key]?.shortText ?? "null" }

    private func value(_ key: String) -> JSONValue? {
        switch object[key] {
        case nil, .null?: nil
        case let v?: v
        }
    }

    /// A string value with `$VAR` and `${VAR}` replaced from the environment (`$$` is a literal `$`).
    func string(_ key: String) throws(CheckupError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw error(key, "\(v.asFound), expected a string") }
        return try substitute(s, key: key)
    }

    /// A required http(s) URL, with the substituted values inside it (the secrets its public
    /// form redacts, `URLRedaction`). Errors quote the URL as the file writes it.
    /// With `allowsIDN`, a non-ASCII host name is fine (its user sends the `xn--` form).
    func url(_ key: String, allowsIDN: Bool = false) throws(CheckupError) -> (url: String, secrets: [String]) {
        guard case .string(let raw)? = value(key) else { return (try requiredString(key), []) }
        let (url, secrets) = try substituted(raw, key: key)
        if url.isEmpty { throw error(key, "is missing; it is required") }
        if let problem = httpURLProblem(url, allowsIDN: allowsIDN) { throw error(key, "\(shown(key)) \(problem)") }
        return (url, secrets)
    }

    /// `attempts`: 0 (or absent) means one; more than `Attempt.maximumPerResult` is an error, so
    /// that a typo cannot make one round run for a day.
    func attempts(_ key: String = "attempts") throws(CheckupError) -> Int {
        let n = try nonNegativeInt(key)
        if n > Attempt.maximumPerResult {
            throw error(key, "\(n) is more than \(Attempt.maximumPerResult), the most attempts one result may take")
        }
        return n
    }

    /// Request headers (`{"Name": ["v1", "v2"]}`): names are RFC 9110 tokens, values have no
    /// line break, NUL or other control character but tab, so that no value can add a header.
    /// Errors never quote a value (it may hold a secret).
    func headers(_ key: String = "headers") throws(CheckupError) -> [String: [String]] {
        let map = try stringListMap(key)
        let tokenPunctuation = "!#$%&'*+-.^_`|~"
        for (name, values) in map.sorted(by: { $0.key < $1.key }) {
            let isToken = !name.isEmpty && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || tokenPunctuation.unicodeScalars.contains($0))
            }
            guard isToken else {
                throw error(key, "\(JSONValue.string(name).shortText) is not a header name (letters, digits and !#$%&'*+-.^_`|~)")
            }
            for (i, value) in values.enumerated() {
                if let problem = textProblem(value, tabs: true) {
                    throw error("\(key).\(name)[\(i)]", "\(problem), which would end the header; not allowed in a header value")
                }
            }
        }
        return map
    }

    func requiredString(_ key: String) throws(CheckupError) -> String {
        guard let s = try string(key), !s.isEmpty else { throw error(key, "is missing; it is required") }
        return s
    }

    func bool(_ key: String) throws(CheckupError) -> Bool {
        guard let v = value(key) else { return false }
        guard case .bool(let b) = v else { throw error(key, "\(v.asFound), expected true or false") }
        return b
    }

    func int(_ key: String) throws(CheckupError) -> Int? {
        guard let v = value(key) else { return nil }
        switch v {
        case .int(let i): return Int(i)
        case .double(let d) where d == d.rounded() && abs(d) < 9e18: return Int(d)
        default: throw error(key, "\(v.shortText) is not a whole number")
        }
    }

    /// A count or setting where 0 (or absence) means "the default" and a negative value is an error.
    func nonNegativeInt(_ key: String) throws(CheckupError) -> Int {
        let i = try int(key) ?? 0
        if i < 0 { throw error(key, "\(i) is negative; use 0 for the default") }
        return i
    }

    /// A duration: Go's integer nanoseconds, or a Go duration string such as `"2s"` or `"1h30m"`.
    /// Negative durations are errors.
    func duration(_ key: String) throws(CheckupError) -> Duration {
        guard let v = value(key) else { return .zero }
        let ns: Int64
        switch v {
        case .int(let i): ns = i
        case .double(let d) where d == d.rounded() && abs(d) < 9e18: ns = Int64(d)
        case .string(let raw):
            let s = try substitute(raw, key: key)
            guard let parsed = GoDuration.parse(s.trimmingCharacters(in: .whitespaces)) else {
                throw error(key, "\(v.shortText) is not a duration (use nanoseconds or a string such as \"10s\", \"1h30m\")")
            }
            ns = parsed
        default:
            throw error(key, "\(v.shortText) is not a duration (use nanoseconds or a string such as \"10s\", \"1h30m\")")
        }
        if ns < 0 { throw error(key, "\(v.shortText) is negative; use 0 for the default") }
        return .nanoseconds(ns)
    }

    func stringArray(_ key: String) throws(CheckupError) -> [String] {
        guard let v = value(key) else { return [] }
        guard case .array(let items) = v else { throw error(key, "\(v.asFound), expected an array of strings") }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item else {
                throw error("\(key)[\(i)]", "\(item.asFound), expected a string")
            }
            out.append(try substitute(s, key: "\(key)[\(i)]"))
        }
        return out
    }

    /// An object of string arrays, such as HTTP `headers`: `{"Name": ["v1", "v2"]}`.
    /// A single string value is accepted as a one-element list.
    func stringListMap(_ key: String) throws(CheckupError) -> [String: [String]] {
        guard let v = value(key) else { return [:] }
        guard case .object(let o) = v else { throw error(key, "\(v.asFound), expected an object") }
        var out: [String: [String]] = [:]
        for (name, item) in o.pairs {
            switch item {
            case .string(let s): out[name] = [try substitute(s, key: "\(key).\(name)")]
            case .array: out[name] = try child(o, at: keyPath(key)).stringArray(name)
            default: throw error("\(key).\(name)", "\(item.asFound), expected an array of strings")
            }
        }
        return out
    }

    /// Replaces `$NAME` and `${NAME}` with the environment's value; `$$` stands for `$`.
    /// A `$` not followed by a name is kept as it is. A NUL in the result is an error (C would
    /// cut the text there without a word).
    func substitute(_ s: String, key: String) throws(CheckupError) -> String {
        try substituted(s, key: key).text
    }

    /// `substitute`, and the values it put in.
    func substituted(_ s: String, key: String) throws(CheckupError) -> (text: String, secrets: [String]) {
        let (text, secrets) = try substitutedText(s, key: key)
        if text.unicodeScalars.contains("\0") { throw error(key, "contains a NUL character") }
        return (text, secrets)
    }

    private func substitutedText(_ s: String, key: String) throws(CheckupError) -> (String, [String]) {
        // A byte search: String.contains(String) goes through NSString with Foundation imported.
        guard s.utf8.contains(UInt8(ascii: "$")) else { return (s, []) }
        var secrets: [String] = []
        var out = ""
        var rest = Substring(s)
        func isNameStart(_ c: Character) -> Bool { c == "_" || (c.isASCII && c.isLetter) }
        func isName(_ c: Character) -> Bool { isNameStart(c) || (c.isASCII && c.isNumber) }
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            var name: Substring?
            var next = after
            if after.first == "$" {
                out += "$"
                rest = after.dropFirst()
                continue
            } else if after.first == "{", let close = after.firstIndex(of: "}") {
                let inner = after[after.index(after: after.startIndex)..<close]
                if let f = inner.first, isNameStart(f), inner.allSatisfy(isName) {
                    name = inner
                    next = after[after.index(after: close)...]
                }
            } else if let f = after.first, isNameStart(f) {
                let n = after.prefix(while: isName)
                name = n
                next = after.dropFirst(n.count)
            }
            guard let name else {
                out += "$"
                rest = after
                continue
            }
            guard let value = environment[String(name)] else {
                throw error(key, "environment variable \(name) is not set")
            }
            out += value
            secrets.append(value)
            substitutions.record(String(name), value)
            rest = next
        }
        out += rest
        return (out, secrets)
    }
}

/// The values substituted from the environment while reading one file, by variable name: secrets,
/// which error messages never repeat. A reference, so that every reader of the file shares it.
final class Substitutions: Sendable {
    private let values = Mutex<[String: String]>([:])

    func record(_ name: String, _ value: String) { values.withLock { $0[name] = value } }

    /// Every value substituted so far.
    var all: [String] { values.withLock { Array($0.values) } }

    /// `message` with every substituted value of four characters or more written as `${NAME}`
    /// (shorter ones would match ordinary words and numbers, and hide little).
    func redact(_ message: String) -> String {
        let all = values.withLock { $0 }.filter { $0.value.count >= 4 }.sorted { $0.value.count > $1.value.count }
        return all.reduce(message) { text, pair in text.replacingOccurrences(of: pair.value, with: "${\(pair.key)}") }
    }
}

extension JSONValue {
    /// This value with each `$` in its strings doubled, the way `ConfigReader.substitute` reads a
    /// literal `$`, so that a config written out reads back with the same strings. Object keys
    /// are never substituted, so they stay as they are.
    var escapingDollars: JSONValue {
        switch self {
        case .string(let s) where s.contains("$"): .string(s.replacingOccurrences(of: "$", with: "$$"))
        case .array(let items): .array(items.map(\.escapingDollars))
        case .object(let o): .object(JSONObject(o.pairs.map { ($0.0, $0.1.escapingDollars) }))
        default: self
        }
    }

    /// The value as it might appear in the file, shortened for error messages.
    var shortText: String {
        let text = String(decoding: encoded(), as: UTF8.self)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    /// What a value of the wrong type is, for `… , expected …` messages: the value itself when
    /// it is a scalar (`"yes" is a string`), only its kind for an array or object (`is an array`),
    /// whose text would crowd the line.
    var asFound: String {
        switch self {
        case .array, .object: "is \(kindName)"
        default: "\(shortText) is \(kindName)"
        }
    }
}

/// Builds the JSON object of one config element, Go-style: `omitempty` keys vanish when zero.
struct ConfigWriter {
    var object = JSONObject()

    mutating func string(_ key: String, _ value: String, omitEmpty: Bool = true) {
        if !(omitEmpty && value.isEmpty) { object.append(key, .string(value)) }
    }
    mutating func int(_ key: String, _ value: Int, omitEmpty: Bool = true) {
        if !(omitEmpty && value == 0) { object.append(key, .int(Int64(value))) }
    }
    mutating func bool(_ key: String, _ value: Bool, omitEmpty: Bool = true) {
        if !(omitEmpty && !value) { object.append(key, .bool(value)) }
    }
    mutating func duration(_ key: String, _ value: Duration, omitEmpty: Bool = true) {
        if !(omitEmpty && value == .zero) { object.append(key, .int(value.nanoseconds)) }
    }
    mutating func strings(_ key: String, _ value: [String], omitEmpty: Bool = true) {
        if !(omitEmpty && value.isEmpty) { object.append(key, .array(value.map { .string($0) })) }
    }
    /// Go marshals maps with their keys sorted.
    mutating func stringListMap(_ key: String, _ value: [String: [String]]) {
        guard !value.isEmpty else { return }
        let pairs = value.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.array($0.value.map { .string($0) })) }
        object.append(key, .object(JSONObject(pairs)))
    }
}

/// A checker, storage or notifier that can be read from and written to `checkup.json`.
protocol JSONConfigurable: Sendable {
    /// The value of its `"type"` discriminator.
    static var typeName: String { get }
    /// Its keys and values, in the original's order, with defaults left out.
    var configObject: JSONObject { get }
    /// Reads it from its element of `checkup.json`, validating every key.
    init(config: ConfigReader) throws(CheckupError)
}
