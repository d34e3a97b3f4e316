import Foundation

/// Something worth telling a person: an endpoint went bad, is still bad, or recovered.
public struct Alert: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable {
        /// The endpoint became down or degraded (or changed between the two).
        case problem
        /// It is still down or degraded after `remind_every`.
        case reminder
        /// It is healthy again.
        case resolved
    }

    /// What happened.
    public var kind: Kind
    /// The result that raised the alert.
    public var result: CheckResult
    /// When the endpoint entered its current state, UTC Unix nanoseconds.
    public var since: Int64
    /// A link to the status page, when the config has one.
    public var statusPageURL: String

    /// Creates an alert.
    public init(kind: Kind, result: CheckResult, since: Int64, statusPageURL: String = "") {
        self.kind = kind
        self.result = result
        self.since = since
        self.statusPageURL = statusPageURL
    }

    /// One line for a person on call: `Website is DOWN` / `is degraded` / `has recovered`.
    public var headline: String {
        let name = result.title.isEmpty ? result.endpoint : result.title
        switch kind {
        case .resolved: return "\(name) has recovered"
        case .problem, .reminder:
            let state = result.status == .down ? "DOWN" : result.status == .degraded ? "degraded" : "in an unknown state"
            return "\(name) is \(state)" + (kind == .reminder ? " (still)" : "")
        }
    }

    /// Why: the notice of a result that is not down, else the first attempt's error, the notice, or the status.
    public var reason: String {
        if kind == .resolved { return "healthy again" }
        // A result that is not down says best in its notice why (the addresses that failed, a
        // flaky pass); a down one in its first error.
        if !result.down, !result.notice.isEmpty { return result.notice }
        if let error = result.times.lazy.compactMap(\.error).first(where: { !$0.isEmpty }) { return error }
        if !result.notice.isEmpty { return result.notice }
        return result.status.rawValue
    }

    /// A few lines with everything a person needs: endpoint, state, reason, since when, link.
    public var text: String {
        var lines = [headline, "Endpoint: \(result.endpoint)", "Status: \(result.status.rawValue)", "Reason: \(reason)",
                     "Since: \(RFC3339.format(since)) (\(Duration.nanoseconds(max(0, CheckResult.now() - since)).roundedDescription))"]
        if !statusPageURL.isEmpty { lines.append("Status page: \(statusPageURL)") }
        return lines.joined(separator: "\n")
    }
}

extension Duration {
    /// A short human duration, to the second: `2h5m3s`.
    var roundedDescription: String {
        Duration.seconds(components.seconds).goDescription
    }
}

/// Delivers alerts somewhere (Slack, Discord, mail, a webhook…). Wrapped in an
/// `AlertingNotifier`, which decides when there is something to say.
public protocol AlertSender: Sendable {
    /// A short name for reports, such as `slack`.
    var typeName: String { get }
    /// Sends the alerts of one round (never called with none).
    func send(_ alerts: [Alert]) async throws
    /// Whether one message carries all of a round's alerts (mail, Pushover). Otherwise each
    /// alert is a message of its own, and `send` gets one alert at a time, all at once.
    var batchesAlerts: Bool { get }
}

extension AlertSender {
    /// One message per alert, unless the sender says otherwise.
    public var batchesAlerts: Bool { false }
}

/// A first-in, first-out lock for async code: the notifiers' state updates take turns.
actor StateLock {
    static let shared = StateLock()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}

/// Turns rounds of results into alerts for an `AlertSender`.
///
/// By default (`mode` `.stateChange`) it speaks once per incident: a **problem** when an endpoint
/// has been unhealthy for `failureThreshold` rounds in a row, a **reminder** every `remindEvery`
/// while it stays so (never, when zero), and a **resolved** notice after `successThreshold`
/// healthy rounds. What it has said is kept in `stateStore`, so separate runs (cron) behave as
/// one loop; a failed send is tried again next round. `.always` keeps the original's behaviour:
/// every unhealthy result, every round.
public struct AlertingNotifier: Notifier {
    /// When to speak.
    public enum Mode: String, Sendable {
        /// Once per state change (the default).
        case stateChange = "change"
        /// Every round, for every unhealthy result (the original's behaviour).
        case always
    }

    /// Who delivers the alerts.
    public var sender: any AlertSender
    /// When to speak.
    public var mode: Mode
    /// Bad rounds in a row before a problem is reported (at least 1).
    public var failureThreshold: Int
    /// Good rounds in a row before it is reported resolved (at least 1).
    public var successThreshold: Int
    /// Repeat a problem this often while it lasts; zero never repeats.
    public var remindEvery: Duration
    /// Where the state lives; nil keeps it in memory only.
    public var stateStore: (any NotificationStateStore)?
    /// The key of this notifier's part of the state (several notifiers may share a store).
    public var stateKey: String
    /// Linked from every alert, when set.
    public var statusPageURL: String
    /// Where the nodes sharing a store settle who sends each alert; nil: this node always sends.
    public var claims: (any AlertClaims)?
    /// Changes seen by several nodes within this window are one alert (the claim's key).
    public var claimWindow: Duration = .seconds(600)
    /// This node, as the claims name it.
    public var origin = ""
    /// Where a lost claim is said; `Checkup` hands its own log.
    public var log: LogSink = .discard
    /// Who sends when the store cannot settle a claim: the round's alphabetically first fresh
    /// origin, handed by `Checkup` each round; empty: this node.
    public var fallbackSender = ""

