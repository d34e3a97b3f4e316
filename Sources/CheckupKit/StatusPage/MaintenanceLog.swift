import Foundation

/// Planned maintenance in a store: windows added by `checkup maintenance add` (each an immutable
/// object, `maintenance/<id>.json`; a cancellation is another, `maintenance/<id>.<unix-nanos>.json`)
/// and the page's view of them and of the config's windows, `summaries/_maintenance.json`.
public struct MaintenanceLog: Sendable {
    /// Where the objects and the view are kept.
    public var storage: any StatusObjectStorage & SummaryStorage
    /// The config's entries, whose windows the view holds too.
    public var plans: [MaintenancePlan]
    /// The status page's address, linked from the feeds (`status_page_url`; may be empty).
    public var pageURL = ""
    /// The public settings the API's components are derived with (groups, the quorum rule).
    public var components = ComponentSettings()

    /// The page's view.
    public static let pageKey = "summaries/_maintenance.json"
    /// How far back a finished window and how far ahead a recurring one are kept in the view.
    public static let pastDays: Int64 = 30, aheadDays: Int64 = 30
    static let folder = "maintenance"
    static let day: Int64 = 86_400_000_000_000

    /// Creates the log of `storage`, with the config's `plans`.
    public init(storage: any StatusObjectStorage & SummaryStorage, plans: [MaintenancePlan] = []) {
        self.storage = storage
        self.plans = plans
    }

    /// Adds a window and returns its id (the UTC day of `time` and four random hex digits).
    /// - Throws: `CheckupError` (`.usage`) for no titles, an empty text, or `until` not after `from`.
    @discardableResult
    public func add(about: [String], from: Int64, until: Int64, text: String, at time: Int64,
                    random: @Sendable () -> UInt16 = { UInt16.random(in: 0...UInt16.max) }) async throws -> String {
        guard !about.isEmpty else { throw CheckupError(.usage, "maintenance add needs --about=TITLE[,TITLE...]") }
        guard until > from else { throw CheckupError(.usage, "maintenance add: --until must be after --from") }
        guard until > time else { throw CheckupError(.usage, "maintenance add: the window ends in the past (--until \(RFC3339.format(until)))") }
        try IncidentLog.checkText(text)
        let (y, m, d) = RFC3339.civilFromDays(Int(time / Self.day))
        let dayText = String(format: "%04d%02d%02d", y, m, d)
        for _ in 0..<64 {
            let id = dayText + "-" + String(format: "%04x", random())
            let window = MaintenanceWindow(id: id, about: about, from: from, until: until, text: text, created: time)
            var data = window.json.encoded()
            data.append(0x0A)
            if try await storage.createOwnStatusObject("\(Self.folder)/\(id).json", data) {
                try await publish(at: time)
                return id
            }
        }
        throw CheckupError(.storage, "maintenance add: no free id for \(dayText) after 64 tries")
    }

    /// Cancels the stored window `id` (a new object; the window stays in the store).
    /// - Throws: `CheckupError` (`.usage`) when there is no such window or it is cancelled already.
    public func cancel(_ id: String, at time: Int64) async throws {
        guard IncidentEvent.isIncidentID(id) else {
            throw CheckupError(.usage, "maintenance cancel: \(IncidentLog.quoted(id)) is not a maintenance id (such as 20261202-7f3a)")
        }
        guard let window = try await stored().first(where: { $0.id == id }) else {
            throw CheckupError(.usage, "maintenance cancel: no maintenance window \(id) (windows from the config are removed there)")
        }
        guard window.cancelled == nil else { throw CheckupError(.usage, "maintenance cancel: \(id) is cancelled already") }
        var stamp = time
        let body = Data(#"{"cancelled":"\#(RFC3339.format(time))"}"#.utf8 + [0x0A])
        while !(try await storage.createOwnStatusObject("\(Self.folder)/\(id).\(stamp).json", body)) { stamp += 1 }
        try await publish(at: time)
    }

    /// The stored windows, with their cancellations, soonest first.
    public func stored() async throws -> [MaintenanceWindow] {
        let keys = try await storage.listStatusObjects(Self.folder)
        var windows: [String: MaintenanceWindow] = [:], cancels: [String: Int64] = [:]
        for key in keys {
            guard let data = try await storage.readStatusObject(key) else { continue }
            let name = String(key.dropFirst(Self.folder.count + 1))
            let id = String(name.prefix { $0 != "." })
            guard IncidentEvent.isIncidentID(id), let value = try? JSONValue.parse(data) else {
                throw CheckupError(.format, "\(key): not a maintenance object")
            }
            if name == id + ".json" {
                windows[id] = try MaintenanceWindow(json: value, name: key)
            } else if let t = value.objectValue?["cancelled"]?.stringValue.flatMap(RFC3339.parse) {
                cancels[id] = min(cancels[id] ?? .max, t)
            }
        }
        for (id, t) in cancels { windows[id]?.cancelled = t }
        return windows.values.sorted { ($0.from, $0.id) < ($1.from, $1.id) }
    }

    /// What the view holds at `time`: the stored windows and the config's that end after
    /// `pastDays` ago and (the config's recurring ones) start within `aheadDays`, soonest first.
    public func windows(at time: Int64) async throws -> [MaintenanceWindow] {
        let start = time - Self.pastDays * Self.day, end = time + Self.aheadDays * Self.day
        let configured = plans.flatMap { $0.windows(overlapping: start, end) }
        return (try await stored().filter { $0.until >= start } + configured).sorted { ($0.from, $0.id) < ($1.from, $1.id) }
    }

    /// Rewrites the view (compare-and-swap, the tag read before the listing).
    public func publish(at time: Int64) async throws {
        try await write(at: time, onlyIfChanged: false)
    }

    /// Rewrites the view only when it differs from what `view(at:)` gives.
    func publishIfChanged(at time: Int64) async throws {
        try await write(at: time, onlyIfChanged: true)
    }

    private func write(at time: Int64, onlyIfChanged: Bool) async throws {
        for _ in 0..<StatusSummaries.attempts {
            let current = try await storage.readSummaryObject(Self.pageKey)
            let data = Self.pageData(try await windows(at: time))
            if onlyIfChanged && current?.data == data { return }
            if try await storage.writeSummaryObject(Self.pageKey, data, ifMatching: current?.tag) {
                return try await StatusFeeds.publish(storage, pageURL: pageURL, settings: components, at: time)
            }
        }
        throw CheckupError(.storage, "\(Self.pageKey): other writers kept changing it; run the command again")
    }

    /// The windows of the view as last published (none when there is no view).
    public func publishedWindows() async throws -> [MaintenanceWindow] {
        try Self.windows(inView: try await storage.readSummaryObject(Self.pageKey)?.data)
    }

    /// The windows of the view's bytes (none when there is no view).
    static func windows(inView data: Data?) throws(CheckupError) -> [MaintenanceWindow] {
        guard let data else { return [] }
        guard let list = (try? JSONValue.parse(data))?.objectValue?["windows"]?.arrayValue else {
            throw CheckupError(.format, "\(Self.pageKey): not a maintenance view")
        }
        return try list.map { v throws(CheckupError) in try MaintenanceWindow(json: v, name: Self.pageKey) }
    }

    /// `{"version": 1, "windows": [...]}`, soonest first.
    static func pageData(_ windows: [MaintenanceWindow]) -> Data {
        var data = JSONValue.object(JSONObject([("version", .int(1)), ("windows", .array(windows.map(\.json)))])).encoded()
        data.append(0x0A)
        return data
    }
}
