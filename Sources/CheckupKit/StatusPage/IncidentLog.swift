import Foundation

/// The incidents of a store: opening, updating and resolving them (each step a new immutable
/// object, `incidents/<id>.json` for the opening and `incidents/<id>.<unix-nanos>.json` for each
/// later event), and the page's view of them, `summaries/_incidents.json`, rewritten after every
/// step, and the feeds (`StatusFeeds`). Both are derived: they can be rebuilt from the objects at
/// any time (`publish(at:)`).
public struct IncidentLog: Sendable {
    /// Where the objects and the page's view are kept.
    public var storage: any StatusObjectStorage & SummaryStorage
    /// The status page's address, linked from the feeds (`status_page_url`; may be empty).
    public var pageURL = ""
    /// The public settings the API's components are derived with (groups, the quorum rule).
    public var components = ComponentSettings()

    /// The page's view of the incidents. Its name cannot be an origin's summary (an origin
    /// starts with a letter or digit).
    public static let pageKey = "summaries/_incidents.json"
    /// How long a resolved incident stays in the page's history, counted from its resolution.
    public static let historyDays = 366
    static let folder = "incidents"

    /// Creates the log of `storage`.
    public init(storage: any StatusObjectStorage & SummaryStorage) {
        self.storage = storage
    }

    /// Opens an incident about the checkers titled `about` and returns its id, made of the UTC
    /// day of `time` and four random hex digits (another is drawn while the id is taken).
    /// - Throws: `CheckupError` (`.usage`) for an empty or overlong text or an empty `about`.
    @discardableResult
    public func open(about: [String], impact: IncidentImpact, text: String, at time: Int64,
                     random: @Sendable () -> UInt16 = { UInt16.random(in: 0...UInt16.max) }) async throws -> String {
        guard !about.isEmpty else { throw CheckupError(.usage, "incident open needs --about=TITLE[,TITLE...]") }
        try Self.checkText(text)
        let (y, m, d) = RFC3339.civilFromDays(Int(time.floorDiv(86_400_000_000_000)))
        let day = String(format: "%04d%02d%02d", y, m, d)
        for _ in 0..<64 {
            let id = day + "-" + String(format: "%04x", random())
            let event = IncidentEvent(incident: id, time: time, status: .investigating, about: about, impact: impact, text: text)
            if try await storage.createOwnStatusObject("\(Self.folder)/\(id).json", event.data) {
                try await publish(at: time)
                return id
            }
        }
        throw CheckupError(.storage, "incident open: no free incident id for \(day) after 64 tries")
    }

    /// Adds an update with `status` (identified or monitoring; `resolve` resolves) to the open
    /// incident `id`.
    /// - Throws: `CheckupError` (`.usage`) when there is no such incident, or it is resolved.
    public func update(_ id: String, status: IncidentStatus, text: String, at time: Int64) async throws {
        guard status != .resolved else { return try await resolve(id, text: text, at: time) }
        try await add(id, status: status, text: text, at: time, verb: "update")
    }

    /// Resolves the open incident `id`.
    /// - Throws: `CheckupError` (`.usage`) when there is no such incident, or it is resolved already.
    public func resolve(_ id: String, text: String, at time: Int64) async throws {
        try await add(id, status: .resolved, text: text, at: time, verb: "resolve")
    }

    private func add(_ id: String, status: IncidentStatus, text: String, at time: Int64, verb: String) async throws {
        try Self.checkText(text)
        guard IncidentEvent.isIncidentID(id) else {
            throw CheckupError(.usage, "incident \(verb): \(Self.quoted(id)) is not an incident id (such as 20261202-7f3a)")
        }
        guard let incident = try await incident(id) else { throw CheckupError(.usage, "incident \(verb): no incident \(id)") }
        guard incident.isOpen else { throw CheckupError(.usage, "incident \(verb): incident \(id) is resolved; open a new one") }
        // After the latest event, so the timeline's order is the order of the commands.
        var stamp = max(time, incident.updatedAt + 1)
        let event = IncidentEvent(incident: id, time: stamp, status: status, text: text)
        while true {
            var e = event
            e.time = stamp
            if try await storage.createOwnStatusObject("\(Self.folder)/\(id).\(stamp).json", e.data) { break }
            stamp += 1
        }
        try await publish(at: time)
    }

    /// The incident `id` as its stored events tell it, or nil.
    public func incident(_ id: String) async throws -> Incident? {
        let keys = try await storage.listStatusObjects(Self.folder).filter { $0.hasPrefix("\(Self.folder)/\(id).") }
        return Incident(events: try await events(keys))
    }

