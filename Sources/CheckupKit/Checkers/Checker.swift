/// Something that can check an endpoint and say how it is.
///
/// Implement it to add your own kind of check. `check()` reports a failed probe as a value (a
/// result that is down, with each attempt's error) and throws only when the checker itself is
/// misconfigured, as in the original.
public protocol Checker: Sendable {
    /// The name shown for this check; becomes the result's `title`.
    var name: String { get }
    /// Checks the endpoint once (with as many attempts as configured) and concludes a result.
    func check() async throws -> CheckResult
}

/// A checker that reads (and may write) the store between rounds: `Checkup` hands it its storage
/// and the round's pinned time before it runs.
public protocol StoreReadingChecker: Checker {
    /// Where the checker's objects are kept; nil until `Checkup` sets it.
    var store: (any CheckerStore)? { get set }
    /// The time the round judges at (UTC Unix nanoseconds); nil means the clock's.
    var now: Int64? { get set }
}

extension Checker {
    /// See the free function `runAttempts(_:spacing:stopAtPass:_:)`.
    func runAttempts(_ attempts: Int, spacing: Duration, stopAtPass: Bool = false, _ attempt: () async -> Attempt) async -> [Attempt] {
        await CheckupKit.runAttempts(attempts, spacing: spacing, stopAtPass: stopAtPass, attempt)
    }
}

/// Runs `attempts` attempts (1 to `Attempt.maximumPerResult`) in sequence with `spacing`
/// between them; an attempt never runs after the task is cancelled. With `stopAtPass`
/// (`retry`), no attempt runs after one that passed.
func runAttempts(_ attempts: Int, spacing: Duration, stopAtPass: Bool = false, _ attempt: () async -> Attempt) async -> [Attempt] {
    var times: [Attempt] = []
    for i in 0..<min(max(1, attempts), Attempt.maximumPerResult) {
        if Task.isCancelled { break }
        if i > 0, spacing > .zero {
            try? await Task.sleep(for: spacing)
            if Task.isCancelled { break }
        }
        times.append(await attempt())
        if stopAtPass, times.last?.passed == true { break }
    }
    return times
}
