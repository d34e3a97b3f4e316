import Foundation

/// Checks that a TCP port accepts connections, optionally with a TLS handshake (`"type": "tcp"`).
///
/// Each attempt connects (and, with `tls`, completes a verified handshake) through libcurl's
/// `CURLOPT_CONNECT_ONLY` on the shared transfer loop, then closes; the round-trip time is the
/// time to connect, including the handshake.
public struct TCPChecker: Checker, Equatable {
    /// The name of the endpoint (`endpoint_name`).
    public var name: String
    /// `host:port`, with IPv6 literals in brackets (`endpoint_url`).
    public var address: String
    /// Do a TLS handshake after connecting (`tls`).
    public var tls: Bool
    /// Accept any certificate (`tls_skip_verify`).
    public var tlsSkipVerify: Bool
    /// A PEM file of CA certificates to trust instead of the system's (`tls_ca_file`).
    public var tlsCAFile: String
    /// Limit for each attempt (`timeout`); zero means one second, as the original.
    public var timeout: Duration
    /// Above this median connect time the endpoint is degraded (`threshold_rtt`).
    public var thresholdRTT: Duration
    /// How many connections to make (`attempts`); values below 1 mean 1.
    public var attempts: Int
    /// Retries, flakiness and every-address checks (checkup's extensions).
    public var probe: ProbeOptions
    /// Per-phase limits and each assertion's severity (checkup's extensions).
    public var limits: CheckLimits
    /// Text to send once connected (`send`, checkup's extension), e.g. `"PING\r\n"`.
    public var send: String
    /// Text that must arrive (`expect`, checkup's extension), e.g. a banner's `"220 "`; the
    /// attempt ends when it has.
    public var expect: String

    /// The timeout used when none is configured.
    public static let defaultTimeout: Duration = .seconds(1)

    /// Creates a TCP checker.
    public init(name: String, address: String, tls: Bool = false, tlsSkipVerify: Bool = false, tlsCAFile: String = "",
                timeout: Duration = .zero, thresholdRTT: Duration = .zero, attempts: Int = 1,
                probe: ProbeOptions = ProbeOptions(), limits: CheckLimits = CheckLimits(), send: String = "", expect: String = "") {
        self.name = name
        self.address = address
        self.tls = tls
        self.tlsSkipVerify = tlsSkipVerify
        self.tlsCAFile = tlsCAFile
        self.timeout = timeout
        self.thresholdRTT = thresholdRTT
        self.attempts = attempts
        self.probe = probe
        self.limits = limits
        self.send = send
        self.expect = expect
    }

    /// The address split, and the connect-only request (with a verified handshake for `tls`)
    /// that `check()` makes for each attempt and `explain` makes once.
    /// - Throws: `CheckupError` (`.config`) for an address that is not `host:port`.
    func connectRequest() throws(CheckupError) -> (host: String, port: Int, request: TransferRequest) {
        guard let (host, port) = HostPort.parse(address) else {
            throw CheckupError(.config, "\(name): endpoint_url: \(JSONValue.string(address).shortText) is not host:port")
        }
        var request = TransferRequest(url: "\(tls ? "https" : "http")://\(HostPort.urlHost(host)):\(port)/")
        request.connectOnly = true
        request.timeout = timeout > .zero ? timeout : Self.defaultTimeout
        request.tlsSkipVerify = tlsSkipVerify
        request.tlsCAFile = tlsCAFile.isEmpty ? nil : tlsCAFile
        return (host, port, request)
    }

    /// Connects and concludes a result.
    /// - Throws: `CheckupError` (`.config`) for an address that is not `host:port` or an
    ///   unreadable `tls_ca_file`.
    public func check() async throws -> CheckResult {
        let (host, port, request) = try connectRequest()
        if tls, !tlsCAFile.isEmpty, !FileManager.default.isReadableFile(atPath: tlsCAFile) {
            throw CheckupError(.config, "\(name): tls_ca_file: error reading root certificate \(tlsCAFile)")
        }
        let started = CheckResult.now()
        let base = CheckResult(title: name, endpoint: address, timestamp: started, threshold: thresholdRTT)
        let banner = !send.isEmpty || !expect.isEmpty
        if banner, tls { throw CheckupError(.config, "\(name): send/expect: not supported together with tls") }
        return await probe.run(base, host: host, attempts: attempts, spacing: .zero, limits: limits) { address in
            if banner {
                return await BannerExchange.attempt(host: address ?? host, port: port, send: send, expect: expect, timeout: request.timeout)
            }
            return await Self.connect(request.connecting(to: address)).attempt
        }
    }
}

