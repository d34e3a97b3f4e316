import Foundation

/// A starter `checkup.json` for a few URLs, as `checkup init` writes it: an http checker each,
/// named after its host, fs storage in `./checkup-data`, and settings a first setup can keep.
/// Durations are written as strings (`"10s"`), for people to read and edit.
public struct StarterConfig: Sendable {
    /// The URLs to check, each with `https://` put in front when it has no scheme.
    public let urls: [String]
    /// What `"$schema"` says (where editors find the JSON Schema); empty: no `"$schema"` key.
    public var schema: String

    /// Tries per result: three, so that one lost packet is not an outage.
    public static let attempts = 3
    /// The wait between tries, the response time above which an endpoint is degraded, and how
    /// long one try may take.
    public static let attemptSpacing = "1s", thresholdRTT = "2s", timeout = "10s"
    /// Where the check files go, and how long they are kept (30 days).
    public static let directory = "checkup-data", checkExpiry = "720h"

    /// A starter for `urls`.
    /// - Throws: `CheckupError` (`.usage`) when there is no URL, or one is not an http(s) URL
    ///   checkup could request (the message quotes it).
    public init(urls: [String], schema: String = "") throws(CheckupError) {
        guard !urls.isEmpty else { throw CheckupError(.usage, "init needs at least one URL to check, such as https://example.com/") }
        var full: [String] = []
        for url in urls {
            let withScheme = url.contains("://") ? url : "https://" + url
            if let problem = httpURLProblem(withScheme, allowsIDN: true) {
                throw CheckupError(.usage, "init: \(JSONValue.string(url).shortText) \(problem)")
            }
            full.append(withScheme)
        }
        self.urls = full
        self.schema = schema
    }

    /// Each URL's endpoint name: its host (without `www.`), and its path too where two URLs
    /// share a host.
    public var names: [String] {
        let parts = urls.map { URLRedaction.Parts($0) }
        let hosts = parts.map { part -> String in
            var host = part.hostAndPort
            if host.hasPrefix("www.") { host.removeFirst(4) }
            return host
        }
        var names: [String] = []
        for (i, host) in hosts.enumerated() {
            let shared = hosts.filter { $0 == host }.count > 1
            var name = shared && parts[i].path.count > 1 ? host + parts[i].path : host
            if names.contains(name) { name += " (\(i + 1))" }
            names.append(name)
        }
        return names
    }

    /// The file's text: JSON indented by two spaces, with a final newline.
    public var text: String {
        var top: [(String, JSONValue)] = []
        if !schema.isEmpty { top.append(("$schema", .string(schema))) }
        let checkers = zip(names, urls).map { name, url in
            JSONValue.object(JSONObject([
                ("type", .string("http")), ("endpoint_name", .string(name)), ("endpoint_url", .string(url)),
                ("attempts", .int(Int64(Self.attempts))), ("attempt_spacing", .string(Self.attemptSpacing)),
                ("threshold_rtt", .string(Self.thresholdRTT)), ("timeout", .string(Self.timeout)),
            ]))
        }
        top.append(("checkers", .array(checkers)))
        top.append(("storage", .object(JSONObject([
            ("type", .string("fs")), ("dir", .string(Self.directory)), ("url", .string("/")),
            ("check_expiry", .string(Self.checkExpiry)),
        ]))))
        return Self.indented(.object(JSONObject(top)), depth: 0) + "\n"
    }

    /// `value` as JSON with one key or element a line; scalars as `encoded()` writes them.
    private static func indented(_ value: JSONValue, depth: Int) -> String {
        let inner = String(repeating: "  ", count: depth + 1), outer = String(repeating: "  ", count: depth)
        switch value {
        case .object(let object) where !object.pairs.isEmpty:
            let lines = object.pairs.map { inner + JSONValue.string($0.0).text + ": " + indented($0.1, depth: depth + 1) }
            return "{\n" + lines.joined(separator: ",\n") + "\n" + outer + "}"
        case .array(let items) where !items.isEmpty:
            return "[\n" + items.map { inner + indented($0, depth: depth + 1) }.joined(separator: ",\n") + "\n" + outer + "]"
        default:
            return value.text
        }
    }
}

private extension JSONValue {
    var text: String { String(decoding: encoded(), as: UTF8.self) }
}
