import Foundation
import Testing
@testable import CheckupKit

private let requestsNow = instant("2026-11-20T12:00:00Z")
private let hour: Int64 = 3_600_000_000_000

/// What the page shows of incidents, windows and groups, collected in the browser (`--eval`).
private let collectViews = """
    (() => { const q = (s) => Array.from(document.querySelectorAll(s)).map((e) => e.textContent);
      return { open: q('#incidents-open .incident-name'), past: q('#incidents-history .incident-name'),
        windows: q('#maintenance-list .incident-status'), groups: q('#groups-list .group-name'),
        group_states: q('#groups-list .group-status'), tags: q('#endpoints .group-tag') }; })()
    """

/// A store of three nodes with an open and a resolved incident, two maintenance windows and two
/// groups, written by checkup's own writers at pinned instants.
private func storeThreeNodes(in dir: String) async throws -> FileSystemStorage {
    let storage = FileSystemStorage(directory: dir + "/checks")
    let end = requestsNow / 1_000_000 - 30_000
    try await storeHistory(in: storage, end: end)  // eu and us
    try await StatusSummaries(storage: storage, origin: "ap").update(with: historyResults(days: 3, end: end - 3_000).flatMap { $0 },
                                                                      now: end * 1_000_000)
    try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
    let incidents = IncidentLog(storage: storage)
    let old = try await incidents.open(about: ["Web"], impact: .minor, text: "Pages slow", at: instant("2026-10-14T08:00:00Z")) { 0x0b01 }
    try await incidents.resolve(old, text: "Fixed", at: instant("2026-10-14T09:30:00Z"))
    try await incidents.open(about: ["API"], impact: .major, text: "Searches time out", at: requestsNow - 2 * hour) { 0x0a01 }
    let windows = MaintenanceLog(storage: storage)
    try await windows.add(about: ["Payments"], from: requestsNow - hour, until: requestsNow + hour, text: "Upgrade", at: requestsNow - 24 * hour) { 1 }
    try await windows.add(about: ["Web"], from: requestsNow + 24 * hour, until: requestsNow + 26 * hour, text: "Balancer", at: requestsNow - 24 * hour) { 2 }
    var settings = ComponentSettings()
    settings.titles = ["Web", "API", "Payments"]
    settings.groups = ["Web": "Site", "API": "Site", "Payments": "Billing"]
    #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: requestsNow))
    return storage
}

/// The page's data requests for three nodes in headless Chromium: the manifest (with the page
/// index) and one summary per node, and, for a manifest an older checkup wrote, each view's file.
@Suite(.serialized, .timeLimit(.minutes(5))) struct PageRequestsBrowserTests {
    @Test func threeNodesTakeFourDataRequestsAndAnOlderStoreSevenWithTheSameSections() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = try await storeThreeNodes(in: dir)
        let serve = try ServeProcess(in: dir)
        let pinned = ["--now", String(requestsNow / 1_000_000), "--locale", "en-US", "--timezone", "UTC"]

        let indexed = try await viewPage(serve.base + "/", width: 1280, extra: pinned + ["--eval", collectViews])
        #expect(indexed.string("mode") == "summaries" && indexed.errors.isEmpty, "\(indexed.errors)")
        #expect(indexed.json["requests"] == .int(4))  // the manifest and three summaries
        let views = try #require(indexed.json["eval"]?.objectValue)
        #expect(views["open"] == .array([.string("Searches time out")]) && views["past"] == .array([.string("Pages slow")]))
        #expect(views["windows"] == .array([.string("In progress"), .string("Scheduled")]))
        #expect(views["groups"] == .array([.string("Billing"), .string("Site")]) || views["groups"] == .array([.string("Site"), .string("Billing")]))
        #expect(views["group_states"]?.arrayValue?.contains(.string("Under maintenance")) == true, "\(views)")
        #expect(views["tags"]?.arrayValue?.count == 3)
        #expect(indexed.endpoint("Payments")?["state"] == .string("maintenance"))

        // A manifest as an older checkup writes it: no copies, so the page reads the three views.
        let tag = try #require(try await storage.readSummaryObject(StatusSummaries.manifestKey)?.tag)
        #expect(try await storage.writeSummaryObject(StatusSummaries.manifestKey, Data(#"{"version":1,"origins":["ap","eu","us"]}"#.utf8), ifMatching: tag))
        let older = try await viewPage(serve.base + "/", width: 1280, extra: pinned + ["--eval", collectViews])
        #expect(older.json["requests"] == .int(7) && older.errors.isEmpty, "\(older.errors)")
        #expect(older.json["eval"] == indexed.json["eval"])
        #expect(older.endpoints.map { $0["state"] } == indexed.endpoints.map { $0["state"] })
        withExtendedLifetime(serve) {}
    }
}