extension TCPChecker {
    /// One `CONNECT_ONLY` attempt: the round-trip time is the whole connect (and handshake).
    /// The response is nil when the task was cancelled.
    static func connect(_ request: TransferRequest) async -> (attempt: Attempt, response: TransferResponse?) {
        guard let response = try? await CurlEngine.shared.perform(request) else {
            return (Attempt(rtt: .zero, error: Attempt.cancelledError), nil)
        }
        var attempt = Attempt(response: response)
        attempt.rtt = response.totalTime
        attempt.firstByte = nil
        if !response.succeeded { attempt.error = response.errorMessage }
        return (attempt, response)
    }
}

/// `host:port` addresses as the original's `endpoint_url` for tcp, tls and dns checks.
enum HostPort {
    /// Splits `example.com:443`, `127.0.0.1:53` or `[::1]:8080`; nil when it is not such an address.
    static func parse(_ text: String) -> (host: String, port: Int)? {
        // Searches over the UTF-8 bytes: it runs for every check, and `String.contains(String)`
        // goes through NSString with Foundation imported.
        let bytes = text.utf8
        guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[bytes.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.utf8.contains(UInt8(ascii: ":")) {
            return nil  // an IPv6 literal needs brackets
        }
        guard !host.isEmpty, host.unicodeScalars.allSatisfy({
            $0.isASCII && $0.value > 0x20 && $0.value != 0x7F && $0 != "/" && $0 != "@"
        }) else { return nil }
        return (host, port)
    }

    /// Why `text` is not a usable `host:port`, as a phrase to follow the quoted value; nil when it is one.
    static func problem(_ text: String) -> String? {
        if let problem = textProblem(text, spaces: "a space") { return problem }
        if !text.unicodeScalars.allSatisfy(\.isASCII) {
            let host = text.lastIndex(of: ":").map { String(text[..<$0]) } ?? text
            return "has a non-ASCII host name; write it in its ASCII (IDNA) form (\(Punycode.asciiHost(host) ?? "xn--…"))"
        }
        return parse(text) == nil ? "is not host:port (use [addr]:port for IPv6)" : nil
    }

    /// The host as it goes in a URL: IPv6 literals in brackets.
    static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}

extension TCPChecker: JSONConfigurable {
    static let typeName = "tcp"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("endpoint_name", name, omitEmpty: false)
        w.string("endpoint_url", address, omitEmpty: false)
        w.bool("tls", tls)
        w.bool("tls_skip_verify", tlsSkipVerify)
        w.string("tls_ca_file", tlsCAFile)
        w.duration("timeout", timeout)
        w.duration("threshold_rtt", thresholdRTT)
        w.int("attempts", attempts)
        probe.write(into: &w)
        limits.write(into: &w)
        w.string("send", send)
        w.string("expect", expect)
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        let address = try c.requiredString("endpoint_url")
        if let problem = HostPort.problem(address) { throw c.error("endpoint_url", "\(c.shown("endpoint_url")) \(problem)") }
        self.init(name: try c.string("endpoint_name") ?? "", address: address, tls: try c.bool("tls"),
                  tlsSkipVerify: try c.bool("tls_skip_verify"), tlsCAFile: try c.string("tls_ca_file") ?? "",
                  timeout: try c.duration("timeout"), thresholdRTT: try c.duration("threshold_rtt"),
                  attempts: try c.attempts(), probe: try ProbeOptions(config: c),
                  limits: try CheckLimits(config: c, assertions: ["threshold_rtt", "max_lookup", "max_connect", "max_tls"]),
                  send: try c.string("send") ?? "", expect: try c.string("expect") ?? "")
        if tls, !send.isEmpty || !expect.isEmpty {
            throw c.error(send.isEmpty ? "expect" : "send", "does not work together with tls yet")
        }
    }
}