    public var typeName: String { sender.typeName }

    /// Creates an alerting notifier.
    public init(sender: any AlertSender, mode: Mode = .stateChange, failureThreshold: Int = 1, successThreshold: Int = 1,
                remindEvery: Duration = .zero, stateStore: (any NotificationStateStore)? = nil,
                stateKey: String = "", statusPageURL: String = "") {
        self.sender = sender
        self.mode = mode
        self.failureThreshold = failureThreshold
        self.successThreshold = successThreshold
        self.remindEvery = remindEvery
        self.stateStore = stateStore
        self.stateKey = stateKey.isEmpty ? sender.typeName : stateKey
        self.statusPageURL = statusPageURL
    }

    /// What is remembered of one endpoint.
    struct EndpointState: Equatable, Sendable {
        var bad = 0
        var good = 0
        /// The status last alerted as a problem; nil when no problem is open.
        var alerted: Status?
        var since: Int64 = 0
        var lastSent: Int64 = 0
    }

    public func notify(_ results: [CheckResult]) async throws {
        if mode == .always {
            let alerts = results.filter { !$0.healthy }.map { Alert(kind: .problem, result: $0, since: $0.timestamp, statusPageURL: statusPageURL) }
            guard !alerts.isEmpty else { return }
            let messages = sender.batchesAlerts ? [alerts] : alerts.map { [$0] }
            try Self.report(await deliver(messages), of: messages.count)
            return
        }
        // Notifiers run concurrently and may share one store: read-modify-write under a lock,
        // and send outside it. The new state is saved before sending; a failed send puts the old
        // one back, so the alert is tried again next round.
        let now = CheckResult.now()
        let (alerts, before) = try await StateLock.shared.run {
            var all = try await loadState()
            let before = all[stateKey]
            var mine = before ?? [:]
            let alerts = Self.step(&mine, results: results, now: now, failureThreshold: failureThreshold,
                                   successThreshold: successThreshold, remindEvery: remindEvery, statusPageURL: statusPageURL)
            if !alerts.isEmpty || mine != before ?? [:] {
                all[stateKey] = mine
                try await saveState(all)
            }
            return (alerts, before)
        }
        guard !alerts.isEmpty else { return }
        var sending: [(alert: Alert, claim: String?)] = []
        var next = 0  // the first alert not yet claimed
        do {
            for alert in alerts {
                next += 1
                guard let claims else { sending.append((alert, nil)); continue }
                // A change is keyed by when it began (a reminder by when it is due), in windows;
                // the window before counts too: another node may have seen it just before.
                let at = alert.kind == .reminder ? now : alert.since
                let key = alert.claimKey(window: claimWindow, at: at)
                var holder = try await claims.holder(alert.claimKey(window: claimWindow, at: at - claimWindow.nanoseconds))
                if holder == nil { holder = try await claims.claim(key, by: origin, fallback: fallbackSender) }
                if let holder, holder != origin {  // our own claim is ours to send (a retried write)
                    log.write("\(typeName): \(alert.headline) was sent by \(holder)")
                    continue
                }
                sending.append((alert, key))
            }
        } catch {
            await putBack(sending + alerts[(next - 1)...].map { ($0, nil) }, before: before)
            throw error
        }
        guard !sending.isEmpty else { return }
        // Each message on its own, all at once: a slow receiver holds up no other alert, and a
        // failure puts back only what it did not send.
        let messages = sender.batchesAlerts ? [sending] : sending.map { [$0] }
        let failures = await deliver(messages.map { $0.map(\.alert) })
        if failures.count < messages.count, sending.contains(where: { $0.claim != nil }) {
            // Alerts are rare: the sender of one also clears claims older than a day.
            try? await claims?.expire(olderThan: .seconds(86_400), now: now)
        }
        guard !failures.isEmpty else { return }
        await putBack(failures.flatMap { messages[$0.index] }, before: before)
        try Self.report(failures, of: messages.count)
    }

    /// Sends `messages` all at once and returns the ones that failed, by index, in order.
    private func deliver(_ messages: [[Alert]]) async -> [(index: Int, error: any Error)] {
        let sender = self.sender
        return await withTaskGroup(of: (Int, (any Error)?).self) { group in
            for (i, message) in messages.enumerated() {
                group.addTask {
                    do { try await sender.send(message); return (i, nil) } catch { return (i, error) }
                }
            }
            var failures: [(index: Int, error: any Error)] = []
            for await (i, error) in group { if let error { failures.append((i, error)) } }
            return failures.sorted { $0.index < $1.index }
        }
    }

