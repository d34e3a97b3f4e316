import Foundation

/// The Statuspage-compatible API v2 files (`api/v2/summary.json`, `status.json`,
/// `components.json`, `incidents.json`, `incidents/unresolved.json`,
/// `scheduled-maintenances.json`), in the shapes of Statuspage's public API documentation, so
/// readers of that format work unchanged. Written with the feeds on every change of an incident
/// or a window, and after a round whose components changed state (`StatusAPIPublisher`).
struct StatuspageAPI {
    var incidents: [Incident]
    var windows: [MaintenanceWindow]
    var pageURL: String
    /// When the files are written: a window's status (scheduled, in progress, completed) is as
    /// of then.
    var time: Int64
    /// The components (`StatusComponents.derive`), checkers then groups.
    var components: [StatusComponent] = []
    /// When each component (by id) was first written and last changed state, Unix nanoseconds:
    /// carried over from the files written before, so they move only on a change.
    var componentTimes: [String: ComponentTimes] = [:]

    struct ComponentTimes: Equatable {
        var created: Int64
        var updated: Int64
    }

    static let pageID = "checkup"

    var updatedAt: Int64 {
        max(incidents.map(\.updatedAt).max() ?? 0, windows.map { $0.cancelled ?? $0.created }.max() ?? 0,
            componentTimes.values.map(\.updated).max() ?? 0)
    }

    var page: JSONValue {
        .object(JSONObject([("id", .string(Self.pageID)), ("name", .string("Status")), ("url", .string(pageURL)),
                            ("time_zone", .string("Etc/UTC")), ("updated_at", .string(RFC3339.format(updatedAt)))]))
    }

    /// The files: key → bytes.
    var files: [String: Data] {
        let open = incidents.filter(\.isOpen)
        let shownWindows = windows.filter { $0.cancelled == nil }
        let current = shownWindows.filter { time < $0.until }
        let components = JSONValue.array(components.enumerated().map { component($1, position: $0 + 1) })
        return ["api/v2/summary.json": Self.data([("page", page), ("components", components), ("incidents", .array(open.map(incident))),
                                                  ("scheduled_maintenances", .array(current.map(maintenance))), ("status", status(open))]),
                "api/v2/components.json": Self.data([("page", page), ("components", components)]),
                "api/v2/status.json": Self.data([("page", page), ("status", status(open))]),
                "api/v2/incidents.json": Self.data([("page", page), ("incidents", .array(incidents.map(incident)))]),
                "api/v2/incidents/unresolved.json": Self.data([("page", page), ("incidents", .array(open.map(incident)))]),
                "api/v2/scheduled-maintenances.json": Self.data([("page", page), ("scheduled_maintenances", .array(shownWindows.map(maintenance)))])]
    }

    static func data(_ pairs: [(String, JSONValue)]) -> Data {
        var data = JSONValue.object(JSONObject(pairs)).encoded()
        data.append(0x0A)
        return data
    }

    /// Statuspage's indicator and its words, the worse of the worst open incident's impact and
    /// the worst component (degraded performance: minor, partial outage: major, major outage:
    /// critical); `maintenance` when nothing is worse than a component under maintenance.
    func status(_ open: [Incident]) -> JSONValue {
        let fromComponents = ComponentState.worst(components.map(\.state))
        let rank = max(open.map(\.impact).max().map { IncidentImpact.allCases.firstIndex(of: $0)! + 1 } ?? 0,  // every case is in allCases
                       [.degradedPerformance: 1, .partialOutage: 2, .majorOutage: 3][fromComponents] ?? 0)
        let (indicator, words): (String, String) = switch rank {
        case 0 where fromComponents == .underMaintenance: ("maintenance", "Service Under Maintenance")
        case 0: ("none", "All Systems Operational")
        case 1: ("minor", "Minor Service Outage")
        case 2: ("major", "Partial System Outage")
        default: ("critical", "Major System Outage")
        }
        return .object(JSONObject([("indicator", .string(indicator)), ("description", .string(words))]))
    }

    /// A derived component in Statuspage's shape: a group lists its members' ids
    /// (`components`), a member names its group (`group_id`).
    func component(_ c: StatusComponent, position: Int) -> JSONValue {
        let times = componentTimes[c.id] ?? ComponentTimes(created: time, updated: time)
        var o = JSONObject([("id", .string(c.id)), ("name", .string(c.name)), ("status", .string(c.state.rawValue)),
                            ("created_at", self.time(times.created)), ("updated_at", self.time(times.updated)),
                            ("position", .int(Int64(position))), ("description", .null), ("showcase", .bool(!c.isGroup)),
                            ("start_date", .null),
                            ("group_id", c.group.isEmpty ? .null : .string(StatusComponent.id(c.group, isGroup: true))),
                            ("page_id", .string(Self.pageID)), ("group", .bool(c.isGroup)), ("only_show_if_degraded", .bool(false))])
        if c.isGroup { o.append("components", .array(c.members.map { .string(StatusComponent.id($0, isGroup: false)) })) }
        return .object(o)
    }

