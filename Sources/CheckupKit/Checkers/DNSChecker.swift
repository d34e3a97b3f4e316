import Foundation

/// Checks a DNS server by asking it one question per attempt and judging the answer.
///
/// Each attempt sends a query (class IN, recursion desired) through c-ares to exactly `server`,
/// never to the system's resolvers, over UDP with a TCP retry when the answer is truncated. The
/// attempt fails, unlike in the original, which never read the answer, when:
/// - no answer arrives within `timeout` (`dns: no answer from 127.0.0.1:53 within 1s`);
/// - the server answers with an error (`dns: NXDOMAIN for nosuch.test. (A)`, or SERVFAIL,
///   REFUSED, NOTIMP, FORMERR);
/// - the answer holds no record of `queryType` (`dns: no A records for www.test.`);
/// - a value of `expect` is not among the records
///   (`dns: answer for www.test. (A) lacks 192.0.2.9; got 192.0.2.1`).
///
/// The round-trip time runs from sending the query until its answer or failure, so a failed
/// attempt has one too (the original recorded 0). When `server` is a name, resolving it is part
/// of the attempt and of its round-trip time, and is also reported as the attempt's `nameLookup`.
///
/// Without `hostname`, where the original only made a TCP connection to the server, an attempt
/// asks for the root zone's NS records (`. NS`) and any DNS reply counts as up, whatever its
/// response code: the DNS service itself answered, which a TCP connection cannot show.
public struct DNSChecker: Checker, Equatable {
    /// The record types a check can ask for.
    public enum QueryType: String, Sendable, CaseIterable {
        case a = "A", aaaa = "AAAA", cname = "CNAME", mx = "MX", ns = "NS", txt = "TXT", srv = "SRV",
             ptr = "PTR", soa = "SOA", caa = "CAA"

        /// The RR TYPE code (RFC 1035 §3.2.2; AAAA RFC 3596, SRV RFC 2782, CAA RFC 8659).
        var code: UInt16 {
            switch self {
            case .a: 1
            case .ns: 2
            case .cname: 5
            case .soa: 6
            case .ptr: 12
            case .mx: 15
            case .txt: 16
            case .aaaa: 28
            case .srv: 33
            case .caa: 257
            }
        }
    }

    /// The name of the endpoint (`endpoint_name`).
    public var name: String
    /// The DNS server as `host:port` (`endpoint_url`): `192.0.2.53:53`, `[2001:db8::53]:53` or
    /// `ns.example.com:53`; the port defaults to 53.
    public var server: String
    /// The name to ask about (`hostname_fqdn`), with or without the trailing dot; empty asks for `. NS`.
    public var hostname: String
    /// Limit for each attempt (`timeout`); zero means 1 second.
    public var timeout: Duration
    /// Above this median round-trip time the endpoint is degraded (`threshold_rtt`); zero for none.
    public var thresholdRTT: Duration
    /// How many queries to send (`attempts`); values below 1 mean 1.
    public var attempts: Int
    /// The record type to ask for (`query_type`, checkup's extension); A by default.
    public var queryType: QueryType
    /// Values that must all be among the answer's records (`expect`, checkup's extension).
    ///
    /// A value matches a record's whole text as `dig +short` shows it (`10 mail.example.com.`) or
    /// its target alone (`mail.example.com`). Addresses and names compare in canonical form (case
    /// and a trailing dot do not matter); TXT values compare exactly.
    public var expect: [String]

    /// The timeout used when none is configured.
    public static let defaultTimeout: Duration = .seconds(1)

    /// Creates a DNS checker.
    public init(name: String, server: String, hostname: String = "", timeout: Duration = .zero,
                thresholdRTT: Duration = .zero, attempts: Int = 1, queryType: QueryType = .a, expect: [String] = []) {
        self.name = name
        self.server = server
        self.hostname = hostname
        self.timeout = timeout
        self.thresholdRTT = thresholdRTT
        self.attempts = attempts
        self.queryType = queryType
        self.expect = expect
    }

    /// Checks the server.
    /// - Throws: `CheckupError` (`.config`) when `server` is not `host:port`, `hostname` is not a
    ///   domain name, or `attempts` is negative.
    public func check() async throws -> CheckResult {
        guard let address = Self.serverAddress(server) else {
            throw CheckupError(.config, "\(name): endpoint_url: \(Self.serverProblem(server))")
        }
        if let problem = Self.hostnameProblem(hostname) { throw CheckupError(.config, "\(name): hostname_fqdn: \(problem)") }
        if attempts < 0 { throw CheckupError(.config, "\(name): attempts: \(attempts) is negative") }
        let query = DNSQuery(name: hostname.isEmpty ? "." : hostname, type: hostname.isEmpty ? QueryType.ns.code : queryType.code,
                             host: address.host, port: address.port, timeout: timeout > .zero ? timeout : Self.defaultTimeout)
        let started = CheckResult.now()
        let times = await runAttempts(attempts, spacing: .zero) {
            let exchange = await DNSResolver.shared.exchange(query)
            return Attempt(rtt: exchange.rtt, error: problem(exchange.outcome, timeout: query.timeout),
                           nameLookup: exchange.serverLookup)
        }
        var result = CheckResult(title: name, endpoint: server, timestamp: started, times: times, threshold: thresholdRTT)
        result.conclude()
        return result
    }

