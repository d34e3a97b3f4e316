import Foundation

/// The page's index: copies of the three small views the page reads on every load, kept in the
/// summaries manifest (`summaries/index.json`) under `"page"`, so that a page loads the manifest
/// and one summary per node and nothing else (N + 1 requests, not N + 4).
///
/// `{"version":1,"origins":[...],"page":{"incidents":[...],"windows":[...],"components":[...]}}`:
/// `incidents` is the incident view's list (`summaries/_incidents.json`), `windows` the
/// maintenance view's (`summaries/_maintenance.json`), `components` the components of
/// `api/v2/components.json` with only what the page's groups need (id, name, status, group,
/// components). Every one is a copy of a public file, built from data with no field for a secret.
///
/// Lock-free, as the manifest: the view files stay the truth, and each writer of a view copies
/// it into the index after writing it, by compare-and-swap on the manifest, the manifest's tag
/// read *before* the view. A writer whose copy is older than the view therefore either wins
/// before the newer writer reads the tag (which then overwrites it) or loses the swap and copies
/// again: the last view written ends up in the index. A part that is missing (a manifest written
/// by an older checkup, which drops the key) sends the page back to the view's own file, so an
/// index is never needed, only faster. After every round a node copies the parts that are
/// missing or differ from the views it read anyway (`healIfNeeded`).
enum PageIndex {
    /// The key of the parts in the manifest.
    static let key = "page"

    /// One copy in the index, named as its key there.
    enum Part: String, CaseIterable, Sendable {
        case incidents, windows, components
    }

    /// The part's value from its file's bytes (nil: no file, which the page reads as none).
    static func value(of part: Part, from data: Data?) -> JSONValue {
        guard let data, let top = (try? JSONValue.parse(data))?.objectValue else { return .array([]) }
        switch part {
        case .incidents: return top["incidents"] ?? .array([])
        case .windows: return top["windows"] ?? .array([])
        case .components:
            let kept = ["id", "name", "status", "group", "components"]
            return .array((top["components"]?.arrayValue ?? []).compactMap { item in
                item.objectValue.map { o in .object(JSONObject(o.pairs.filter { kept.contains($0.0) })) }
            })
        }
    }

    /// The parts a manifest's bytes hold now, by name.
    static func parts(in manifest: Data?) -> [Part: JSONValue] {
        guard let manifest, let page = (try? JSONValue.parse(manifest))?.objectValue?[key]?.objectValue else { return [:] }
        var found: [Part: JSONValue] = [:]
        for part in Part.allCases { if let v = page[part.rawValue] { found[part] = v } }
        return found
    }

    /// The bytes of the file a part is copied from.
    static func source(_ part: Part, _ storage: any SummaryStorage) async throws -> Data? {
        switch part {
        case .incidents: return try await storage.readSummaryObject(IncidentLog.pageKey)?.data
        case .windows: return try await storage.readSummaryObject(MaintenanceLog.pageKey)?.data
        case .components:
            guard let files = storage as? any PublicFileStorage else { return nil }
            return try await files.readPublicFile(StatusAPIFiles.componentsKey)
        }
    }

    /// Copies `parts` from their files into the manifest, when it exists (a store without one
    /// has no summaries: the page reads the check files and the views). Compare-and-swap, the
    /// manifest read before the files; nothing is written when the copies are already equal.
    /// - Throws: `CheckupError` when the store fails, or other writers won every try.
    static func sync(_ parts: [Part], in storage: any SummaryStorage) async throws {
        let manifestKey = StatusSummaries.manifestKey
        for attempt in 1...StatusSummaries.attempts {
            guard let current = try await storage.readSummaryObject(manifestKey) else { return }
            // An unreadable manifest is left to register(), which rewrites it.
            guard let top = (try? JSONValue.parse(current.data))?.objectValue, let origins = top["origins"]?.arrayValue else { return }
            var page = top[key]?.objectValue ?? JSONObject()
            var changed = false
            for part in Part.allCases where parts.contains(part) {
                let value = value(of: part, from: try await source(part, storage))
                if page[part.rawValue] != value {
                    page = replacing(part.rawValue, with: value, in: page)
                    changed = true
                }
            }
            guard changed else { return }
            let data = manifestData(origins.compactMap(\.stringValue), page: .object(page))
            if try await storage.writeSummaryObject(manifestKey, data, ifMatching: current.tag) { return }
            if attempt < StatusSummaries.attempts { try await Task.sleep(for: .milliseconds(Int.random(in: 5...(20 * attempt)))) }
        }
        throw CheckupError(.storage, "\(manifestKey): changed by other writers \(StatusSummaries.attempts) times in a row; the page index not updated")
    }

    /// After a round: copies the parts the manifest lacks, or whose copy differs from the file
    /// already read this round (`windows`, `components`; nil: not read). One write at most, and
    /// none when the index is up to date.
    static func healIfNeeded(_ storage: any SummaryStorage, manifest: Data?, windows: Data??, components: Data??) async throws {
        guard let manifest else { return }
        let held = parts(in: manifest)
        var stale = Part.allCases.filter { held[$0] == nil }
        if let windows, held[.windows].map({ $0 != value(of: .windows, from: windows) }) == true { stale.append(.windows) }
        if let components, held[.components].map({ $0 != value(of: .components, from: components) }) == true { stale.append(.components) }
        if !stale.isEmpty { try await sync(stale, in: storage) }
    }

    /// `object` with `key` set to `value`, in its place when it was there, else at the end.
    static func replacing(_ key: String, with value: JSONValue, in object: JSONObject) -> JSONObject {
        var o = object
        if let i = o.pairs.firstIndex(where: { $0.0 == key }) { o.pairs[i].1 = value } else { o.pairs.append((key, value)) }
        return o
    }

    /// A manifest's bytes listing `origins`, keeping the page index of `previous` as it was.
    static func manifest(_ origins: [String], keeping previous: Data?) -> Data {
        manifestData(origins, page: previous.flatMap { (try? JSONValue.parse($0))?.objectValue?[key] })
    }

    /// `{"version":1,"origins":[...],"page":{...}}`, in that order (`page` left out when nil), as
    /// `StatusSummaries.manifestData` writes the first two.
    static func manifestData(_ origins: [String], page: JSONValue?) -> Data {
        var top = JSONObject()
        top.append("version", .int(Int64(StatusSummary.formatVersion)))
        top.append("origins", .array(origins.sorted().map { .string($0) }))
        top.append(key, page)
        return JSONValue.object(top).encoded()
    }
}
