import Foundation

/// Derives the Statuspage API files from what the store holds for the public (every origin's
/// latest round, the incident and maintenance views, the components file written before) and
/// writes them. Nothing here reads the config: the settings are a `ComponentSettings`, which has
/// no field for a secret.
public enum StatusAPIFiles {
    /// The file whose components' states decide whether a round rewrites the API.
    static let componentsKey = "api/v2/components.json"

    /// The latest round of every origin the manifest lists; one that is missing or unreadable is
    /// left out (it says nothing about the components).
    static func latestRounds(_ storage: any SummaryStorage) async throws -> [LatestRound] {
        try await latestRounds(storage, manifest: try await storage.readSummaryObject(StatusSummaries.manifestKey)?.data)
    }

    /// `latestRounds(_:)` of the manifest's bytes, already read.
    static func latestRounds(_ storage: any SummaryStorage, manifest: Data?) async throws -> [LatestRound] {
        guard let data = manifest else { return [] }
        var rounds: [LatestRound] = []
        for origin in (try? StatusSummaries.manifestOrigins(data)) ?? [] {
            let key = LatestRound.key(for: origin)
            guard let (round, _) = try await storage.readSummaryObject(key), let parsed = try? LatestRound(jsonData: round, name: key) else { continue }
            rounds.append(parsed)
        }
        return rounds
    }

    /// The API of `incidents` and `windows` with the components as the data says at `time` (Unix
    /// nanoseconds), their times carried over from the components file written before.
    static func api(_ storage: any SummaryStorage, _ files: any PublicFileStorage, incidents: [Incident],
                    windows: [MaintenanceWindow], pageURL: String, settings: ComponentSettings, at time: Int64,
                    rounds known: [LatestRound]? = nil, previous knownPrevious: Data?? = nil) async throws -> StatuspageAPI {
        let rounds: [LatestRound]
        if let known { rounds = known } else { rounds = try await latestRounds(storage) }
        let previous: Data?
        if let knownPrevious { previous = knownPrevious } else { previous = try await files.readPublicFile(componentsKey) }
        var api = StatuspageAPI(incidents: incidents, windows: windows, pageURL: pageURL, time: time)
        api.components = StatusComponents.derive(from: rounds, windows: windows, settings: settings, at: time.floorMilliseconds)
        api.componentTimes = StatuspageAPI.componentTimes(api.components, previous: previous, at: time)
        return api
    }

    /// Writes every file of `api`, in the order of their keys.
    static func write(_ api: StatuspageAPI, to files: any PublicFileStorage) async throws {
        for (key, data) in api.files.sorted(by: { $0.key < $1.key }) { try await files.writePublicFile(key, data) }
    }

    /// After a stored round: rewrites the API files when a component's state or group differs
    /// from the components file written before (or a component came or went), and returns whether it
    /// did. Reads the manifest, every origin's latest round, the maintenance view and the
    /// components file; the incident view only when something changed. Keeps the page index's
    /// copies (`PageIndex`) up to date.
    /// With `badgesFrom`, also writes the badges (`StatusBadges`) of the components from that
    /// summary (the writing node's).
    @discardableResult
    public static func publishIfComponentsChanged(_ storage: any StatusObjectStorage & SummaryStorage, pageURL: String,
                                                  settings: ComponentSettings, badgesFrom summary: StatusSummary? = nil,
                                                  at time: Int64) async throws -> Bool {
        guard let files = storage as? any PublicFileStorage else { return false }
        let manifest = try await storage.readSummaryObject(StatusSummaries.manifestKey)?.data
        let rounds = try await latestRounds(storage, manifest: manifest)
        let windowsView = try await storage.readSummaryObject(MaintenanceLog.pageKey)?.data
        let windows = try MaintenanceLog.windows(inView: windowsView)
        let components = StatusComponents.derive(from: rounds, windows: windows, settings: settings, at: time.floorMilliseconds)
        if let summary { try await StatusBadges.publish(components, summary: summary, to: files, at: time.floorMilliseconds) }
        let previous = try await files.readPublicFile(componentsKey)
        guard states(components) != states(previous) else {
            // Nothing to write: the page index still gets the copies it lacks or that fell behind.
            try await PageIndex.healIfNeeded(storage, manifest: manifest, windows: .some(windowsView), components: .some(previous))
            return false
        }
        let cutoff = time - Int64(IncidentLog.historyDays) * 86_400_000_000_000
        let incidents = try await IncidentLog.publishedIncidents(storage).filter { ($0.resolvedAt ?? .max) >= cutoff }
        try await write(try await api(storage, files, incidents: incidents, windows: windows, pageURL: pageURL, settings: settings,
                                      at: time, rounds: rounds, previous: .some(previous)), to: files)
        try await PageIndex.sync(PageIndex.Part.allCases, in: storage)  // the views were read above: rare, as changes are
        return true
    }

    /// Each component's id, state and group's id, in order: what a round compares.
    static func states(_ components: [StatusComponent]) -> [String] {
        components.map { $0.id + " " + $0.state.rawValue + " " + ($0.group.isEmpty ? "" : StatusComponent.id($0.group, isGroup: true)) }
    }

    /// The ids, states and groups' ids of a components file; nil when there is none.
    static func states(_ data: Data?) -> [String]? {
        guard let data else { return nil }
        return ((try? JSONValue.parse(data))?.objectValue?["components"]?.arrayValue ?? []).compactMap { item in
            guard let o = item.objectValue, let id = o["id"]?.stringValue, let state = o["status"]?.stringValue else { return nil }
            return id + " " + state + " " + (o["group_id"]?.stringValue ?? "")
        }
    }
}

extension Int64 {
    /// Unix nanoseconds as Unix milliseconds, rounding toward minus infinity.
    var floorMilliseconds: Int64 { self >= 0 ? self / 1_000_000 : -((-self + 999_999) / 1_000_000) }
}
