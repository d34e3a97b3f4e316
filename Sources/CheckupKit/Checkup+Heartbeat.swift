import Foundation

// Heartbeats: `checkup push NAME` writes one into the store; every round reads them back.

extension Checkup {
    /// `checker` ready to run: a checker that reads the store (heartbeat, domain) gets this
    /// checkup's storage, and the round's pinned `timestamp` as its time.
    /// With `domainExpiry`, an http, tcp or tls checker with `domain_expiry_threshold` also
    /// judges its host's domain (`explain` traces the checker alone).
    func withStore(_ checker: any Checker, domainExpiry: Bool = true) -> any Checker {
        guard var reading = checker as? any StoreReadingChecker else {
            return domainExpiry ? DomainExpiring.wrapping(checker, store: storage as? any CheckerStore, now: timestamp) : checker
        }
        if reading.store == nil { reading.store = storage as? any CheckerStore }
        if reading.now == nil { reading.now = timestamp }
        return reading
    }

    /// Stores a heartbeat for the heartbeat checker called `name` (compared without case), as
    /// `checkup push` does: the job ran at `at` (UTC Unix nanoseconds), failed or not, with a
    /// message. Needs only the right to write `heartbeats/` in the store.
    /// - Returns: the heartbeat stored.
    /// - Throws: `CheckupError`: `.usage` when no checker is called so or it is not a heartbeat
    ///   checker, or the message is too long or has control characters; `.config` without a storage
    ///   that keeps heartbeats; the storage's error when writing fails.
    @discardableResult
    public func push(_ name: String, failed: Bool = false, message: String = "", at: Int64 = CheckResult.now()) async throws -> Heartbeat {
        let checker = try self.checker(named: name)
        guard let heartbeat = checker as? HeartbeatChecker else {
            throw CheckupError(.usage, "push: \"\(checker.name)\" is a \(Self.typeName(checker)) checker, not a heartbeat checker")
        }
        if message.count > Heartbeat.maximumMessageLength {
            throw CheckupError(.usage, "push: --message is \(message.count) characters, more than \(Heartbeat.maximumMessageLength)")
        }
        if let problem = textProblem(message, tabs: true) { throw CheckupError(.usage, "push: --message \(problem)") }
        guard let store = storage as? any CheckerStore else {
            throw CheckupError(.config, storage == nil ? "no storage configured (a heartbeat is written into the store)"
                                                       : "configured storage type does not keep heartbeats")
        }
        let beat = Heartbeat(name: heartbeat.name, timestamp: at, failed: failed, message: message, origin: resolvedOrigin)
        try await store.writeCheckerObject(CheckerObjectKey.heartbeat(heartbeat.name), beat.data)
        return beat
    }
}
