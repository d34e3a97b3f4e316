import Foundation
import Synchronization

/// A set of checkers and where their results go: the heart of checkup.
///
/// ```swift
/// let checkup = Checkup(
///     checkers: [HTTPChecker(name: "Website", url: "https://example.com", attempts: 5)],
///     storage: FileSystemStorage(directory: "checks"))
/// let results = try await checkup.checkAndStore()
/// ```
public struct Checkup: Sendable {
    /// The checkers, run in order of this list (results come back in the same order).
    public var checkers: [any Checker]
    /// How many checkers run at once (`concurrent_checks`); 0 means `defaultConcurrentChecks`.
    public var concurrentChecks: Int
    /// When set, every result's timestamp is replaced by this time (`timestamp`), in UTC Unix
    /// nanoseconds as results carry it, so that results from several nodes line up.
    public var timestamp: Int64?
    /// Where results are stored (`storage`).
    public var storage: (any Storage)?
    /// Who is told about every round (`notifiers`).
    public var notifiers: [any Notifier]
    /// Where background problems are reported.
    public var log: LogSink

    /// This node's name (`origin`, checkup's extension): every result carries it, and it names
    /// the node's status summary (`summaries/<origin>.json`); empty means the host name.
    public var origin: String = ""
    /// Where this node is, for people (`location`, checkup's extension), e.g. "Frankfurt": the
    /// status page shows it for the origin; empty shows the origin itself.
    public var location: String = ""

    /// How many fresh origins must say down for an endpoint's verdict to be down (`quorum`,
    /// checkup's extension); 0 means a majority of them.
    public var quorum = 0
    /// Per-checker quorums by checker name (a checker's own `quorum` key), over `quorum`.
    public var quorums: [String: Int] = [:]
    /// The group each checker is shown in (a checker's `group` key, checkup's extension), by
    /// checker name: the page and the API show groups with the worst state of their members.
    public var groups: [String: String] = [:]
    /// How long an origin's latest round counts for the verdict (`stale_after`, checkup's
    /// extension); zero means three of that origin's own intervals, and at least two minutes.
    public var staleAfter: Duration = .zero
    /// Checks of this node's own network (`canary`, checkup's extension), run with every stored
    /// round: while one is not healthy, this node's results are stored, marked, but do not vote.
    public var canary: [any Checker] = []
    /// The longest one round's notifications may take, every notifier together: what is not
    /// sent by then is tried again next round. Storing never waits for it.
    public var notifyTimeout: Duration = .seconds(15)
    /// The config's planned maintenance (`maintenance`): its endpoints show "under maintenance"
    /// instead of down, and their alerts are held back, while a window is on.
    public var maintenance: [MaintenancePlan] = []
    /// The interval of `checkAndStoreEvery`, which this node tells the others; zero otherwise.
    var interval: Duration = .zero
    /// Every value `checkup.json` took from the environment (`${VAR}`): secrets, which a trace hides.
    var secrets: [String] = []

    /// The origin results are stamped with: `origin`, else the host name, cleaned for keys.
    public var resolvedOrigin: String { originName(origin) }

    /// What `checkup.json` said that only reading and writing it back uses.
    public var configOptions = ConfigOptions()
    /// Told as each checker of a round finishes (`done` of `total`, the checker's name).
    public var progress = ProgressSink.discard
    /// The slice of the checkers this process checks (`--shard`); nil for all. Set it with
    /// `select(_:)`, which also drops the other slices' checkers.
    public private(set) var shard: Shard?

    /// Keeps only the checkers of `shard` (the canary is checked by every slice).
    public mutating func select(_ shard: Shard) {
        self.shard = shard
        checkers = checkers.filter { shard.contains($0.name) }
    }

    /// The number of checkers run at once when `concurrentChecks` is 0, as in the original.
    public static let defaultConcurrentChecks = 5

    /// Creates a checkup.
    public init(checkers: [any Checker], concurrentChecks: Int = 0, timestamp: Int64? = nil,
                storage: (any Storage)? = nil, notifiers: [any Notifier] = [], log: LogSink = .discard) {
        self.checkers = checkers
        self.concurrentChecks = concurrentChecks
        self.timestamp = timestamp
        self.storage = storage
        self.notifiers = notifiers
        self.log = log
    }