    /// Every incident, newest first. An object that cannot be read is an error naming it.
    public func incidents() async throws -> [Incident] {
        Incident.fold(try await events(try await storage.listStatusObjects(Self.folder)))
    }

    private func events(_ keys: [String]) async throws -> [IncidentEvent] {
        var events: [IncidentEvent] = []
        for key in keys {
            guard let data = try await storage.readStatusObject(key) else { continue }  // deleted meanwhile
            events.append(try IncidentEvent(data: data, name: key))
        }
        return events
    }

    /// Rewrites the page's view from the stored objects: every open incident, and those resolved
    /// in the last `historyDays` before `time`. The version tag is read before the listing, so a
    /// writer that listed too early loses the compare-and-swap and lists again.
    public func publish(at time: Int64) async throws {
        for _ in 0..<StatusSummaries.attempts {
            let tag = try await storage.readSummaryObject(Self.pageKey)?.tag
            let cutoff = time - Int64(Self.historyDays) * 86_400_000_000_000
            let shown = try await incidents().filter { ($0.resolvedAt ?? .max) >= cutoff }
            if try await storage.writeSummaryObject(Self.pageKey, Self.pageData(shown), ifMatching: tag) {
                return try await StatusFeeds.publish(storage, pageURL: pageURL, settings: components, at: time)
            }
        }
        throw CheckupError(.storage, "\(Self.pageKey): other writers kept changing it; run the command again")
    }

    /// The page's view: `{"version": 1, "incidents": [...]}`, each incident with its id, name,
    /// about, impact, status, opened/updated/resolved times and its updates (oldest first).
    static func pageData(_ incidents: [Incident]) -> Data {
        let list = incidents.map { i -> JSONValue in
            var o = JSONObject()
            o.append("id", .string(i.id))
            o.append("name", .string(i.name))
            o.append("about", .array(i.about.map(JSONValue.string)))
            o.append("impact", .string(i.impact.rawValue))
            o.append("status", .string(i.status.rawValue))
            o.append("opened", .string(RFC3339.format(i.openedAt)))
            o.append("updated", .string(RFC3339.format(i.updatedAt)))
            o.append("resolved", i.resolvedAt.map { .string(RFC3339.format($0)) })
            o.append("updates", .array(i.events.map { e in
                .object(JSONObject([("time", .string(RFC3339.format(e.time))), ("status", .string(e.status.rawValue)),
                                    ("text", .string(e.text))]))
            }))
            return .object(o)
        }
        var data = JSONValue.object(JSONObject([("version", .int(1)), ("incidents", .array(list))])).encoded()
        data.append(0x0A)
        return data
    }

    /// The incidents of the page's view as last published, newest first (none when there is no
    /// view): what the page shows, read in one request.
    static func publishedIncidents(_ storage: any SummaryStorage) async throws -> [Incident] {
        guard let (data, _) = try await storage.readSummaryObject(pageKey) else { return [] }
        guard let list = (try? JSONValue.parse(data))?.objectValue?["incidents"]?.arrayValue else {
            throw CheckupError(.format, "\(pageKey): not an incident view")
        }
        return list.compactMap { item -> Incident? in
            guard let o = item.objectValue, let id = o["id"]?.stringValue,
                  let impact = o["impact"]?.stringValue.flatMap(IncidentImpact.init(rawValue:)) else { return nil }
            let about = o["about"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let events = (o["updates"]?.arrayValue ?? []).enumerated().compactMap { n, u -> IncidentEvent? in
                guard let u = u.objectValue, let t = u["time"]?.stringValue.flatMap(RFC3339.parse),
                      let status = u["status"]?.stringValue.flatMap(IncidentStatus.init(rawValue:)) else { return nil }
                return IncidentEvent(incident: id, time: t, status: status, about: n == 0 ? about : [], impact: n == 0 ? impact : nil,
                                     text: u["text"]?.stringValue ?? "")
            }
            return Incident(events: events)
        }
    }

    static func checkText(_ text: String) throws(CheckupError) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CheckupError(.usage, "incident: the TEXT must not be empty")
        }
        guard text.count <= IncidentEvent.maximumTextLength else {
            throw CheckupError(.usage, "incident: the TEXT is \(text.count) characters long; at most \(IncidentEvent.maximumTextLength)")
        }
    }
}

extension IncidentLog {
    /// `text` as a JSON string, at most 40 characters of it: safe to show in an error line.
    static func quoted(_ text: String) -> String {
        String(decoding: JSONValue.string(String(text.prefix(40))).encoded(), as: UTF8.self)
    }
}

extension Int64 {
    /// Division rounding toward minus infinity (days before 1970 are days too).
    fileprivate func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}
