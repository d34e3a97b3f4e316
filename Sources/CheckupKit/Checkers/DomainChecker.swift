import Foundation

/// Checks when a domain's registration expires (`"type": "domain"`), over RDAP: the bootstrap
/// file (IANA's, or `rdapBootstrap`) names the registry, whose answer carries the `expiration`
/// event. Healthy with the date in the notice; degraded within `expiryThreshold`; down once expired.
///
/// A registry's answer is kept in the store for a day (`rdap/<domain>.json`), so a checker run
/// every minute asks the registry once a day. A lookup that fails (the registry is down, its
/// answer is not RDAP) is judged from the last kept answer, however old, and is degraded when
/// there is none: the registry's trouble is not the domain's.
public struct DomainChecker: Checker, Equatable, StoreReadingChecker {
    /// The name configured (`endpoint_name`); empty shows the domain.
    public var endpointName: String
    /// The name shown: `endpointName`, else the domain.
    public var name: String { endpointName.isEmpty ? domain : endpointName }
    /// The registered domain, e.g. `example.com` (`domain`), in its ASCII (`xn--`) form.
    public var domain: String
    /// Within this of expiry the result is degraded (`domain_expiry_threshold`); zero means 30 days.
    public var expiryThreshold: Duration
    /// The RDAP bootstrap file, a path or an http(s) URL (`rdap_bootstrap`); empty means IANA's.
    public var rdapBootstrap: String
    /// Limit for each request (`timeout`); zero means 10 seconds.
    public var timeout: Duration
    /// Where answers are kept between rounds; `Checkup` sets its storage here.
    public var store: (any CheckerStore)?
    /// The time a round judges at, in UTC Unix nanoseconds; nil means the clock's.
    public var now: Int64?
    /// `domain` is a host name whose registered domain is to be found (`domain_expiry_threshold`
    /// on http, tcp and tls): below the bootstrap's suffix, the shortest name the registry knows.
    var walksUp = false

    /// The threshold used when none is configured.
    public static let defaultExpiryThreshold: Duration = .seconds(30 * 86_400)
    /// How long a registry's answer is used before asking again.
    public static let cacheLifetime: Duration = .seconds(86_400)

    /// Creates a domain checker.
    public init(name: String = "", domain: String, expiryThreshold: Duration = .zero, rdapBootstrap: String = "",
                timeout: Duration = .zero, store: (any CheckerStore)? = nil) {
        self.endpointName = name
        self.domain = domain
        self.expiryThreshold = expiryThreshold
        self.rdapBootstrap = rdapBootstrap
        self.timeout = timeout
        self.store = store
    }

    public static func == (a: DomainChecker, b: DomainChecker) -> Bool {
        (a.endpointName, a.domain, a.expiryThreshold, a.rdapBootstrap, a.timeout, a.now)
            == (b.endpointName, b.domain, b.expiryThreshold, b.rdapBootstrap, b.timeout, b.now)
    }

    /// What a result shows as its endpoint: the domain.
    public var endpoint: String { domain }

    /// Looks the expiry up (or takes the kept answer) and judges it.
    public func check() async throws -> CheckResult { await evaluate().result }

    /// The result, and whether it comes from a failed lookup without a kept answer (then it is
    /// degraded for the registry's trouble, not the domain's).
    func evaluate() async -> (result: CheckResult, lookupFailed: Bool) {
        let at = now ?? CheckResult.now()
        let lowered = domain.lowercased()
        let key = CheckerObjectKey.rdap(lowered)
        let kept = await cached(key)
        if let kept, at &- kept.checkedAt < Self.cacheLifetime.nanoseconds, kept.checkedAt <= at {
            return (judge(kept.answer, at: at, rtt: .zero, note: ""), false)
        }
        let clock = ContinuousClock(), started = clock.now
        let limit = timeout > .zero ? timeout : .seconds(10)
        do throws(RDAP.Failure) {
            let bootstrap = try await RDAP.bootstrap(rdapBootstrap.isEmpty ? RDAP.ianaBootstrap : rdapBootstrap, timeout: limit)
            let (urls, suffix) = try RDAP.baseURLs(for: lowered, bootstrap: bootstrap)
            guard let base = urls.first else {
                throw RDAP.Failure("no RDAP service for .\(lowered.split(separator: ".").last ?? "") in the bootstrap file")
            }
            let answer = try await lookUp(lowered, base: base, suffixLabels: suffix, timeout: limit)
            if let store { try? await store.writeCheckerObject(key, Self.cacheData(answer, domain: lowered, checkedAt: at)) }
            return (judge(answer, at: at, rtt: started.duration(to: clock.now), note: ""), false)
        } catch {
            let rtt = started.duration(to: clock.now)
            if let kept {
                return (judge(kept.answer, at: at, rtt: rtt, note: "; RDAP lookup failed (\(error.reason)), judged from the answer of \(RFC3339.format(kept.checkedAt))"), false)
            }
            var result = CheckResult(title: name, endpoint: endpoint, timestamp: at, times: [Attempt(rtt: rtt)], degraded: true)
            result.notice = "RDAP lookup failed: \(error.reason)"
            return (result, true)
        }
    }