    /// Runs every checker once, `concurrentChecks` at a time, and returns their results in the
    /// order of `checkers`; then tells every notifier (at most `notifyTimeout`).
    /// - Throws: `CheckupError` (`.config`) for a negative `concurrentChecks`, or (`.check`) with
    ///   the checkers' own errors joined by `"; "`.
    public func check() async throws -> [CheckResult] {
        let results = try await runChecks()
        await notify(results)
        return results
    }

    /// Runs every checker once, as `check()` does, without telling the notifiers: for a caller
    /// that stores or prints the results first and then calls `notify(_:)`.
    public func runChecks() async throws -> [CheckResult] {
        try await runCheckers(checkers)
    }

    /// Runs every checker once and returns their results, stamped with the timestamp and origin.
    private func runCheckers(_ checkers: [any Checker]) async throws -> [CheckResult] {
        guard concurrentChecks >= 0 else {
            throw CheckupError(.config, "concurrent_checks: \(concurrentChecks) is negative (must be 0 for the default, or more)")
        }
        let limit = concurrentChecks == 0 ? Self.defaultConcurrentChecks : concurrentChecks
        // `limit` workers, each taking the next checker when its last one is done: one task per
        // worker rather than per checker, and no hop through this task between two checks.
        let queue = CheckerQueue(count: checkers.count)
        let progress = progress
        var slots = [Outcome?](repeating: nil, count: checkers.count)
        await withTaskGroup(of: [Outcome].self) { group in
            for _ in 0..<min(limit, checkers.count) {
                group.addTask {
                    var done: [Outcome] = []
                    while !Task.isCancelled, let index = queue.next() {
                        let checker = withStore(checkers[index])
                        do {
                            done.append(Outcome(index: index, result: try await checker.check(), error: nil))
                        } catch {
                            done.append(Outcome(index: index, result: nil, error: "\(error)"))
                        }
                        queue.finished { progress.report($0, checkers.count, checker.name) }
                    }
                    return done
                }
            }
            for await outcomes in group {
                for done in outcomes { slots[done.index] = done }
            }
        }
        var results: [CheckResult] = []
        var errors: [String] = []
        for slot in slots {
            if let result = slot?.result { results.append(result) }
            if let error = slot?.error { errors.append(error) }
        }
        if !errors.isEmpty { throw CheckupError(.check, errors.joined(separator: "; ")) }
        let origin = resolvedOrigin
        for i in results.indices {
            if let timestamp { results[i].timestamp = timestamp }
            results[i].origin = origin
        }
        try Task.checkCancellation()
        return results
    }

    /// Checks, stores the results, tells every notifier, then runs the storage's maintenance if
    /// it has any. With other origins in the store, the notifiers hear the round's verdicts
    /// (decided by a quorum of the fresh origins; a partial outage counts as up) instead of this
    /// node's own results.
    /// - Returns: the stored results.
    /// - Throws: `CheckupError` when there is no storage or a step fails; `CancellationError`
    ///   when the task was cancelled before storing (a cancelled round is never stored).
    @discardableResult
    public func checkAndStore() async throws -> [CheckResult] {
        let (results, round) = try await checkAndStoreRound()
        await notify(round)
        return results
    }

