import Foundation

/// Checks an HTTP or HTTPS endpoint with GET (or `method`) requests through libcurl.
///
/// Each attempt uses a new connection and does not follow redirects: a 3xx response is judged
/// against `upStatus` like any other. The round-trip time runs until the response headers
/// arrive; the body is read only when `mustContain` or `mustNotContain` is set.
public struct HTTPChecker: Checker, Equatable {
    /// The name of the endpoint (`endpoint_name`).
    public var name: String
    /// The URL to GET (`endpoint_url`); a host name outside ASCII is sent in its `xn--` form.
    public var url: String { didSet { derived = DerivedURL(url, secrets: secrets) } }
    /// The only status code that counts as up (`up_status`); 0 accepts 200 to 204.
    public var upStatus: Int
    /// Above this median round-trip time the endpoint is degraded (`threshold_rtt`); zero for none.
    public var thresholdRTT: Duration
    /// Text the body must contain (`must_contain`).
    public var mustContain: String
    /// Text the body must not contain (`must_not_contain`).
    public var mustNotContain: String
    /// How many requests to make (`attempts`); values below 1 mean 1.
    public var attempts: Int
    /// Pause between attempts (`attempt_spacing`).
    public var attemptSpacing: Duration
    /// Request headers (`headers`), each value list sent joined by `", "`. A `Host` header
    /// sets the virtual host.
    public var headers: [String: [String]]
    /// Limit for each attempt (`timeout`, checkup's extension); zero means 10 seconds.
    public var timeout: Duration
    /// Accept any certificate (`tls_skip_verify`, checkup's extension).
    public var tlsSkipVerify: Bool
    /// A PEM file of CA certificates to trust instead of the system's (`tls_ca_file`, checkup's extension).
    public var tlsCAFile: String
    /// Values substituted from the environment into `url` (`$VAR`, `${VAR}`): secrets, which
    /// `endpoint` shows as `REDACTED`.
    public var secrets: [String] { didSet { derived = DerivedURL(url, secrets: secrets) } }
    /// What the checks need of `url`, worked out once per URL rather than once per check.
    private var derived: DerivedURL
    /// The request method (`method`, checkup's extension); empty means GET.
    public var method: String
    /// The request body (`body`, checkup's extension), sent when not empty.
    public var body: String
    /// Retries, flakiness and every-address checks (checkup's extensions).
    public var probe: ProbeOptions
    /// Assertions about a JSON body (`json`, checkup's extension).
    public var json: [JSONAssertion]
    /// A regular expression (NSRegularExpression) the body must match (`body_regex`, checkup's extension).
    public var bodyRegex: String
    /// Per-phase limits and each assertion's severity (checkup's extensions).
    public var limits: CheckLimits

    /// The URL as results, the page and messages show it (`endpoint` in check files): `url`
    /// without user-info, and with every path segment, query value or fragment that holds one of
    /// `secrets` as `REDACTED`.
    public var endpoint: String { derived.endpoint }

    /// The timeout used when none is configured.
    public static let defaultTimeout: Duration = .seconds(10)

    /// Creates an HTTP checker.
    public init(name: String, url: String, upStatus: Int = 0, thresholdRTT: Duration = .zero,
                mustContain: String = "", mustNotContain: String = "", attempts: Int = 1,
                attemptSpacing: Duration = .zero, headers: [String: [String]] = [:],
                timeout: Duration = .zero, tlsSkipVerify: Bool = false, tlsCAFile: String = "", secrets: [String] = [],
                method: String = "", body: String = "", probe: ProbeOptions = ProbeOptions(),
                json: [JSONAssertion] = [], bodyRegex: String = "", limits: CheckLimits = CheckLimits()) {
        self.name = name
        self.url = url
        self.derived = DerivedURL(url, secrets: secrets)
        self.upStatus = upStatus
        self.thresholdRTT = thresholdRTT
        self.mustContain = mustContain
        self.mustNotContain = mustNotContain
        self.attempts = attempts
        self.attemptSpacing = attemptSpacing
        self.headers = headers
        self.timeout = timeout
        self.tlsSkipVerify = tlsSkipVerify
        self.tlsCAFile = tlsCAFile
        self.secrets = secrets
        self.method = method
        self.body = body
        self.probe = probe
        self.json = json
        self.bodyRegex = bodyRegex
        self.limits = limits
    }

