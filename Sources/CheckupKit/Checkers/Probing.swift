import Foundation

/// How the http, tcp and tls checkers make and judge their attempts, beyond the original's
/// `attempts`: checkup's `retry`, `flaky_is_degraded`, `all_addresses` and `dns_server` keys.
public struct ProbeOptions: Sendable, Equatable {
    /// Attempts are retries (`retry`): they stop at the first that passes, and a result that
    /// passed after a failed attempt is flaky rather than down.
    public var retry: Bool
    /// A flaky result is degraded rather than healthy (`flaky_is_degraded`).
    public var flakyIsDegraded: Bool
    /// Check every A and AAAA address of the host on its own (`all_addresses`).
    public var allAddresses: Bool
    /// The DNS server (`host:port`) that `all_addresses` asks (`dns_server`); empty means the
    /// system's resolvers from `/etc/resolv.conf` (the hosts file is not read).
    public var dnsServer: String
    /// Also judge the registration of the host's domain over RDAP (`domain_expiry_threshold`):
    /// degraded within this of its expiry, down once expired; zero does not look it up.
    public var domainExpiryThreshold: Duration = .zero
    /// The RDAP bootstrap file for that (`rdap_bootstrap`), a path or URL; empty means IANA's.
    public var rdapBootstrap = ""

    /// Creates options; the defaults behave as the original.
    public init(retry: Bool = false, flakyIsDegraded: Bool = false, allAddresses: Bool = false, dnsServer: String = "") {
        self.retry = retry
        self.flakyIsDegraded = flakyIsDegraded
        self.allAddresses = allAddresses
        self.dnsServer = dnsServer
    }

    /// How long resolving the host's addresses may take.
    static let lookupTimeout: Duration = .seconds(5)

    func write(into w: inout ConfigWriter) {
        w.bool("retry", retry)
        w.bool("flaky_is_degraded", flakyIsDegraded)
        w.bool("all_addresses", allAddresses)
        w.string("dns_server", dnsServer)
        w.duration("domain_expiry_threshold", domainExpiryThreshold)
        w.string("rdap_bootstrap", rdapBootstrap)
    }

    init(config c: ConfigReader) throws(CheckupError) {
        let server = try c.string("dns_server") ?? ""
        if !server.isEmpty, DNSChecker.serverAddress(server) == nil {
            throw c.error("dns_server", DNSChecker.serverProblem(server, shown: c.shown("dns_server")))
        }
        self.init(retry: try c.bool("retry"), flakyIsDegraded: try c.bool("flaky_is_degraded"),
                  allAddresses: try c.bool("all_addresses"), dnsServer: server)
        domainExpiryThreshold = try c.duration("domain_expiry_threshold")
        rdapBootstrap = try c.string("rdap_bootstrap") ?? ""
        if rdapBootstrap.hasPrefix("http://") || rdapBootstrap.hasPrefix("https://"), let problem = httpURLProblem(rdapBootstrap) {
            throw c.error("rdap_bootstrap", "\(c.shown("rdap_bootstrap")) \(problem)")
        }
    }

    /// Runs the attempts and concludes one result: for the host as libcurl resolves it, or with
    /// `allAddresses`, for each of its addresses in turn (`attempt` gets the address to connect
    /// to, nil for the usual resolution).
    /// - Parameters:
    ///   - base: the result's title, endpoint, timestamp and threshold.
    ///   - host: the host name (or address literal) the checker connects to.
    ///   - limits: the phase limits and severities each address's result is judged by.
    func run(_ base: CheckResult, host: String, attempts: Int, spacing: Duration, limits: CheckLimits = CheckLimits(),
             _ attempt: (String?) async -> Attempt) async -> CheckResult {
        guard allAddresses else { return await runOne(base, attempts: attempts, spacing: spacing, limits: limits) { await attempt(nil) } }
        let started = ContinuousClock.now
        switch await addresses(of: host) {
        case .failure(let reason):
            var result = base
            result.times = [Attempt(rtt: ContinuousClock.now - started, error: reason.message)]
            result.conclude()
            return result
        case .success(let addresses):
            var each: [(address: String, result: CheckResult)] = []
            for address in addresses {
                if Task.isCancelled { break }
                each.append((address, await runOne(base, attempts: attempts, spacing: spacing, limits: limits) { await attempt(address) }))
            }
            return CheckResult.combining(base, addresses: each)
        }
    }

    private func runOne(_ base: CheckResult, attempts: Int, spacing: Duration, limits: CheckLimits,
                        _ attempt: () async -> Attempt) async -> CheckResult {
        var result = base
        result.times = await runAttempts(attempts, spacing: spacing, stopAtPass: retry, attempt)
        if retry { result.conclude(retriesOf: attempts, flakyIsDegraded: flakyIsDegraded) } else { result.conclude() }
        limits.judge(&result)
        return result
    }

    /// Why the host has no address to check.
    struct LookupFailure: Error { var message: String }

    /// The host's IPv4 then IPv6 addresses, from A and AAAA queries to `dnsServer` (or the
    /// system's resolvers); an address literal is its own single address.
    func addresses(of host: String) async -> Result<[String], LookupFailure> {
        if let literal = DNSResolver.canonicalAddress(host) { return .success([literal]) }
        let server = DNSChecker.serverAddress(dnsServer)
        func query(_ type: UInt16) -> DNSQuery {
            DNSQuery(name: host, type: type, host: server?.host ?? "", port: server?.port ?? 53, timeout: Self.lookupTimeout)
        }
        async let v4 = DNSResolver.shared.exchange(query(1))
        async let v6 = DNSResolver.shared.exchange(query(28))
        var found: [String] = [], problems: [String] = []
        for (family, exchange) in [("A", await v4), ("AAAA", await v6)] {
            switch exchange.outcome {
            case .records(let records): found += records.map(\.text)
            case .noRecords: break
            case .rcode(let code): problems.append("\(family): \(code)")
            case .timedOut: problems.append("\(family): timed out")
            case .failed(let why): problems.append("\(family): \(why)")
            case .cancelled: return .failure(LookupFailure(message: Attempt.cancelledError))
            }
        }
        if !found.isEmpty { return .success(found) }
        let why = problems.isEmpty ? "no A or AAAA records" : problems.joined(separator: ", ")
        return .failure(LookupFailure(message: "cannot resolve \(host): \(why)"))
    }
}

extension TransferRequest {
    /// The request made to `address` instead of what the URL's host resolves to
    /// (`CURLOPT_CONNECT_TO` `::ADDRESS:`, any host and port, the port kept), so the Host header,
    /// SNI and certificate checks still use the name.
    func connecting(to address: String?) -> TransferRequest {
        guard let address else { return self }
        var request = self
        request.connectTo = ["::\(HostPort.urlHost(address)):"]
        return request
    }
}