    /// `checkAndStore()` up to the notifications: what to tell the notifiers is handed back, so
    /// that `checkAndStoreEvery` can send it while the next round runs.
    func checkAndStoreRound() async throws -> (results: [CheckResult], notice: RoundNotice) {
        guard let storage else { throw CheckupError(.config, "no storage mechanism defined") }
        var results = try await runCheckers(checkers)
        // The canary's trouble is this node's own: its results are marked and do not vote. A
        // canary that cannot even run counts as down; the round is stored all the same.
        var abstain = ""
        if !canary.isEmpty {
            do {
                let sick = try await runCheckers(canary).filter { $0.status != .healthy }
                abstain = sick.map { "\($0.title.isEmpty ? $0.endpoint : $0.title) is \($0.status)" }.joined(separator: ", ")
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                abstain = "failed to run (\(error))"
            }
        }
        if !abstain.isEmpty {
            for i in results.indices where results[i].notice.isEmpty { results[i].notice = "not voting: this node's canary \(abstain)" }
        }
        try Task.checkCancellation()
        let hold = MaintenanceHold()
        let round = try await store(results, in: storage, abstain: abstain.isEmpty ? "" : "canary \(abstain)", hold: hold)
        await publishMaintenanceIfChanged(at: CheckResult.now())
        await publishComponentsIfChanged(at: CheckResult.now())
        if let maintainer = storage as? any Maintainer {
            try await maintainer.maintain()
        }
        return (results, RoundNotice(results: round.isShared ? round.alerting : results, fallbackSender: round.firstVoter, held: hold.titles))
    }

    /// Stores one round of results as a new check file and, when the storage keeps status
    /// summaries (fs and S3 do), adds them to this node's summary. A result without an origin
    /// gets this node's. The check file is the record: a summary that cannot be updated is
    /// logged, not thrown (`checkup summarize` rebuilds it).
    /// - Throws: `CheckupError` when there is no storage or storing the check file fails.
    public func store(_ results: [CheckResult]) async throws {
        guard let storage else { throw CheckupError(.config, "no storage mechanism defined") }
        try await store(results, in: storage)
    }

    /// Stores `results` and returns the round's verdicts (none with one origin).
    @discardableResult
    private func store(_ results: [CheckResult], in storage: any Storage, abstain: String = "",
                       hold: MaintenanceHold? = nil) async throws -> RoundVerdicts {
        let origin = resolvedOrigin
        let results = results.map { result in
            var stamped = result
            if stamped.origin.isEmpty { stamped.origin = origin }
            return stamped
        }
        // Once storing begins, the round is stored whole, check file and summary, even if the loop
        // is being stopped meanwhile: an unstructured task does not inherit the cancellation (a
        // cancelled PUT may have landed, and its summary update must not be lost).
        let summaries = self.summaries, log = self.log
        // Results under maintenance are stored but left out of the summaries: out of uptime. The
        // windows are read once the round is in the store (a store that is down is not asked
        // again), and kept in `hold` for the round's notifications.
        let hold = hold ?? MaintenanceHold(), now = CheckResult.now(), checkup = self
        let held: @Sendable () async -> Set<String> = {
            let titles = summaries == nil ? [] : await checkup.maintenanceTitles(at: now)
            hold.titles = titles
            return titles
        }
        hold.titles = maintenanceTitles(configuredAt: now)  // until the store is reached
        return try await Task { () async throws -> RoundVerdicts in
            if let remote = storage as? any SpoolingStorage {
                return try await Self.storeSpooling(results, in: remote, summaries: summaries, abstain: abstain, excluding: held, log: log)
            }
            try await storage.store(results)
            return await Self.updateSummaries(summaries, with: results, abstain: abstain, excluding: await held(), log: log)
        }.value
    }

    /// Adds a stored round to the summaries and logs the verdicts that changed; a failure is
    /// logged (the check file is the record) and gives no verdicts.
    /// Results whose title (lowercased) is in `held` are left out (under maintenance).
    static func updateSummaries(_ summaries: StatusSummaries?, with results: [CheckResult], abstain: String,
                                catchingUp: Bool = false, excluding held: Set<String> = [], log: LogSink) async -> RoundVerdicts {
        guard let summaries else { return RoundVerdicts() }
        let results = held.isEmpty ? results : results.filter { !held.contains($0.title.lowercased()) }
        do {
            let round = try await summaries.update(with: results, abstain: abstain, catchingUp: catchingUp)
            for verdict in round.changed {
                log.write("verdict: \(verdict.title) is \(verdict.status)" + (verdict.notice.isEmpty ? "" : " (\(verdict.notice))"))
            }
            return round
        } catch {
            log.write("ERROR updating the status summary: \(error)")
            return RoundVerdicts()
        }
    }