    /// Checks the endpoint.
    /// - Throws: `CheckupError` (`.config`) when the URL is not an http(s) URL or a setting is negative.
    public func check() async throws -> CheckResult {
        if let problem = derived.problem {
            throw CheckupError(.config, "\(name): endpoint_url: \(JSONValue.string(endpoint).shortText) \(problem)")
        }
        if attempts < 0 { throw CheckupError(.config, "\(name): attempts: \(attempts) is negative") }
        var regex: NSRegularExpression?
        if !bodyRegex.isEmpty {
            do { regex = try NSRegularExpression(pattern: bodyRegex) } catch {
                throw CheckupError(.config, "\(name): body_regex: \(JSONValue.string(bodyRegex).shortText) is not a regular expression")
            }
        }
        let request = makeRequest()
        let started = CheckResult.now()
        let base = CheckResult(title: name, endpoint: endpoint, timestamp: started, threshold: thresholdRTT)
        return await probe.run(base, host: derived.host, attempts: attempts, spacing: attemptSpacing,
                               limits: limits) { address in
            await attempt(request.connecting(to: address), regex: regex)
        }
    }

    /// The host of a URL, IPv6 literals without brackets (a split of the text, not a URL parse:
    /// it runs for every checker of a config).
    static func host(of url: String) -> String { host(ofAuthority: URLRedaction.Parts(url).hostAndPort) }

    /// The host of a URL's `host[:port]` part, IPv6 literals without brackets.
    static func host(ofAuthority hostAndPort: String) -> String {
        let authority = Substring(hostAndPort), bytes = authority.utf8
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return "" }
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")),
           bytes[bytes.index(after: colon)...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return String(authority[..<colon])
        }
        return String(authority)
    }

    /// `url`'s problem, public form, ASCII form and host.
    private struct DerivedURL: Sendable, Equatable {
        var problem: String?, endpoint: String, requestURL: String, host: String

        init(_ url: String, secrets: [String]) {
            problem = httpURLProblem(url, allowsIDN: true)
            let parts = URLRedaction.Parts(url)  // split once: this runs for every checker of a config
            endpoint = URLRedaction.publicForm(parts, secrets: secrets)
            if parts.hostAndPort.utf8.allSatisfy({ $0 < 0x80 }) {
                requestURL = url
                host = HTTPChecker.host(ofAuthority: parts.hostAndPort)
            } else {
                requestURL = Punycode.asciiURL(url) ?? url
                host = HTTPChecker.host(of: requestURL)
            }
        }
    }

    func makeRequest() -> TransferRequest {
        // An internationalized host name goes out in its xn-- form, as browsers and Go send it.
        var request = TransferRequest(url: derived.requestURL)
        request.headers = headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: ", "))" }
        request.timeout = timeout > .zero ? timeout : Self.defaultTimeout
        request.captureBody = !mustContain.isEmpty || !mustNotContain.isEmpty || !json.isEmpty || !bodyRegex.isEmpty
        request.tlsSkipVerify = tlsSkipVerify
        request.tlsCAFile = tlsCAFile.isEmpty ? nil : tlsCAFile
        if !method.isEmpty { request.method = method }
        if !body.isEmpty { request.body = Array(body.utf8) }
        return request
    }

    /// One request, judged by every assertion (each failure an error or, with severity
    /// degraded, a warning): the status, then the body's.
    private func attempt(_ request: TransferRequest, regex: NSRegularExpression?) async -> Attempt {
        let response: TransferResponse
        do {
            response = try await CurlEngine.shared.perform(request)
        } catch {
            return Attempt(rtt: .zero, error: Attempt.cancelledError)
        }
        return judged(response, request, regex: regex)
    }

    /// The attempt a response makes: its times, and the first condition it fails.
    /// `regex` is `bodyRegex` compiled (compiled here when not given).
    func judged(_ response: TransferResponse, _ request: TransferRequest, regex: NSRegularExpression? = nil) -> Attempt {
        let regex = regex ?? (bodyRegex.isEmpty ? nil : try? NSRegularExpression(pattern: bodyRegex))
        var attempt = Attempt(response: response)
        guard response.succeeded else {
            attempt.error = response.errorMessage
            return attempt
        }
        let accepted = upStatus > 0 ? response.status == upStatus : (200...204).contains(response.status)
        if !accepted {
            limits.fail("status", "response status \(HTTPStatus.text(response.status, reason: response.reason))", in: &attempt)
        }
        guard request.captureBody else { return attempt }
        let body = String(decoding: response.body, as: UTF8.self)
        if !mustContain.isEmpty, !body.contains(mustContain) {
            limits.fail("must_contain", "response does not contain '\(mustContain)'", in: &attempt)
        }
        if !mustNotContain.isEmpty, body.contains(mustNotContain) {
            limits.fail("must_not_contain", "response contains '\(mustNotContain)'", in: &attempt)
        }
        if let regex, regex.firstMatch(in: body, range: NSRange(body.startIndex..., in: body)) == nil {
            limits.fail("body_regex", "response does not match /\(bodyRegex)/", in: &attempt)
        }
        guard !json.isEmpty else { return attempt }
        guard let document = try? JSONValue.parse(Data(response.body)) else {
            let worst: Severity = json.contains { $0.severity == .down } ? .down : .degraded
            CheckLimits(severity: ["json": worst]).fail("json", "response is not JSON", in: &attempt)
            return attempt
        }
        for assertion in json {
            if let failure = assertion.failure(in: document) {
                CheckLimits(severity: ["json": assertion.severity]).fail("json", failure, in: &attempt)
            }
        }
        return attempt
    }
}

