import Foundation
import Testing
@testable import CheckupKit

/// The page index's parts as the manifest holds them (nil: no `page` key).
func pageParts(_ storage: any SummaryStorage) async throws -> JSONObject? {
    let data = try #require(try await storage.readSummaryObject(StatusSummaries.manifestKey)?.data)
    let top = try #require(try JSONValue.parse(data).objectValue)
    #expect(top["version"] == .int(1))
    return top["page"]?.objectValue
}

/// The copies the index must hold: those of the views as stored now.
func expectedParts(_ storage: any SummaryStorage) async throws -> [String: JSONValue] {
    var out: [String: JSONValue] = [:]
    for part in PageIndex.Part.allCases { out[part.rawValue] = PageIndex.value(of: part, from: try await PageIndex.source(part, storage)) }
    return out
}

/// The page index in the manifest (`PageIndex`) on real stores: the fs store and S3 on moto.
@Suite(.timeLimit(.minutes(5))) struct PageIndexTests {
    let t = instant("2026-11-10T09:00:00Z")
    let hour: Int64 = 3_600_000_000_000

    var settings: ComponentSettings {
        var s = ComponentSettings()
        s.titles = ["Web", "API"]
        s.groups = ["Web": "Frontend", "API": "Frontend"]
        return s
    }

    func round(_ storage: any SummaryStorage, _ origin: String, at time: Int64, apiDown: Bool) async throws {
        let ms = time / 1_000_000
        try await StatusSummaries(storage: storage, origin: origin).update(
            with: [summaryResult("Web", at: ms), summaryResult("API", at: ms, apiDown ? .down : .healthy)], now: time)
    }

    /// Rounds of two nodes, an incident, a window and a components change; each step's copy checked.
    func everyWriterKeepsItsCopy(_ storage: any StatusObjectStorage & SummaryStorage) async throws {
        for origin in ["eu", "us"] { try await round(storage, origin, at: t, apiDown: false) }
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: t))
        var page = try #require(try await pageParts(storage))
        let groups = page["components"]?.arrayValue?.compactMap(\.objectValue).filter { $0["group"] == .bool(true) } ?? []
        #expect(groups.map { $0["name"] } == [.string("Frontend")] && groups.first?["status"] == .string("operational"))
        #expect(groups.first?["components"]?.arrayValue?.count == 2)
        #expect(page["incidents"] == .array([]) && page["windows"] == .array([]))

        var log = IncidentLog(storage: storage)
        log.components = settings
        let id = try await log.open(about: ["API"], impact: .major, text: "API errors", at: t + 1_000) { 0x0a1 }
        page = try #require(try await pageParts(storage))
        #expect(page["incidents"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } == [id])
        var windows = MaintenanceLog(storage: storage)
        windows.components = settings
        let window = try await windows.add(about: ["Web"], from: t + hour, until: t + 2 * hour, text: "Upgrade", at: t + 2_000) { 0x0b2 }
        page = try #require(try await pageParts(storage))
        #expect(page["windows"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } == [window])

        // A node's round that changes a state: the group's copy follows.
        for origin in ["eu", "us"] { try await round(storage, origin, at: t + 60_000_000_000, apiDown: true) }
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: t + 60_000_000_000))
        page = try #require(try await pageParts(storage))
        let group = page["components"]?.arrayValue?.compactMap(\.objectValue).first { $0["group"] == .bool(true) }
        #expect(group?["status"] == .string("major_outage"))
        #expect(Dictionary(uniqueKeysWithValues: page.pairs) == (try await expectedParts(storage)))
        // The origins are those of the manifest still, and adding one keeps the copies.
        try await round(storage, "ap", at: t + 61_000_000_000, apiDown: true)
        #expect(try await StatusSummaries(storage: storage, origin: "eu").origins().sorted() == ["ap", "eu", "us"])
        #expect(try await pageParts(storage) == page)
        // In the manifest's own key order: what older readers see first is unchanged.
        let bytes = try #require(try await storage.readSummaryObject(StatusSummaries.manifestKey)?.data)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(#"{"version":1,"origins":["ap","eu","us"],"page":{"#))
    }

    @Test func everyWriterKeepsItsCopyInTheFileSystemStore() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await everyWriterKeepsItsCopy(FileSystemStorage(directory: dir))
    }

    @Test func everyWriterKeepsItsCopyOnS3() async throws {
        try await everyWriterKeepsItsCopy(try await s3Peer.bucket())
    }

    /// Four nodes at once: two open incidents, two add windows, while rounds add origins. The
    /// index ends with every one of them, as the views do.
    func concurrentWritersLoseNoUpdate(_ storage: any StatusObjectStorage & SummaryStorage) async throws {
        try await round(storage, "n0", at: t, apiDown: false)
        let settings = self.settings, t = self.t, hour = self.hour
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in 0..<4 {
                group.addTask {
                    var log = IncidentLog(storage: storage)
                    log.components = settings
                    var windows = MaintenanceLog(storage: storage)
                    windows.components = settings
                    for step in 0..<2 {
                        let at = t + Int64(node * 10 + step) * 1_000_000_000
                        if node % 2 == 0 {
                            try await log.open(about: ["API"], impact: .minor, text: "node \(node) step \(step)", at: at) { UInt16(node * 16 + step) }
                        } else {
                            try await windows.add(about: ["Web"], from: t + hour, until: t + 2 * hour, text: "node \(node) step \(step)", at: at) {
                                UInt16(node * 16 + step)
                            }
                        }
                        try await self.round(storage, "n\(node + 1)", at: at, apiDown: step == 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        let page = try #require(try await pageParts(storage))
        let incidents = page["incidents"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } ?? []
        let shownWindows = page["windows"]?.arrayValue?.compactMap { $0.objectValue?["text"]?.stringValue } ?? []
        #expect(Set(incidents) == ["node 0 step 0", "node 0 step 1", "node 2 step 0", "node 2 step 1"])
        #expect(Set(shownWindows) == ["node 1 step 0", "node 1 step 1", "node 3 step 0", "node 3 step 1"])
        #expect(page["incidents"] == (try await expectedParts(storage))["incidents"])
        #expect(page["windows"] == (try await expectedParts(storage))["windows"])
        #expect(try await StatusSummaries(storage: storage, origin: "n0").origins().sorted() == ["n0", "n1", "n2", "n3", "n4"])
    }

    @Test func concurrentWritersLoseNoUpdateInTheFileSystemStore() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await concurrentWritersLoseNoUpdate(FileSystemStorage(directory: dir))
    }

    @Test func concurrentWritersLoseNoUpdateOnS3() async throws {
        try await concurrentWritersLoseNoUpdate(try await s3Peer.bucket())
    }

    /// A manifest as an older checkup writes it (no `page`): the page reads the views' files, and
    /// the next round of a node adds the copies; a copy that fell behind its file is healed.
    @Test func aRoundAddsTheCopiesAnOlderManifestLacksAndHealsAStaleOne() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        try await round(storage, "eu", at: t, apiDown: false)
        var log = IncidentLog(storage: storage)
        log.components = settings
        try await log.open(about: ["API"], impact: .minor, text: "Slow", at: t + 1_000) { 3 }
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: t + 2_000) == false)
        // An older node rewrites the manifest with its origins only.
        let old = Data(#"{"version":1,"origins":["eu","old"]}"#.utf8)
        let tag = try #require(try await storage.readSummaryObject(StatusSummaries.manifestKey)?.tag)
        #expect(try await storage.writeSummaryObject(StatusSummaries.manifestKey, old, ifMatching: tag))
        #expect(try await pageParts(storage) == nil)
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: t + 3_000) == false)
        let healed = try #require(try await pageParts(storage))
        #expect(Dictionary(uniqueKeysWithValues: healed.pairs) == (try await expectedParts(storage)))
        #expect(healed["incidents"]?.arrayValue?.count == 1)
        #expect(try await StatusSummaries(storage: storage, origin: "eu").origins().sorted() == ["eu", "old"])

        // An older node's `maintenance add` writes the view only: the next round copies it.
        let window = MaintenanceWindow(id: "20261110-00ff", about: ["Web"], from: t + hour, until: t + 2 * hour, text: "by an old node", created: t)
        let viewTag = try await storage.readSummaryObject(MaintenanceLog.pageKey)?.tag
        #expect(try await storage.writeSummaryObject(MaintenanceLog.pageKey, MaintenanceLog.pageData([window]), ifMatching: viewTag))
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: t + 4_000) == false)
        let windows = try #require(try await pageParts(storage))["windows"]?.arrayValue
        #expect(windows?.compactMap { $0.objectValue?["id"]?.stringValue } == ["20261110-00ff"])
    }

    /// A store with no summaries has no manifest, and gets none from the index.
    @Test func aStoreWithoutSummariesGetsNoManifest() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        try await IncidentLog(storage: storage).open(about: ["Web"], impact: .minor, text: "x", at: t) { 1 }
        #expect(try await storage.readSummaryObject(StatusSummaries.manifestKey)?.data == nil)
        #expect(try await storage.readSummaryObject(IncidentLog.pageKey)?.data != nil)
    }
}