    /// This node's status summaries, when the storage keeps them.
    public var summaries: StatusSummaries? {
        guard let store = storage as? any SummaryStorage else { return nil }
        var summaries = StatusSummaries(storage: store, origin: resolvedOrigin, location: location)
        summaries.quorum = quorum
        summaries.quorums = quorums
        summaries.staleAfter = staleAfter
        summaries.interval = interval
        summaries.sharded = shard != nil
        return summaries
    }

    /// Runs `checkAndStore()` now and then once every `interval` until stopped. Rounds never
    /// overlap; a round that overruns skips the ticks it missed. Errors are written to `log`.
    /// - Returns: a handle that stops the loop.
    public func checkAndStoreEvery(_ interval: Duration) -> CheckupSchedule {
        checkAndStoreEvery(interval, clock: ContinuousClock())
    }

    /// `checkAndStoreEvery(_:)` on the ticks of `clock`: rounds start at now + k × `interval`,
    /// so a test can drive the loop with a clock of its own instead of waiting.
    public func checkAndStoreEvery<C: Clock>(_ interval: Duration, clock: C) -> CheckupSchedule where C.Duration == Duration {
        var checkup = self
        checkup.interval = interval
        let notifying = checkup
        let notices = NotificationQueue { notice in await notifying.notify(notice) }
        let task = Task {
            var next = clock.now
            while !Task.isCancelled {
                do {
                    // The round never waits on a receiver: its notifications go out meanwhile.
                    await notices.submit(try await checkup.checkAndStoreRound().notice)
                } catch is CancellationError {
                    break
                } catch {
                    checkup.log.write("\(error)")
                }
                releaseFreedMemory()
                next = Self.nextTick(after: next, now: clock.now, interval: interval)
                do { try await clock.sleep(until: next, tolerance: nil) } catch { break }
            }
        }
        return CheckupSchedule(task: task, notices: notices)
    }
}

extension Checkup {
    /// The first tick `start + k × interval` (k ≥ 1) that is not before `now`: the ticks a long
    /// round missed are skipped in one step, however short the interval.
    static func nextTick<I: InstantProtocol>(after start: I, now: I, interval: Duration) -> I where I.Duration == Duration {
        let next = start.advanced(by: interval)
        guard interval > .zero, now > next else { return next }
        let behind = next.duration(to: now)
        // Whole intervals, by nanoseconds: Duration / Duration is a Double, too coarse for days of 1ns.
        let missed = (behind.nanoseconds + interval.nanoseconds - 1) / interval.nanoseconds
        return next.advanced(by: interval * missed)
    }
}

/// What one checker's run hands back to `check()`.
private struct Outcome: Sendable {
    var index: Int
    var result: CheckResult?
    var error: String?
}

/// The checkers of a round as the workers of `runCheckers` share them: the next index to run,
/// and the count of those finished, reported in order.
private final class CheckerQueue: Sendable {
    private let count: Int
    private let taken = Atomic<Int>(0)
    private let done = Mutex(0)

    init(count: Int) { self.count = count }

    /// The index of the next checker to run; nil once every one was taken.
    func next() -> Int? {
        let index = taken.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }

    /// Counts one more finished checker and hands the count to `report`, one call at a time.
    func finished(_ report: (Int) -> Void) {
        done.withLock { n in
            n += 1
            report(n)
        }
    }
}

/// A running `checkAndStoreEvery` loop.
public final class CheckupSchedule: Sendable {
    private let task: Task<Void, Never>
    private let notices: NotificationQueue

    init(task: Task<Void, Never>, notices: NotificationQueue) {
        self.task = task
        self.notices = notices
    }

    /// How long `wait()` lets notifications in flight finish after the loop ended.
    public static let notificationGrace = Duration.seconds(1)

    /// Stops the loop. A round in progress is abandoned: its checks are cancelled and its
    /// results are not stored; a store already under way completes.
    public func stop() { task.cancel() }

    /// Waits until the loop has ended (after `stop()`), and its notifications with it: those in
    /// flight get `notificationGrace`, then are cancelled (what they did not send is put back,
    /// so the next run sends it).
    public func wait() async {
        await task.value
        await notices.finish(within: Self.notificationGrace)
    }
}
