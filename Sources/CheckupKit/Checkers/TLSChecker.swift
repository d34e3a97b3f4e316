import Foundation

/// Checks a server's TLS certificate (`"type": "tls"`): trusted, valid for the host, and not
/// expiring within `certExpiryThreshold`.
///
/// Each attempt connects and completes a handshake (libcurl `CONNECT_ONLY`, verification off so
/// that the chain can be read even when it is bad), then judges the chain with libcrypto. An
/// expired, not yet valid, untrusted or mismatched certificate is down with a reason that says
/// which; a valid one expiring within the threshold is degraded with a notice giving the date.
/// The leaf's subject, issuer and validity go into the result's `certificate`.
///
/// With `startTLS` the connection starts in the clear as that mail protocol's client and upgrades
/// (SMTP `STARTTLS`, IMAP `STARTTLS`, POP3 `STLS`; libcurl's `CURLOPT_USE_SSL` = `CURLUSESSL_ALL`),
/// and the certificate of that handshake is judged; a server that does not upgrade is down.
public struct TLSChecker: Checker, Equatable {
    /// The name of the endpoint (`endpoint_name`).
    public var name: String
    /// `host:port` (`endpoint_url`); the host is the name the certificate must match.
    public var address: String
    /// Limit for each attempt (`timeout`); zero means 10 seconds.
    public var timeout: Duration
    /// Above this median handshake time the endpoint is degraded (`threshold_rtt`).
    public var thresholdRTT: Duration
    /// How many handshakes (`attempts`); values below 1 mean 1.
    public var attempts: Int
    /// A certificate expiring sooner than this is degraded (`cert_expiry_threshold`); zero means 14 days.
    public var certExpiryThreshold: Duration
    /// PEM files of trusted roots (`trusted_roots`); empty means the system's.
    public var trustedRoots: [String]
    /// Retries, flakiness and every-address checks (checkup's extensions).
    public var probe: ProbeOptions
    /// Per-phase limits and each assertion's severity (checkup's extensions).
    public var limits: CheckLimits
    /// The mail protocol whose STARTTLS upgrade comes before the handshake (`starttls`, checkup's
    /// extension): `smtp`, `imap` or `pop3`; empty for TLS from the first byte.
    public var startTLS = ""

    /// The protocols `startTLS` may name.
    public static let startTLSProtocols = ["smtp", "imap", "pop3"]

    /// The timeout used when none is configured.
    public static let defaultTimeout: Duration = .seconds(10)
    /// The expiry threshold used when none is configured, as the original.
    public static let defaultExpiryThreshold: Duration = .seconds(14 * 24 * 3600)

    /// Creates a TLS checker.
    public init(name: String, address: String, timeout: Duration = .zero, thresholdRTT: Duration = .zero,
                attempts: Int = 1, certExpiryThreshold: Duration = .zero, trustedRoots: [String] = [],
                probe: ProbeOptions = ProbeOptions(), limits: CheckLimits = CheckLimits()) {
        self.name = name
        self.address = address
        self.timeout = timeout
        self.thresholdRTT = thresholdRTT
        self.attempts = attempts
        self.certExpiryThreshold = certExpiryThreshold
        self.trustedRoots = trustedRoots
        self.probe = probe
        self.limits = limits
    }

    /// The host and the handshake-only request `check()` and `explain` make, after checking the
    /// address and the trusted roots.
    /// - Throws: `CheckupError` (`.config`) for a bad address or an unreadable trusted root.
    func handshakeRequest() throws(CheckupError) -> (host: String, request: TransferRequest) {
        guard let (host, port) = HostPort.parse(address) else {
            throw CheckupError(.config, "\(name): endpoint_url: \(JSONValue.string(address).shortText) is not host:port")
        }
        for (i, path) in trustedRoots.enumerated() where !FileManager.default.isReadableFile(atPath: path) {
            throw CheckupError(.config, "\(name): trusted_roots[\(i)]: error reading root certificate \(path)")
        }
        let scheme = startTLS.isEmpty ? "https" : startTLS
        var request = TransferRequest(url: "\(scheme)://\(HostPort.urlHost(host)):\(port)/")
        if !startTLS.isEmpty {
            // The mail client's greeting, capabilities and upgrade, then no login and no command.
            request.protocols = startTLS
            request.requireTLS = true
        }
        request.connectOnly = true
        request.tlsSkipVerify = true
        request.collectCertificates = true
        request.timeout = timeout > .zero ? timeout : Self.defaultTimeout
        return (host, request)
    }