    /// The registry's answer for `domain`; when `walksUp`, for the shortest name below the
    /// bootstrap's suffix (of `suffixLabels` labels) that it knows, asking longer ones on a 404.
    private func lookUp(_ domain: String, base: String, suffixLabels: Int, timeout: Duration) async throws(RDAP.Failure) -> RDAP.Answer {
        let labels = domain.split(separator: ".")
        guard walksUp, labels.count > suffixLabels + 1 else { return try await RDAP.lookUp(domain, base: base, timeout: timeout) }
        for count in (suffixLabels + 1)...labels.count {
            let candidate = labels.suffix(count).joined(separator: ".")
            do { return try await RDAP.lookUp(candidate, base: base, timeout: timeout) } catch where error.status == 404 && count < labels.count {
                continue
            }
        }
        throw RDAP.Failure("no registration found for \(domain)")  // not reached: the last name's error is thrown
    }

    /// The result for an answer at `now`.
    func judge(_ answer: RDAP.Answer, at now: Int64, rtt: Duration, note: String) -> CheckResult {
        var result = CheckResult(title: name, endpoint: endpoint, timestamp: now)
        let date = RFC3339.format(answer.expires)
        let left = answer.expires &- now
        let threshold = expiryThreshold > .zero ? expiryThreshold : Self.defaultExpiryThreshold
        var attempt = Attempt(rtt: rtt)
        if left <= 0 {
            attempt.error = "domain registration expired on \(date) (\(Duration.seconds(-left / 1_000_000_000).goDescription) ago)"
            result.notice = attempt.error ?? ""
            result.down = true
        } else if left < threshold.nanoseconds {
            result.notice = "domain registration expires on \(date) (in \(Duration.seconds(left / 1_000_000_000).goDescription))"
            attempt.warnings = [result.notice]
            result.degraded = true
        } else {
            result.notice = "domain registration expires on \(date)"
            result.healthy = true
        }
        result.notice += note
        result.times = [attempt]
        return result
    }

    /// The kept answer, if the store has one that can be read.
    private func cached(_ key: String) async -> (answer: RDAP.Answer, checkedAt: Int64)? {
        guard let store, let data = try? await store.readCheckerObject(key), let value = try? JSONValue.parse(data),
              let o = value.objectValue, case .int(let checkedAt)? = o["checked_at"], case .int(let expires)? = o["expires"] else { return nil }
        return (RDAP.Answer(expires: expires, source: o["source"]?.stringValue ?? ""), checkedAt)
    }

    /// The kept answer's JSON: `{"domain":…,"checked_at":…,"expires":…,"source":…}`.
    static func cacheData(_ answer: RDAP.Answer, domain: String, checkedAt: Int64) -> Data {
        var o = JSONObject()
        o.append("domain", .string(domain))
        o.append("checked_at", .int(checkedAt))
        o.append("expires", .int(answer.expires))
        o.append("source", .string(answer.source))
        return JSONValue.object(o).encoded()
    }
}

extension DomainChecker: JSONConfigurable {
    static let typeName = "domain"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("endpoint_name", endpointName)
        w.string("domain", domain, omitEmpty: false)
        w.duration("domain_expiry_threshold", expiryThreshold)
        w.string("rdap_bootstrap", rdapBootstrap)
        w.duration("timeout", timeout)
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        let raw = try c.requiredString("domain")
        let trimmed = raw.hasSuffix(".") ? String(raw.dropLast()) : raw
        guard let ascii = Punycode.asciiHost(trimmed), trimmed.split(separator: ".", omittingEmptySubsequences: false).count >= 2,
              ascii.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ label in
                  !label.isEmpty && label.utf8.count <= 63 && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
              }) else {
            throw c.error("domain", "\(c.shown("domain")) is not a registered domain name such as \"example.com\"")
        }
        let bootstrap = try c.string("rdap_bootstrap") ?? ""
        if bootstrap.hasPrefix("http://") || bootstrap.hasPrefix("https://"), let problem = httpURLProblem(bootstrap) {
            throw c.error("rdap_bootstrap", "\(c.shown("rdap_bootstrap")) \(problem)")
        }
        let name = try c.string("endpoint_name") ?? ""
        if let problem = textProblem(name) { throw c.error("endpoint_name", "\(c.shown("endpoint_name")) \(problem)") }
        self.init(name: name, domain: ascii.lowercased(), expiryThreshold: try c.duration("domain_expiry_threshold"),
                  rdapBootstrap: bootstrap, timeout: try c.duration("timeout"))
    }
}
