import Foundation
import Synchronization
import Testing
@testable import CheckupKit

/// A checker that records how many checks run at once.
struct CountingChecker: Checker {
    let name: String
    let gauge: Gauge
    var delay: Duration = .milliseconds(30)
    var error: String? = nil

    func check() async throws -> CheckResult {
        gauge.enter()
        defer { gauge.leave() }
        try? await Task.sleep(for: delay)
        if let error { throw CheckupError(.check, error) }
        var result = CheckResult(title: name, endpoint: "test://\(name)", times: [Attempt(rtt: .milliseconds(1))])
        result.conclude()
        return result
    }
}

final class Gauge: Sendable {
    private let state = Mutex((current: 0, peak: 0, total: 0))
    func enter() { state.withLock { $0.current += 1; $0.total += 1; $0.peak = max($0.peak, $0.current) } }
    func leave() { state.withLock { $0.current -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
    var total: Int { state.withLock { $0.total } }
}

/// A storage that keeps every stored round in memory and counts maintenance.
final class MemoryStorage: Storage, Maintainer, Sendable {
    private let state = Mutex((rounds: [[CheckResult]](), maintained: 0))
    func store(_ results: [CheckResult]) async throws { state.withLock { $0.rounds.append(results) } }
    func maintain() async throws { state.withLock { $0.maintained += 1 } }
    var rounds: [[CheckResult]] { state.withLock { $0.rounds } }
    var maintained: Int { state.withLock { $0.maintained } }
}

final class RecordingNotifier: Notifier, Sendable {
    let typeName = "recording"
    let fail: Bool
    private let calls = Mutex(0)
    init(fail: Bool = false) { self.fail = fail }
    func notify(_ results: [CheckResult]) async throws {
        calls.withLock { $0 += 1 }
        if fail { throw CheckupError(.service, "receiver said no") }
    }
    var count: Int { calls.withLock { $0 } }
}

@Suite struct CheckupTests {
    @Test func checkAndStoreRunsCheckersStoresNotifiesAndMaintains() async throws {
        let gauge = Gauge()
        let storage = MemoryStorage()
        let notifiers = [RecordingNotifier(), RecordingNotifier()]
        let stamp: Int64 = 1_472_688_000_000_000_000
        let checkup = Checkup(checkers: [CountingChecker(name: "a", gauge: gauge), CountingChecker(name: "b", gauge: gauge)],
                              concurrentChecks: 1, timestamp: stamp, storage: storage, notifiers: notifiers)
        let results = try await checkup.checkAndStore()
        #expect(results.map(\.title) == ["a", "b"])
        #expect(gauge.total == 2 && gauge.peak == 1)
        #expect(storage.rounds.count == 1 && storage.rounds[0].count == 2)
        #expect(storage.rounds[0].allSatisfy { $0.timestamp == 1_472_688_000_000_000_000 })
        #expect(notifiers.allSatisfy { $0.count == 1 })
        #expect(storage.maintained == 1)
    }

    @Test func checkerErrorsAreJoinedAndNothingIsStored() async throws {
        let gauge = Gauge()
        let storage = MemoryStorage()
        let checkup = Checkup(checkers: [CountingChecker(name: "a", gauge: gauge, error: "i'm an error"),
                                         CountingChecker(name: "b", gauge: gauge, error: "i'm an error")],
                              storage: storage)
        await #expect(throws: CheckupError(.check, "i'm an error; i'm an error")) { try await checkup.checkAndStore() }
        #expect(storage.rounds.isEmpty)
    }

    @Test func negativeConcurrencyAndMissingStorageAreErrors() async {
        await #expect(throws: CheckupError(.config, "concurrent_checks: -1 is negative (must be 0 for the default, or more)")) {
            try await Checkup(checkers: [], concurrentChecks: -1).check()
        }
        await #expect(throws: CheckupError(.config, "no storage mechanism defined")) {
            try await Checkup(checkers: []).checkAndStore()
        }
    }

    @Test(arguments: [0, 1, 3, 8])
    func concurrentChecksBoundsHowManyRunAtOnce(limit: Int) async throws {
        let gauge = Gauge()
        let checkers = (0..<12).map { CountingChecker(name: "c\($0)", gauge: gauge) }
        let results = try await Checkup(checkers: checkers, concurrentChecks: limit).check()
        #expect(results.map(\.title) == checkers.map(\.name))
        #expect(gauge.peak == (limit == 0 ? Checkup.defaultConcurrentChecks : limit))
    }

