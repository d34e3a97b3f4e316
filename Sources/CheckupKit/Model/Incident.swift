import Foundation

/// How badly an incident hurts the users of what it is about (Statuspage's `impact`).
public enum IncidentImpact: String, Sendable, CaseIterable, Comparable {
    case minor, major, critical

    public static func < (a: IncidentImpact, b: IncidentImpact) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!  // every case is in allCases
    }
}

/// Where an incident stands (Statuspage's `status`): opened as investigating, updated to
/// identified or monitoring, and finally resolved.
public enum IncidentStatus: String, Sendable, CaseIterable {
    case investigating, identified, monitoring, resolved
}

/// One immutable step of an incident, stored once as its own object and never edited: the
/// opening (which names what it is about and its impact), an update, or the resolution.
/// An incident is the fold of its events (`Incident(events:)`), so writers on several nodes
/// never need a lock: each adds objects, and every reader sees the same incident.
public struct IncidentEvent: Sendable, Equatable {
    /// The incident's id, e.g. `20261202-7f3a` (the UTC day it was opened and four random hex digits).
    public var incident: String
    /// When the event was written, in UTC Unix nanoseconds.
    public var time: Int64
    /// The incident's status from this event on.
    public var status: IncidentStatus
    /// What the incident is about, by the checkers' titles (set by the opening event only).
    public var about: [String]
    /// The impact (set by the opening event; nil for updates).
    public var impact: IncidentImpact?
    /// What the operator wrote.
    public var text: String

    /// Creates an event.
    public init(incident: String, time: Int64, status: IncidentStatus, about: [String] = [],
                impact: IncidentImpact? = nil, text: String) {
        self.incident = incident
        self.time = time
        self.status = status
        self.about = about
        self.impact = impact
        self.text = text
    }

    /// Whether this is the event that opened the incident.
    public var isOpening: Bool { impact != nil }

    /// The longest text an event keeps: it is shown on the page and in every feed.
    public static let maximumTextLength = 10_000

    /// Whether `id` is an incident id as `checkup incident open` makes them: `YYYYMMDD-` and four
    /// lowercase hex digits. Ids name objects, so nothing else is accepted.
    public static func isIncidentID(_ id: String) -> Bool {
        let b = Array(id.utf8)
        return b.count == 13 && b[8] == UInt8(ascii: "-") && b[..<8].allSatisfy { $0 >= 48 && $0 <= 57 }
            && b[9...].allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// The event as stored: a JSON object with `incident`, `time` (RFC 3339), `status`, `about`,
    /// `impact` (the opening only) and `text`.
    public var data: Data {
        var o = JSONObject()
        o.append("incident", .string(incident))
        o.append("time", .string(RFC3339.format(time)))
        o.append("status", .string(status.rawValue))
        if !about.isEmpty { o.append("about", .array(about.map(JSONValue.string))) }
        o.append("impact", impact.map { .string($0.rawValue) })
        o.append("text", .string(text))
        var data = JSONValue.object(o).encoded()
        data.append(0x0A)
        return data
    }

    /// Reads a stored event; `name` (its object's name) is for the error.
    /// - Throws: `CheckupError` (`.format`) naming the object and the field at fault.
    public init(data: Data, name: String) throws(CheckupError) {
        func bad(_ what: String) -> CheckupError { CheckupError(.format, "\(name): \(what)") }
        guard let value = try? JSONValue.parse(data), let o = value.objectValue else { throw bad("not a JSON object") }
        guard let id = o["incident"]?.stringValue, Self.isIncidentID(id) else { throw bad("incident: not an incident id") }
        guard let t = o["time"]?.stringValue, let time = RFC3339.parse(t) else { throw bad("time: not an RFC 3339 time") }
        guard let s = o["status"]?.stringValue, let status = IncidentStatus(rawValue: s) else { throw bad("status: not a status") }
        guard let text = o["text"]?.stringValue, text.count <= Self.maximumTextLength else { throw bad("text: not a text") }
        var about: [String] = []
        if let list = o["about"] {
            guard let items = list.arrayValue?.compactMap(\.stringValue), items.count == list.arrayValue?.count else {
                throw bad("about: not a list of titles")
            }
            about = items
        }
        var impact: IncidentImpact?
        if let i = o["impact"] {
            guard let v = i.stringValue.flatMap(IncidentImpact.init(rawValue:)) else { throw bad("impact: not minor, major or critical") }
            impact = v
        }
        self.init(incident: id, time: time, status: status, about: about, impact: impact, text: text)
    }
}

/// An incident as its events tell it: what it is about, its impact, its timeline and status.
public struct Incident: Sendable, Equatable {
    /// The id (`IncidentEvent.isIncidentID`).
    public var id: String
    /// The events, oldest first; the first is the opening.
    public var events: [IncidentEvent]

    /// The incident of `events` (all of one id, in any order), or nil when none of them is the
    /// opening (an update whose opening is not stored yet, or was lost, is not shown alone).
    public init?(events: [IncidentEvent]) {
        // Time first, then the opening before anything at the same instant, then the text, so
        // every reader orders the same events the same way.
        let sorted = events.sorted {
            ($0.time, $0.isOpening ? 0 : 1, $0.text) < ($1.time, $1.isOpening ? 0 : 1, $1.text)
        }
        guard let opening = sorted.first(where: \.isOpening) else { return nil }
        id = opening.incident
        // Nothing before the opening: a clock behind on another node must not hide it.
        self.events = [opening] + sorted.filter { $0 != opening && $0.time >= opening.time }
    }

    /// The opening event.
    public var opening: IncidentEvent { events[0] }  // init? guarantees one
    /// The name shown as the incident's title: the first line of the opening text.
    public var name: String {
        let line = opening.text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.isEmpty ? "Incident \(id)" : String(line.prefix(200))
    }
    /// The checkers' titles it is about.
    public var about: [String] { opening.about }
    /// The impact given when it was opened.
    public var impact: IncidentImpact { opening.impact ?? .minor }
    /// The status of the latest event; once resolved, it stays resolved.
    public var status: IncidentStatus { resolvedAt == nil ? events.last?.status ?? .investigating : .resolved }
    /// When it was opened, in UTC Unix nanoseconds.
    public var openedAt: Int64 { opening.time }
    /// When the latest event was written.
    public var updatedAt: Int64 { events.last?.time ?? opening.time }
    /// When it was first resolved, or nil while it is open.
    public var resolvedAt: Int64? { events.first { $0.status == .resolved }?.time }
    /// Whether it is still open.
    public var isOpen: Bool { resolvedAt == nil }

    /// The incidents that `events` tell, newest opening first.
    public static func fold(_ events: [IncidentEvent]) -> [Incident] {
        Dictionary(grouping: events, by: \.incident).values.compactMap(Incident.init(events:))
            .sorted { ($0.openedAt, $0.id) > ($1.openedAt, $1.id) }
    }
}