    /// Throws for failed messages: cancellation as such, else the first error, with how many failed.
    private static func report(_ failures: [(index: Int, error: any Error)], of count: Int) throws {
        guard let first = failures.first?.error else { return }
        if failures.contains(where: { $0.error is CancellationError }) { throw CancellationError() }
        if count == 1 { throw first }
        throw CheckupError(.service, "\(first) (\(failures.count) of \(count) messages not sent)")
    }

    /// Undoes what this round said about the endpoints of `unsent`: their claims are released and
    /// their state is put back to `before`, so the next round tries them again. It runs to the
    /// end even when the round is being cancelled (a deadline, SIGTERM).
    private func putBack(_ unsent: [(alert: Alert, claim: String?)], before: [String: EndpointState]?) async {
        let claims = self.claims, stateKey = self.stateKey, notifier = self
        await Task {
            for case let key? in unsent.map(\.claim) { try? await claims?.release(key) }
            try? await StateLock.shared.run {
                var all = try await notifier.loadState()
                var mine = all[stateKey] ?? [:]
                for (alert, _) in unsent {
                    let key = Self.stateKey(of: alert.result)
                    mine[key] = before?[key]
                }
                all[stateKey] = mine
                try await notifier.saveState(all)
            }
        }.value
    }

    /// Where one endpoint's state is kept in a notifier's part of the state.
    static func stateKey(of result: CheckResult) -> String { result.title + "\u{1F}" + result.endpoint }

    /// The state machine, pure: updates `states` with one round and returns what to say.
    static func step(_ states: inout [String: EndpointState], results: [CheckResult], now: Int64, failureThreshold: Int,
                     successThreshold: Int, remindEvery: Duration, statusPageURL: String) -> [Alert] {
        var alerts: [Alert] = []
        for result in results {
            let key = stateKey(of: result)
            var s = states[key] ?? EndpointState()
            if result.healthy {
                if s.bad > 0 || s.alerted == nil && s.since == 0 { s.since = result.timestamp }
                s.good += 1
                s.bad = 0
                if s.alerted != nil, s.good >= max(1, successThreshold) {
                    alerts.append(Alert(kind: .resolved, result: result, since: s.since, statusPageURL: statusPageURL))
                    s.alerted = nil
                    s.lastSent = now
                }
            } else {
                if s.bad == 0 { s.since = result.timestamp }
                s.bad += 1
                s.good = 0
                if s.alerted == nil, s.bad >= max(1, failureThreshold) {
                    alerts.append(Alert(kind: .problem, result: result, since: s.since, statusPageURL: statusPageURL))
                    s.alerted = result.status
                    s.lastSent = now
                } else if let open = s.alerted, open != result.status {
                    alerts.append(Alert(kind: .problem, result: result, since: s.since, statusPageURL: statusPageURL))
                    s.alerted = result.status
                    s.lastSent = now
                } else if s.alerted != nil, remindEvery > .zero, now - s.lastSent >= remindEvery.nanoseconds {
                    alerts.append(Alert(kind: .reminder, result: result, since: s.since, statusPageURL: statusPageURL))
                    s.lastSent = now
                }
            }
            states[key] = s
        }
        return alerts
    }

    private func loadState() async throws -> [String: [String: EndpointState]] {
        guard let store = stateStore, let data = try await store.load(), let value = try? JSONValue.parse(data),
              let top = value.objectValue else { return [:] }
        var all: [String: [String: EndpointState]] = [:]
        for (notifier, endpoints) in top.pairs {
            var map: [String: EndpointState] = [:]
            for (endpoint, v) in endpoints.objectValue?.pairs ?? [] {
                guard let o = v.objectValue else { continue }
                func int(_ k: String) -> Int64 { if case .int(let i)? = o[k] { i } else { 0 } }
                map[endpoint] = EndpointState(bad: Int(int("bad")), good: Int(int("good")),
                                              alerted: o["alerted"]?.stringValue.flatMap(Status.init(rawValue:)),
                                              since: int("since"), lastSent: int("last_sent"))
            }
            all[notifier] = map
        }
        return all
    }

    private func saveState(_ all: [String: [String: EndpointState]]) async throws {
        guard let store = stateStore else { return }
        let top = all.sorted { $0.key < $1.key }.map { notifier, endpoints in
            (notifier, JSONValue.object(JSONObject(endpoints.sorted { $0.key < $1.key }.map { key, s in
                var o = JSONObject([("bad", .int(Int64(s.bad))), ("good", .int(Int64(s.good))),
                                    ("since", .int(s.since)), ("last_sent", .int(s.lastSent))])
                o.append("alerted", s.alerted.map { .string($0.rawValue) })
                return (key, JSONValue.object(o))
            })))
        }
        try await store.save(JSONValue.object(JSONObject(top)).encoded())
    }
}