    @Test func aFailingNotifierIsLoggedAndDoesNotStopTheOthersOrTheStore() async throws {
        let lines = Mutex([String]())
        let storage = MemoryStorage()
        let good = RecordingNotifier()
        let checkup = Checkup(checkers: [CountingChecker(name: "a", gauge: Gauge())], storage: storage,
                              notifiers: [RecordingNotifier(fail: true), good],
                              log: LogSink { line in lines.withLock { $0.append(line) } })
        try await checkup.checkAndStore()
        #expect(good.count == 1)
        #expect(storage.rounds.count == 1)
        #expect(lines.withLock { $0 } == ["ERROR sending notifications for recording: receiver said no"])
    }

    @Test func checkAndStoreEveryRunsAtOnceWithoutWaitingForTheFirstInterval() async throws {
        let storage = MemoryStorage()
        let checkup = Checkup(checkers: [CountingChecker(name: "a", gauge: Gauge(), delay: .zero)], storage: storage)
        let schedule = checkup.checkAndStoreEvery(.seconds(3600))
        try await waitUntil { storage.rounds.count >= 1 }
        schedule.stop()
        await schedule.wait()
        #expect(storage.rounds.count == 1)
    }

    @Test func checkAndStoreEveryKeepsTheIntervalAndStopsWhenTold() async throws {
        // On a clock the test moves: rounds keep to a grid of ticks (start + k × interval), as
        // Go's ticker, never early; a round that overruns skips the ticks it missed.
        let storage = MemoryStorage()
        let clock = ManualClock()
        let times = Mutex([Duration]())
        struct Stamping: Checker {
            let name = "stamp"
            let round: @Sendable () -> Void
            func check() async throws -> CheckResult { round(); return CheckResult(title: name, healthy: true) }
        }
        let checkup = Checkup(checkers: [Stamping {
            let count = times.withLock { stamps in
                stamps.append(clock.now.offset)
                return stamps.count
            }
            if count == 3 { clock.advance(by: .milliseconds(250)) }  // the third round takes 250 ms
        }], storage: storage)
        let schedule = checkup.checkAndStoreEvery(.milliseconds(100), clock: clock)
        func settle(_ rounds: Int) async throws {
            try await waitUntil { storage.rounds.count == rounds && clock.sleeping == 1 }
            #expect(storage.rounds.count == rounds && clock.sleeping == 1)
        }
        try await settle(1)
        clock.advance(by: .milliseconds(99))
        #expect(clock.sleeping == 1 && storage.rounds.count == 1)  // not a moment early
        clock.advance(by: .milliseconds(1))
        try await settle(2)
        clock.advance(by: .milliseconds(100))
        try await settle(3)  // it ran from 200 ms to 450 ms: the ticks at 300 and 400 ms are gone
        clock.advance(by: .milliseconds(49))
        #expect(clock.sleeping == 1 && storage.rounds.count == 3)
        clock.advance(by: .milliseconds(1))
        try await settle(4)
        #expect(times.withLock { $0 } == [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(500)])
        schedule.stop()
        await schedule.wait()
        clock.advance(by: .seconds(10))
        #expect(storage.rounds.count == 4 && clock.sleeping == 0)
    }

    @Test func stoppingAbandonsTheRoundInProgressWithoutStoringIt() async throws {
        let storage = MemoryStorage()
        let checkup = Checkup(checkers: [HTTPChecker(name: "hang", url: peerURL("/hang"), timeout: .seconds(30))],
                              storage: storage)
        let schedule = checkup.checkAndStoreEvery(.seconds(60))
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        schedule.stop()
        await schedule.wait()
        #expect(clock.now - start < .seconds(20))
        #expect(storage.rounds.isEmpty)
    }

    @Test func missedTicksAreSkippedInOneStepHoweverShortTheInterval() {
        typealias I = ManualClock.Instant
        let start = I(offset: .zero)
        // On time: the next tick.
        #expect(Checkup.nextTick(after: start, now: I(offset: .milliseconds(5)), interval: .milliseconds(10)).offset == .milliseconds(10))
        // A round of 25 ms on 10 ms ticks: 10 and 20 are gone, 30 is next; exactly on a tick stays.
        #expect(Checkup.nextTick(after: start, now: I(offset: .milliseconds(25)), interval: .milliseconds(10)).offset == .milliseconds(30))
        #expect(Checkup.nextTick(after: start, now: I(offset: .milliseconds(30)), interval: .milliseconds(10)).offset == .milliseconds(30))
        // 1 ns ticks a day behind: one step (the loop took 62 s of CPU to catch up one tick at a time).
        let day = Duration.seconds(86_400)
        #expect(Checkup.nextTick(after: start, now: I(offset: day + .nanoseconds(1)), interval: .nanoseconds(1)).offset == day + .nanoseconds(1))
    }
}
