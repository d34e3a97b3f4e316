import Foundation

/// Judges a job that cannot be probed (`"type": "heartbeat"`): the job runs `checkup push NAME`
/// when it has run, which writes a `Heartbeat` into the store, and every round of any node reads
/// the latest one back. Nothing listens for inbound connections.
///
/// The latest heartbeat younger than `expectEvery + grace` is healthy; an older one is down with
/// its age as the reason; one pushed with `--fail` is down with the job's message; none at all
/// is down. A store that cannot be read makes the result degraded (the job may be fine; the
/// round should not page anyone for the store's trouble).
public struct HeartbeatChecker: Checker, Equatable, StoreReadingChecker {
    /// The name of the job (`endpoint_name`): what `checkup push` names.
    public var name: String
    /// How often the job pushes (`expect_every`).
    public var expectEvery: Duration
    /// How late a heartbeat may be before the job counts as down (`grace`); zero means `defaultGrace`.
    public var grace: Duration
    /// Where heartbeats are read: `Checkup` sets its storage here before each round.
    public var store: (any CheckerStore)?
    /// The time a round judges at, in UTC Unix nanoseconds; nil means the clock's. `Checkup` sets
    /// its `timestamp` here, so a config with a pinned time judges at that time.
    public var now: Int64?

    /// The grace used when none is configured: a job started by cron a few seconds late is on time.
    public static let defaultGrace: Duration = .seconds(60)

    /// Creates a heartbeat checker.
    public init(name: String, expectEvery: Duration, grace: Duration = .zero, store: (any CheckerStore)? = nil) {
        self.name = name
        self.expectEvery = expectEvery
        self.grace = grace
        self.store = store
    }

    /// What results show as the endpoint: `heartbeat:NAME`.
    public var endpoint: String { "heartbeat:" + name }

    /// The grace in effect.
    var effectiveGrace: Duration { grace > .zero ? grace : Self.defaultGrace }

    public static func == (a: HeartbeatChecker, b: HeartbeatChecker) -> Bool {
        a.name == b.name && a.expectEvery == b.expectEvery && a.grace == b.grace && a.now == b.now
    }

    /// Reads the latest heartbeat and judges it.
    /// - Throws: `CheckupError` (`.config`) when no store was given (a heartbeat checker needs storage).
    public func check() async throws -> CheckResult {
        guard let store else {
            throw CheckupError(.config, "\(name): a heartbeat checker needs a storage to read its heartbeats from")
        }
        let at = now ?? CheckResult.now()
        let key = CheckerObjectKey.heartbeat(name)
        let heartbeat: Heartbeat?
        do {
            heartbeat = try await store.readCheckerObject(key).map { data throws(CheckupError) in try Heartbeat(data: data, key: key) }
        } catch {
            var result = CheckResult(title: name, endpoint: endpoint, timestamp: at, times: [Attempt(rtt: .zero)], degraded: true)
            result.notice = "cannot read the heartbeat: \((error as? CheckupError)?.message ?? "\(error)")"
            return result
        }
        return judge(heartbeat, at: at)
    }

    /// The result of the latest heartbeat (nil: none yet) at `now` (UTC Unix nanoseconds).
    public func judge(_ heartbeat: Heartbeat?, at now: Int64) -> CheckResult {
        var result = CheckResult(title: name, endpoint: endpoint, timestamp: now)
        let reason: String?
        if let heartbeat {
            let age = Duration.nanoseconds(max(0, now &- heartbeat.timestamp))
            let last = RFC3339.format(heartbeat.timestamp)
            if age > expectEvery + effectiveGrace {
                reason = "no heartbeat for \(Self.roundedAge(age).goDescription) (expected every \(expectEvery.goDescription), "
                    + "grace \(effectiveGrace.goDescription)); the last came at \(last)"
            } else if heartbeat.failed {
                reason = "the job reported a failure at \(last)" + (heartbeat.message.isEmpty ? "" : ": \(heartbeat.message)")
            } else {
                reason = nil
            }
        } else {
            reason = "no heartbeat yet (run checkup push \(name.contains(" ") ? "\"\(name)\"" : name) when the job has run)"
        }
        result.times = [Attempt(rtt: .zero, error: reason)]
        result.conclude()
        if let reason { result.notice = reason }
        return result
    }

    /// An age to the second: `2h5m3s`, not `2h5m3.123456789s`.
    static func roundedAge(_ age: Duration) -> Duration { .seconds(age.components.seconds) }
}

extension HeartbeatChecker: JSONConfigurable {
    static let typeName = "heartbeat"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("endpoint_name", name, omitEmpty: false)
        w.duration("expect_every", expectEvery, omitEmpty: false)
        w.duration("grace", grace)
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        let name = try c.requiredString("endpoint_name")
        if let problem = textProblem(name) { throw c.error("endpoint_name", "\(c.shown("endpoint_name")) \(problem)") }
        guard c.object["expect_every"] != nil else {
            throw c.error("expect_every", "is missing; say how often the job pushes, such as \"1h\"")
        }
        let every = try c.duration("expect_every")
        guard every > .zero else { throw c.error("expect_every", "\(c.shown("expect_every")) must be more than zero") }
        self.init(name: name, expectEvery: every, grace: try c.duration("grace"))
    }
}
