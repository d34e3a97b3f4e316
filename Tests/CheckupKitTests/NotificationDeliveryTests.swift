import Foundation
import Synchronization
import Testing
@testable import CheckupKit

/// A sender that records what it was given, how many sends overlapped, and fails for some titles.
private final class GatedSender: AlertSender, @unchecked Sendable {  // state behind `lock`
    let typeName = "gated"
    let failing: Set<String>
    private let lock = Mutex((sent: [String](), running: 0, overlap: 0))

    init(failing: Set<String> = []) { self.failing = failing }

    func send(_ alerts: [Alert]) async throws {
        lock.withLock { $0.running += 1; $0.overlap = max($0.overlap, $0.running) }
        try? await Task.sleep(for: .milliseconds(300))
        lock.withLock { $0.running -= 1 }
        let titles = alerts.map(\.result.title)
        if titles.contains(where: failing.contains) { throw CheckupError(.service, "gated: refused \(titles)") }
        lock.withLock { $0.sent += titles }
    }

    var sent: [String] { lock.withLock { $0.sent } }
    var overlap: Int { lock.withLock { $0.overlap } }
}

@Suite struct NotificationDeliveryTests {
    @Test func storingNeverWaitsForAReceiverAndNotifyingIsBounded() async throws {
        // The receiver never answers (its own timeout is 120 s); the round is stored first and
        // the whole notification gives up at notifyTimeout.
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        var hanging = try WebhookSender(url: peerURL("/hook/\(UUID().uuidString)/hang"))
        hanging.timeout = .seconds(120)
        let lines = Mutex([String]())
        let storage = MemoryStorage()
        var checkup = Checkup(checkers: [HTTPChecker(name: "down", url: peerURL("/status/503"))], storage: storage,
                              notifiers: [AlertingNotifier(sender: hanging, stateStore: FileStateStore(path: dir + "/state.json"))],
                              log: LogSink { l in lines.withLock { $0.append(l) } })
        checkup.notifyTimeout = .milliseconds(500)
        let clock = ContinuousClock()
        let start = clock.now
        try await checkup.checkAndStore()
        #expect(clock.now - start < .seconds(60))  // far under the receiver's 120 s, however busy the machine
        #expect(storage.rounds.count == 1)
        #expect(lines.withLock { $0 } == ["ERROR sending notifications for webhook: not done within 500ms; tried again next round"])
        // What was not sent was put back: the state does not say the problem was alerted.
        let state = String(decoding: FileManager.default.contents(atPath: dir + "/state.json") ?? Data(), as: UTF8.self)
        #expect(!state.contains("\"alerted\""), "\(state)")
    }

    @Test func everyKeepsItsRoundsWhileAReceiverHangsAndStopsPromptly() async throws {
        var hanging = try WebhookSender(url: peerURL("/hook/\(UUID().uuidString)/hang"))
        hanging.timeout = .seconds(60)
        let storage = MemoryStorage()
        var checkup = Checkup(checkers: [HTTPChecker(name: "down", url: peerURL("/status/503"))], storage: storage,
                              notifiers: [AlertingNotifier(sender: hanging, mode: .always)])
        checkup.notifyTimeout = .seconds(60)
        let clock = ManualClock()
        let schedule = checkup.checkAndStoreEvery(.seconds(1), clock: clock)
        try await waitUntil { storage.rounds.count == 1 && clock.sleeping == 1 }
        clock.advance(by: .seconds(1))
        try await waitUntil { storage.rounds.count == 2 && clock.sleeping == 1 }  // round 1's alert still hangs
        #expect(storage.rounds.count == 2)
        let wall = ContinuousClock()
        let start = wall.now
        schedule.stop()
        await schedule.wait()
        #expect(wall.now - start < .seconds(10))  // the grace (1 s), then cancelled; not 60 s
    }

    @Test func alertsGoOutAtOnceAndAFailedOneAloneIsTriedAgain() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sender = GatedSender(failing: ["b"])
        let notifier = AlertingNotifier(sender: sender, stateStore: FileStateStore(path: dir + "/state.json"))
        let round = [down("a"), down("b"), down("c")]
        await #expect(throws: CheckupError.self) { try await notifier.notify(round) }
        #expect(sender.sent.sorted() == ["a", "c"])
        #expect(sender.overlap == 3)  // all three at once, not one after another
        // Next round: only b, whose send failed, is said again.
        await #expect(throws: CheckupError.self) { try await notifier.notify(round) }
        #expect(sender.sent.sorted() == ["a", "c"])
        let fixed = AlertingNotifier(sender: GatedSender(), stateStore: FileStateStore(path: dir + "/state.json"))
        try await fixed.notify(round)
        #expect((fixed.sender as? GatedSender)?.sent == ["b"])
    }
}