    /// Connects, judges the certificate and concludes a result.
    /// - Throws: `CheckupError` (`.config`) for a bad address or an unreadable trusted root.
    public func check() async throws -> CheckResult {
        let (host, request) = try handshakeRequest()
        let started = CheckResult.now()
        var leaves: [CertificateInfo] = []
        let base = CheckResult(title: name, endpoint: address, timestamp: started, threshold: thresholdRTT)
        var result = await probe.run(base, host: host, attempts: attempts, spacing: .zero, limits: limits) { address in
            var (attempt, response) = await TCPChecker.connect(request.connecting(to: address))
            guard let response, response.succeeded else { return attempt }
            guard let chain = CertificateChain(pem: response.certificatesPEM) else {
                attempt.error = "no certificates presented"
                return attempt
            }
            let info = CertificateInfo(subject: chain.subject, issuer: chain.issuer,
                                       notBefore: chain.notBefore, notAfter: chain.notAfter)
            leaves.append(info)
            attempt.error = Self.problem(chain, info: info, host: host, roots: trustedRoots)
            return attempt
        }
        result.certificate = leaves.last
        let threshold = certExpiryThreshold > .zero ? certExpiryThreshold : Self.defaultExpiryThreshold
        let now = Int64(Date().timeIntervalSince1970)
        if !result.down, let soonest = leaves.min(by: { $0.notAfter < $1.notAfter }),
           soonest.notAfter - now < threshold.components.seconds {
            result.healthy = false
            let down = limits.severity(of: "cert_expiry") == .down
            result.degraded = !down
            result.down = down
            let left = Duration.seconds(max(0, soonest.notAfter - now))
            let expiring = "certificate expiring soon: expires \(RFC3339.format(soonest.notAfter * 1_000_000_000)) (in \(left.goDescription))"
            result.notice = result.notice.isEmpty ? expiring : "\(result.notice); \(expiring)"
        }
        return result
    }

    /// Why the certificate is not acceptable for `host`, or nil when it is.
    static func problem(_ chain: CertificateChain, info: CertificateInfo, host: String, roots: [String]) -> String? {
        let now = Int64(Date().timeIntervalSince1970)
        func date(_ seconds: Int64) -> String { RFC3339.format(seconds * 1_000_000_000) }
        if info.notAfter <= now {
            return "certificate expired \(Duration.seconds(now - info.notAfter).goDescription) ago (on \(date(info.notAfter)))"
        }
        if info.notBefore > now { return "certificate is not valid until \(date(info.notBefore))" }
        if let trust = chain.trustProblem(roots: roots) { return "certificate is not trusted: \(trust)" }
        if !chain.matches(host: host) { return "certificate is not valid for \(host) (subject \(info.subject))" }
        return nil
    }
}

extension TLSChecker: JSONConfigurable {
    static let typeName = "tls"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("endpoint_name", name, omitEmpty: false)
        w.string("endpoint_url", address, omitEmpty: false)
        w.duration("timeout", timeout)
        w.duration("threshold_rtt", thresholdRTT)
        w.int("attempts", attempts)
        w.duration("cert_expiry_threshold", certExpiryThreshold)
        w.strings("trusted_roots", trustedRoots)
        probe.write(into: &w)
        limits.write(into: &w)
        w.string("starttls", startTLS)
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        let address = try c.requiredString("endpoint_url")
        if let problem = HostPort.problem(address) { throw c.error("endpoint_url", "\(c.shown("endpoint_url")) \(problem)") }
        self.init(name: try c.string("endpoint_name") ?? "", address: address, timeout: try c.duration("timeout"),
                  thresholdRTT: try c.duration("threshold_rtt"), attempts: try c.attempts(),
                  certExpiryThreshold: try c.duration("cert_expiry_threshold"),
                  trustedRoots: try c.stringArray("trusted_roots"), probe: try ProbeOptions(config: c),
                  limits: try CheckLimits(config: c, assertions: ["threshold_rtt", "max_lookup", "max_connect", "max_tls", "cert_expiry"]))
        startTLS = try c.string("starttls") ?? ""
        guard startTLS.isEmpty || Self.startTLSProtocols.contains(startTLS) else {
            throw c.error("starttls", "\(c.shown("starttls")) is not a protocol checkup can upgrade (one of: \(Self.startTLSProtocols.joined(separator: ", ")))")
        }
    }
}
