import Foundation

/// The Statuspage-compatible API v2 files that come from incidents and maintenance alone
/// (`api/v2/status.json`, `incidents.json`, `incidents/unresolved.json`,
/// `scheduled-maintenances.json`), in the shapes of Statuspage's public API documentation, so
/// readers of that format work unchanged. Written with the feeds, on every change.
struct StatuspageAPI {
    var incidents: [Incident]
    var windows: [MaintenanceWindow]
    var pageURL: String
    /// When the files are written: a window's status (scheduled, in progress, completed) is as
    /// of then.
    var time: Int64

    static let pageID = "checkup"

    var updatedAt: Int64 {
        max(incidents.map(\.updatedAt).max() ?? 0, windows.map { $0.cancelled ?? $0.created }.max() ?? 0)
    }

    var page: JSONValue {
        .object(JSONObject([("id", .string(Self.pageID)), ("name", .string("Status")), ("url", .string(pageURL)),
                            ("time_zone", .string("Etc/UTC")), ("updated_at", .string(RFC3339.format(updatedAt)))]))
    }

    /// The files: key → bytes.
    var files: [String: Data] {
        let open = incidents.filter(\.isOpen)
        let shownWindows = windows.filter { $0.cancelled == nil }
        return ["api/v2/status.json": Self.data([("page", page), ("status", status(open))]),
                "api/v2/incidents.json": Self.data([("page", page), ("incidents", .array(incidents.map(incident)))]),
                "api/v2/incidents/unresolved.json": Self.data([("page", page), ("incidents", .array(open.map(incident)))]),
                "api/v2/scheduled-maintenances.json": Self.data([("page", page), ("scheduled_maintenances", .array(shownWindows.map(maintenance)))])]
    }

    static func data(_ pairs: [(String, JSONValue)]) -> Data {
        var data = JSONValue.object(JSONObject(pairs)).encoded()
        data.append(0x0A)
        return data
    }

    /// Statuspage's indicator and its words, from the worst open incident.
    func status(_ open: [Incident]) -> JSONValue {
        let (indicator, words): (String, String) = switch open.map(\.impact).max() {
        case nil: ("none", "All Systems Operational")
        case .minor?: ("minor", "Minor Service Outage")
        case .major?: ("major", "Partial System Outage")
        case .critical?: ("critical", "Major System Outage")
        }
        return .object(JSONObject([("indicator", .string(indicator)), ("description", .string(words))]))
    }

    func time(_ t: Int64?) -> JSONValue { t.map { .string(RFC3339.format($0)) } ?? .null }

    /// An affected component: the checker's title, its status from the incident's impact while
    /// it is open (minor: degraded performance, major: partial outage, critical: major outage).
    func component(_ title: String, status: String) -> JSONValue {
        .object(JSONObject([("id", .string(Self.componentID(title))), ("name", .string(title)), ("status", .string(status)),
                            ("created_at", .null), ("updated_at", time(updatedAt)), ("position", .int(0)), ("description", .null),
                            ("showcase", .bool(false)), ("start_date", .null), ("group_id", .null), ("page_id", .string(Self.pageID)),
                            ("group", .bool(false)), ("only_show_if_degraded", .bool(false))]))
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