    /// Why an attempt with this outcome failed, or nil when it succeeded.
    func problem(_ outcome: DNSOutcome, timeout: Duration) -> String? {
        let fqdn = DNSRecordParser.fqdn(hostname)
        switch outcome {
        case .timedOut: return "dns: no answer from \(server) within \(timeout.goDescription)"
        case .failed(let message): return "dns: \(server): \(message)"
        case .cancelled: return Attempt.cancelledError
        case _ where hostname.isEmpty: return nil  // any reply to `. NS` shows the server works
        case .rcode(let rcode): return "dns: \(rcode) for \(fqdn) (\(queryType.rawValue))"
        case .noRecords: return "dns: no \(queryType.rawValue) records for \(fqdn)"
        case .records(let records):
            let missing = expect.filter { value in !records.contains { matches($0, value) } }
            if missing.isEmpty { return nil }
            return "dns: answer for \(fqdn) (\(queryType.rawValue)) lacks \(missing.joined(separator: ", ")); got "
                + records.map(\.text).joined(separator: ", ")
        }
    }

    /// Whether `record` satisfies the expected `value` (see `expect`).
    func matches(_ record: DNSRecord, _ value: String) -> Bool {
        if queryType == .txt { return record.text == value }
        func canonical(_ s: String) -> String {
            if let address = DNSResolver.canonicalAddress(s) { return address }
            let lower = s.lowercased()
            return lower.count > 1 && lower.hasSuffix(".") ? String(lower.dropLast()) : lower
        }
        let wanted = canonical(value)
        return canonical(record.text) == wanted || record.target.map(canonical) == wanted
    }

    /// The host and port of a `host:port`, `[IPv6]:port`, bare host or bare IPv6 server; nil when
    /// it is none of these.
    static func serverAddress(_ text: String) -> (host: String, port: UInt16)? {
        var host = Substring(text), port: UInt16 = 53
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":", let p = UInt16(rest.dropFirst()), p > 0 else { return nil }
                port = p
            }
            guard DNSResolver.serverEntry(String(host), port: port)?.hasPrefix("[") == true else { return nil }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            guard let p = UInt16(text[text.index(after: colon)...]), p > 0 else { return nil }
            port = p
        } else if text.contains(":"), DNSResolver.serverEntry(text, port: port) == nil {
            return nil
        }
        let valid = !host.isEmpty && !host.contains { $0.isWhitespace || "/?#@".contains($0) }
        return valid ? (String(host), port) : nil
    }

    static func serverProblem(_ text: String, shown: String? = nil) -> String {
        "\(shown ?? JSONValue.string(text).shortText) is not a DNS server address (host:port, or [IPv6]:port)"
    }

    /// Why `name` cannot be asked about, or nil when it is empty or a domain name (RFC 1035 §2.3.4:
    /// labels of 1 to 63 octets, 253 in all).
    /// Names are ASCII here (an internationalized name goes in its xn-- form) and never hold a
    /// control character: C would cut the name at a NUL without a word.
    static func hostnameProblem(_ name: String, shown: String? = nil) -> String? {
        if name.isEmpty || name == "." { return nil }
        let quoted = shown ?? JSONValue.string(name).shortText
        if let problem = textProblem(name) { return "\(quoted) \(problem)" }
        if !name.unicodeScalars.allSatisfy(\.isASCII) {
            return "\(quoted) is not ASCII; write an internationalized name in its ASCII (IDNA) form (\(Punycode.asciiHost(name) ?? "xn--…"))"
        }
        let bare = name.hasSuffix(".") ? name.dropLast() : Substring(name)
        let labels = bare.split(separator: ".", omittingEmptySubsequences: false)
        if bare.utf8.count <= 253, !name.contains(where: \.isWhitespace), labels.allSatisfy({ (1...63).contains($0.utf8.count) }) {
            return nil
        }
        return "\(quoted) is not a domain name"
    }
}

extension DNSChecker: JSONConfigurable {
    static let typeName = "dns"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("endpoint_name", name, omitEmpty: false)
        w.string("endpoint_url", server, omitEmpty: false)
        w.string("hostname_fqdn", hostname)
        w.duration("timeout", timeout)
        w.duration("threshold_rtt", thresholdRTT)
        w.int("attempts", attempts)
        w.string("query_type", queryType == .a ? "" : queryType.rawValue)
        w.strings("expect", expect)
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        let server = try c.requiredString("endpoint_url")
        if let problem = textProblem(server, spaces: "a space") { throw c.error("endpoint_url", "\(c.shown("endpoint_url")) \(problem)") }
        if Self.serverAddress(server) == nil { throw c.error("endpoint_url", Self.serverProblem(server, shown: c.shown("endpoint_url"))) }
        let hostname = try c.string("hostname_fqdn") ?? ""
        if let problem = Self.hostnameProblem(hostname, shown: c.shown("hostname_fqdn")) { throw c.error("hostname_fqdn", problem) }
        var queryType = QueryType.a
        if let raw = try c.string("query_type"), !raw.isEmpty {
            guard let type = QueryType(rawValue: raw.uppercased()) else {
                let known = QueryType.allCases.map(\.rawValue).joined(separator: ", ")
                throw c.error("query_type", "\(c.shown("query_type")) is not a query type (one of: \(known))")
            }
            queryType = type
        }
        let expect = try c.stringArray("expect")
        if !expect.isEmpty, hostname.isEmpty { throw c.error("expect", "needs hostname_fqdn, the name whose answer to check") }
        self.init(name: try c.string("endpoint_name") ?? "", server: server, hostname: hostname,
                  timeout: try c.duration("timeout"), thresholdRTT: try c.duration("threshold_rtt"),
                  attempts: try c.attempts(), queryType: queryType, expect: expect)
    }
}
