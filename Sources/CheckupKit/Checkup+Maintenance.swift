import Foundation
import Synchronization

// Planned maintenance: the config's `maintenance` list, the store's log of windows added by
// `checkup maintenance add`, holding back alerts during a window, and the page's view.
extension Checkup {
    /// The log of the store's maintenance windows, when the storage keeps status objects.
    public var maintenanceLog: MaintenanceLog? {
        guard let store = storage as? any StatusObjectStorage & SummaryStorage else { return nil }
        var log = MaintenanceLog(storage: store, plans: maintenance)
        log.pageURL = configOptions.statusPageURL
        log.components = componentSettings
        return log
    }

    /// The windows on at `time`: the config's and, when the store has a page view, the stored
    /// ones (a store that cannot be read holds nothing back; the error is logged).
    public func activeMaintenance(at time: Int64) async -> [MaintenanceWindow] {
        var windows = maintenance.flatMap { $0.windows(overlapping: time, time + 1) }
        if let log = maintenanceLog {
            do {
                windows += try await log.publishedWindows().filter { $0.isActive(at: time) }
            } catch {
                self.log.write("ERROR reading maintenance windows: \(error)")
            }
        }
        return windows
    }

    /// Every window of the summaries' days before `time`: the stored ones (cancelled ones
    /// left out) and the config's, for `checkup summarize` to leave their results out again.
    public func pastMaintenance(at time: Int64) async throws -> [MaintenanceWindow] {
        let start = time - Int64(StatusSummary.retentionDays + 1) * 86_400_000_000_000
        let stored = try await maintenanceLog?.stored() ?? []
        return stored.filter { $0.cancelled == nil } + maintenance.flatMap { $0.windows(overlapping: start, time) }
    }

    /// The titles (lowercased) of the checkers under maintenance at `time`.
    func maintenanceTitles(at time: Int64) async -> Set<String> {
        Set(await activeMaintenance(at: time).flatMap { $0.about.map { $0.lowercased() } })
    }

    /// The titles (lowercased) under the config's windows at `time` (no I/O).
    func maintenanceTitles(configuredAt time: Int64) -> Set<String> {
        Set(maintenance.flatMap { $0.windows(overlapping: time, time + 1) }.flatMap { $0.about.map { $0.lowercased() } })
    }

    /// `notice` without the results of endpoints under maintenance at `time`: their alerts are
    /// held back, and a state that still holds after the window is told then.
    func withoutMaintenance(_ notice: RoundNotice, at time: Int64 = CheckResult.now()) async -> RoundNotice {
        let held: Set<String>
        if let known = notice.held { held = known } else { held = await maintenanceTitles(at: time) }
        guard !held.isEmpty else { return notice }
        var kept = notice
        kept.results = notice.results.filter { !held.contains($0.title.lowercased()) }
        let count = notice.results.count - kept.results.count
        if count > 0 { log.write("maintenance: holding back the alerts of \(count) result\(count == 1 ? "" : "s")") }
        return kept
    }

    /// Rewrites the page's maintenance view when the config's windows in it are not those the
    /// config gives now (called after every stored round; one read when nothing changed).
    func publishMaintenanceIfChanged(at time: Int64) async {
        guard !maintenance.isEmpty, let log = maintenanceLog else { return }
        do {
            try await log.publishIfChanged(at: time)
        } catch {
            self.log.write("ERROR publishing maintenance windows: \(error)")
        }
    }

    // MARK: - Config

    /// The `maintenance` list: `{"about": [...], "text": "...", "from": RFC 3339, "until": RFC 3339}`
    /// or `{"about": [...], "text": "...", "schedule": "every sunday 02:00 for 1h"}`.
    static func maintenancePlans(_ c: ConfigReader) throws(CheckupError) -> [MaintenancePlan] {
        guard let value = c.object["maintenance"], value != .null else { return [] }
        guard let items = value.arrayValue else { throw c.error("maintenance", "\(value.asFound), expected an array") }
        var plans: [MaintenancePlan] = []
        for (i, item) in items.enumerated() {
            let path = "maintenance[\(i)]"
            guard let object = item.objectValue else { throw c.error(path, "\(item.asFound), expected an object") }
            let e = c.child(object, at: path)
            if let extra = object.keys.first(where: { !["about", "text", "from", "until", "schedule"].contains($0) }) {
                throw e.error(extra, "is not a maintenance key (about, text, from, until, schedule)")
            }
            let about = try e.stringArray("about")
            guard !about.isEmpty else { throw e.error("about", "is missing; name the checkers' titles") }
            let text = try e.string("text") ?? ""
            func time(_ key: String) throws(CheckupError) -> Int64? {
                guard let s = try e.string(key) else { return nil }
                guard let t = RFC3339.parse(s) else { throw e.error(key, "\(e.shown(key)) is not an RFC 3339 time such as \"2026-12-06T02:00:00Z\"") }
                return t
            }
            var plan = MaintenancePlan(about: about, text: text, from: try time("from"), until: try time("until"))
            if let schedule = try e.string("schedule") {
                guard plan.from == nil, plan.until == nil else { throw e.error("schedule", "and from/until: give one or the other") }
                guard MaintenanceSchedule(schedule) != nil else {
                    throw e.error("schedule", "\(e.shown("schedule")) is not a schedule such as \"every sunday 02:00 for 1h\" (UTC)")
                }
                plan.schedule = schedule
            } else {
                guard let from = plan.from, let until = plan.until else { throw e.error(plan.from == nil ? "from" : "until", "is missing; give from and until, or a schedule") }
                guard until > from else { throw e.error("until", "\(e.shown("until")) is not after from") }
            }
            plans.append(plan)
        }
        return plans
    }

    static func maintenanceElements(_ plans: [MaintenancePlan]) -> JSONValue {
        .array(plans.map { p in
            var o = JSONObject()
            o.append("about", .array(p.about.map(JSONValue.string)))
            if !p.text.isEmpty { o.append("text", .string(p.text)) }
            o.append("from", p.from.map { .string(RFC3339.format($0)) })
            o.append("until", p.until.map { .string(RFC3339.format($0)) })
            o.append("schedule", p.schedule.map(JSONValue.string))
            return .object(o)
        })
    }
}

/// The titles under maintenance that a round's store step found, for its notifications.
final class MaintenanceHold: Sendable {
    private let box = Mutex<Set<String>>([])
    /// The titles (lowercased).
    var titles: Set<String> {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }
}