extension Attempt {
    /// The round-trip time and per-phase times of a libcurl transfer.
    init(response r: TransferResponse) {
        // Until the response headers arrived; for a failed transfer, until it failed.
        let rtt = r.startTransferTime > .zero ? r.startTransferTime : r.totalTime
        func phase(_ end: Duration, after start: Duration) -> Duration? { end > start ? end - start : nil }
        let connected = r.appConnectTime > .zero ? r.appConnectTime : r.connectTime
        self.init(rtt: rtt,
                  nameLookup: r.nameLookupTime > .zero ? r.nameLookupTime : nil,
                  connect: r.connectTime > .zero ? phase(r.connectTime, after: r.nameLookupTime) : nil,
                  tlsHandshake: r.appConnectTime > .zero ? phase(r.appConnectTime, after: r.connectTime) : nil,
                  firstByte: r.startTransferTime > .zero ? phase(r.startTransferTime, after: connected) : nil)
    }
}

extension HTTPChecker: JSONConfigurable {
    static let typeName = "http"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("endpoint_name", name, omitEmpty: false)
        w.string("endpoint_url", url, omitEmpty: false)
        w.int("up_status", upStatus)
        w.duration("threshold_rtt", thresholdRTT)
        w.string("must_contain", mustContain)
        w.string("must_not_contain", mustNotContain)
        w.int("attempts", attempts)
        w.duration("attempt_spacing", attemptSpacing)
        w.stringListMap("headers", headers)
        w.duration("timeout", timeout)
        w.bool("tls_skip_verify", tlsSkipVerify)
        w.string("tls_ca_file", tlsCAFile)
        w.string("method", method)
        w.string("body", body)
        probe.write(into: &w)
        if !json.isEmpty { w.object.append("json", .array(json.map(\.configValue))) }
        w.string("body_regex", bodyRegex)
        limits.write(into: &w)
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        let (url, secrets) = try c.url("endpoint_url", allowsIDN: true)
        let upStatus = try c.nonNegativeInt("up_status")
        if upStatus != 0 && !(100...599).contains(upStatus) {
            throw c.error("up_status", "\(upStatus) is not an HTTP status code")
        }
        self.init(name: try c.string("endpoint_name") ?? "", url: url, upStatus: upStatus,
                  thresholdRTT: try c.duration("threshold_rtt"), mustContain: try c.string("must_contain") ?? "",
                  mustNotContain: try c.string("must_not_contain") ?? "", attempts: try c.attempts(),
                  attemptSpacing: try c.duration("attempt_spacing"), headers: try c.headers(),
                  timeout: try c.duration("timeout"), tlsSkipVerify: try c.bool("tls_skip_verify"),
                  tlsCAFile: try c.string("tls_ca_file") ?? "", secrets: secrets, method: try Self.method(c),
                  body: try c.string("body") ?? "", probe: try ProbeOptions(config: c), json: try JSONAssertion.list(c),
                  bodyRegex: try Self.bodyRegex(c), limits: try CheckLimits(config: c, assertions: Self.assertions))
    }

    /// The assertions `severity` may name.
    static let assertions = ["status", "must_contain", "must_not_contain", "body_regex", "threshold_rtt",
                             "max_lookup", "max_connect", "max_tls", "max_first_byte"]

    /// `body_regex`, which must compile.
    static func bodyRegex(_ c: ConfigReader) throws(CheckupError) -> String {
        let pattern = try c.string("body_regex") ?? ""
        if !pattern.isEmpty, (try? NSRegularExpression(pattern: pattern)) == nil {
            throw c.error("body_regex", "\(c.shown("body_regex")) is not a regular expression")
        }
        return pattern
    }

    /// `method`: an HTTP token (RFC 9110 §9.1), so it cannot break the request line.
    /// RFC 9110's `tchar`: what a method name may be made of.
    private static let tokenCharacters = CharacterSet(charactersIn: "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func method(_ c: ConfigReader) throws(CheckupError) -> String {
        let method = try c.string("method") ?? ""
        if !method.unicodeScalars.allSatisfy(Self.tokenCharacters.contains) {
            throw c.error("method", "\(c.shown("method")) is not an HTTP method")
        }
        return method
    }
}
