import Synchronization

/// A clock that moves only when a test says so: `sleep(until:)` waits until `advance(by:)`
/// passes the deadline, so a loop on it runs exactly as far as the test lets it, however slow the
/// machine is.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Int: (deadline: Instant, continuation: CheckedContinuation<Void, any Error>)] = [:]
        var cancelled: Set<Int> = []
    }
    private let state = Mutex(State())

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .nanoseconds(1) }
    /// How many tasks are waiting on this clock.
    var sleeping: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { box in
            defer { box.nextID += 1 }
            return box.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { box -> Result<Bool, CancellationError> in
                    if box.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline <= box.now { return .success(true) }
                    box.sleepers[id] = (deadline, continuation)
                    return .success(false)
                }
                switch outcome {
                case .failure(let error): continuation.resume(throwing: error)
                case .success(true): continuation.resume()
                case .success(false): break
                }
            }
        } onCancel: {
            let sleeper = state.withLock { box in
                let sleeper = box.sleepers.removeValue(forKey: id)
                if sleeper == nil { box.cancelled.insert(id) }  // not yet registered
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on and wakes every sleeper whose deadline has come.
    func advance(by duration: Duration) {
        let due = state.withLock { box -> [CheckedContinuation<Void, any Error>] in
            box.now = box.now.advanced(by: duration)
            let now = box.now
            let due = box.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { box.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }
}
