import Foundation

/// An http, tcp or tls checker with `domain_expiry_threshold`: its own result, then the
/// registration of its host's domain judged as the domain checker judges it (and kept in the
/// store for a day). An expired registration makes the result down, one expiring within the
/// threshold degraded, each with the domain checker's notice added; a lookup that fails without a
/// kept answer changes nothing (the registry's trouble is not the endpoint's).
struct DomainExpiring: Checker {
    var inner: any Checker
    var domain: DomainChecker

    var name: String { inner.name }

    /// `checker` with its host's domain judged too, or `checker` itself when it has no
    /// `domain_expiry_threshold` or its host is an address or a single label.
    static func wrapping(_ checker: any Checker, store: (any CheckerStore)?, now: Int64?) -> any Checker {
        // A conformance lookup and the threshold first: this runs for every check of a round.
        guard let probing = checker as? any HostProbing, probing.probe.domainExpiryThreshold > .zero else { return checker }
        let found = probing.probedHost.map { (probing.probe, $0) }
        guard let (probe, host) = found, probe.domainExpiryThreshold > .zero, DNSResolver.canonicalAddress(host) == nil,
              let ascii = Punycode.asciiHost(host.hasSuffix(".") ? String(host.dropLast()) : host), ascii.contains(".") else { return checker }
        var domain = DomainChecker(name: checker.name, domain: ascii.lowercased(), expiryThreshold: probe.domainExpiryThreshold,
                                   rdapBootstrap: probe.rdapBootstrap, store: store)
        domain.now = now
        domain.walksUp = true
        return DomainExpiring(inner: checker, domain: domain)
    }

    func check() async throws -> CheckResult {
        var result = try await inner.check()
        let (registration, lookupFailed) = await domain.evaluate()
        guard !lookupFailed, !registration.healthy else { return result }
        if registration.down {
            result.healthy = false
            result.degraded = false
            result.down = true
        } else if result.healthy {
            result.healthy = false
            result.degraded = true
        }
        result.notice = result.notice.isEmpty ? registration.notice : "\(result.notice); \(registration.notice)"
        return result
    }
}

/// A checker whose host's domain registration `domain_expiry_threshold` may judge.
protocol HostProbing {
    var probe: ProbeOptions { get }
    /// The host the checker connects to; nil when its address does not parse.
    var probedHost: String? { get }
}

extension HTTPChecker: HostProbing {
    var probedHost: String? { HTTPChecker.host(of: url) }
}

extension TCPChecker: HostProbing {
    var probedHost: String? { HostPort.parse(address)?.host }
}

extension TLSChecker: HostProbing {
    var probedHost: String? { HostPort.parse(address)?.host }
}