    /// The times of `components` after those of `previous` (a components.json written before,
    /// nil when none): kept while a component's state is the same, `time` where it changed or is new.
    static func componentTimes(_ components: [StatusComponent], previous: Data?, at time: Int64) -> [String: ComponentTimes] {
        var known: [String: (state: String, times: ComponentTimes)] = [:]
        for item in previous.flatMap({ try? JSONValue.parse($0) })?.objectValue?["components"]?.arrayValue ?? [] {
            guard let o = item.objectValue, let id = o["id"]?.stringValue, let state = o["status"]?.stringValue,
                  let created = o["created_at"]?.stringValue.flatMap(RFC3339.parse),
                  let updated = o["updated_at"]?.stringValue.flatMap(RFC3339.parse) else { continue }
            known[id] = (state, ComponentTimes(created: created, updated: updated))
        }
        var out: [String: ComponentTimes] = [:]
        for c in components {
            guard let before = known[c.id] else { out[c.id] = ComponentTimes(created: time, updated: time); continue }
            out[c.id] = before.state == c.state.rawValue ? before.times : ComponentTimes(created: before.times.created, updated: time)
        }
        return out
    }

    func time(_ t: Int64?) -> JSONValue { t.map { .string(RFC3339.format($0)) } ?? .null }

    /// An affected component: the checker's title, its status from the incident's impact while
    /// it is open (minor: degraded performance, major: partial outage, critical: major outage).
    func component(_ title: String, status: String) -> JSONValue {
        .object(JSONObject([("id", .string(Self.componentID(title))), ("name", .string(title)), ("status", .string(status)),
                            ("created_at", .null), ("updated_at", time(updatedAt)), ("position", .int(0)), ("description", .null),
                            ("showcase", .bool(false)), ("start_date", .null), ("group_id", groupID(of: title)), ("page_id", .string(Self.pageID)),
                            ("group", .bool(false)), ("only_show_if_degraded", .bool(false))]))
    }

    /// The id of the group the checker titled `title` is in, as the derived components say; null for none.
    func groupID(of title: String) -> JSONValue {
        guard let group = components.first(where: { !$0.isGroup && $0.name == title && !$0.group.isEmpty })?.group else { return .null }
        return .string(StatusComponent.id(group, isGroup: true))
    }

    /// A component's id: the hex of its title's UTF-8 SHA-256, first 12 digits (stable, and
    /// safe whatever the title).
    static func componentID(_ title: String) -> String { String(Digest.sha256Hex(Array(title.utf8)).prefix(12)) }

    func update(_ id: String, _ n: Int, status: String, body: String, at t: Int64, components: [JSONValue]) -> JSONValue {
        .object(JSONObject([("id", .string("\(id)-\(n)")), ("status", .string(status)), ("body", .string(body)),
                            ("incident_id", .string(id)), ("created_at", time(t)), ("updated_at", time(t)), ("display_at", time(t)),
                            ("affected_components", .array(components)), ("deliver_notifications", .bool(true)),
                            ("custom_tweet", .null), ("tweet_id", .null)]))
    }

    func incident(_ i: Incident) -> JSONValue {
        let status = !i.isOpen ? "operational" : ["minor": "degraded_performance", "major": "partial_outage", "critical": "major_outage"][i.impact.rawValue] ?? "major_outage"
        let components = i.about.map { component($0, status: status) }
        let updates = i.events.enumerated().reversed().map { n, e in
            update(i.id, n, status: e.status.rawValue, body: e.text, at: e.time, components: components)
        }
        return .object(JSONObject([("id", .string(i.id)), ("name", .string(i.name)), ("status", .string(i.status.rawValue)),
                                   ("created_at", time(i.openedAt)), ("updated_at", time(i.updatedAt)),
                                   ("monitoring_at", time(i.events.first { $0.status == .monitoring }?.time)), ("resolved_at", time(i.resolvedAt)),
                                   ("impact", .string(i.impact.rawValue)), ("shortlink", .string(pageURL)), ("started_at", time(i.openedAt)),
                                   ("page_id", .string(Self.pageID)), ("incident_updates", .array(updates)), ("components", .array(components))]))
    }

    func maintenance(_ w: MaintenanceWindow) -> JSONValue {
        let status = time >= w.until ? "completed" : time >= w.from ? "in_progress" : "scheduled"
        let components = w.about.map { component($0, status: status == "in_progress" ? "under_maintenance" : "operational") }
        let created = w.created == 0 ? w.from : w.created
        return .object(JSONObject([("id", .string(w.id)), ("name", .string("Maintenance: " + w.about.joined(separator: ", "))),
                                   ("status", .string(status)), ("created_at", time(created)), ("updated_at", time(created)),
                                   ("monitoring_at", .null), ("resolved_at", status == "completed" ? time(w.until) : .null),
                                   ("impact", .string("maintenance")), ("shortlink", .string(pageURL)), ("started_at", time(w.from)),
                                   ("page_id", .string(Self.pageID)),
                                   ("incident_updates", .array([update(w.id, 0, status: "scheduled", body: w.text, at: created, components: components)])),
                                   ("components", .array(components)), ("scheduled_for", time(w.from)), ("scheduled_until", time(w.until))]))
    }
}
