extension CheckResult {
    /// Concludes a result whose attempts were retries (`retry`): they stopped at the first one
    /// that passed, so only the last can have passed.
    ///
    /// A result whose last attempt passed after failed ones is *flaky*: healthy with the notice
    /// "passed on attempt 2 of 3" (or degraded with it, when `flakyIsDegraded`), and `flaky` set.
    /// The threshold is judged on the attempt that passed, not on the failures' times. Every
    /// attempt stays in `times`. Anything else concludes as `conclude()` does.
    /// - Parameters:
    ///   - planned: how many attempts the checker would have made (`attempts`).
    ///   - flakyIsDegraded: a flaky result is degraded rather than healthy (`flaky_is_degraded`).
    public mutating func conclude(retriesOf planned: Int, flakyIsDegraded: Bool) {
        flaky = false
        guard times.count > 1, let last = times.last, last.passed else { return conclude() }
        healthy = false; degraded = false; down = false
        flaky = true
        var notices = ["passed on attempt \(times.count) of \(max(planned, times.count))"]
        if threshold > .zero, last.rtt > threshold {
            notices.insert("round trip time exceeded threshold (\(threshold.goDescription))", at: 0)
        }
        notice = notices.joined(separator: "; ")
        if flakyIsDegraded || notices.count > 1 { degraded = true } else { healthy = true }
    }

    /// The words after the counts in the notice of a result some (not all) of whose addresses
    /// are down: `1 of 3 addresses down: …`.
    static let addressesDownWords = " addresses down: "

    /// Whether `notice` (or a reason taken from it) says that some, not all, of an endpoint's
    /// addresses are down: a partial outage.
    public static func saysSomeAddressesDown(_ notice: String) -> Bool {
        guard let range = notice.range(of: addressesDownWords) else { return false }
        let counts = notice[..<range.lowerBound].split(separator: " ")
        return counts.count == 3 && counts[1] == "of" && Int(counts[0]) != nil && Int(counts[2]) != nil
    }

    /// One result for a checker that checked every address of a name (`all_addresses`), from
    /// each address's own concluded result.
    ///
    /// All addresses healthy is healthy (flaky when any was); some down is degraded, with the
    /// notice naming each failing address and its error; all down is down. Any address's
    /// degraded notice is kept, prefixed with its address. `times` holds every address's
    /// attempts in turn, each with its `address`.
    /// - Parameters:
    ///   - base: the title, endpoint, timestamp and threshold of the whole result.
    ///   - addresses: each address with the result of checking it alone, in the order checked.
    public static func combining(_ base: CheckResult, addresses: [(address: String, result: CheckResult)]) -> CheckResult {
        var result = base
        result.times = addresses.flatMap { entry in
            entry.result.times.map { attempt in
                var attempt = attempt
                attempt.address = entry.address
                return attempt
            }
        }
        result.healthy = false; result.degraded = false; result.down = false
        result.flaky = addresses.contains { $0.result.flaky && !$0.result.down }
        let failing = addresses.filter { $0.result.down }
        func reason(_ r: CheckResult) -> String {
            r.times.first { !$0.passed }?.error ?? (r.notice.isEmpty ? "down" : r.notice)
        }
        let failures = failing.map { "\($0.address) (\(reason($0.result)))" }
        let notes = addresses.filter { !$0.result.down && !$0.result.notice.isEmpty }.map { "\($0.address): \($0.result.notice)" }
        if addresses.isEmpty {
            result.down = true
        } else if failing.count == addresses.count {
            result.down = true
            result.notice = "every address is down: " + failures.joined(separator: ", ")
        } else if !failing.isEmpty {
            result.degraded = true
            result.notice = (["\(failing.count) of \(addresses.count)\(addressesDownWords)" + failures.joined(separator: ", ")] + notes)
                .joined(separator: "; ")
        } else {
            if addresses.contains(where: { $0.result.degraded }) { result.degraded = true } else { result.healthy = true }
            result.notice = notes.joined(separator: "; ")
        }
        return result
    }
}
