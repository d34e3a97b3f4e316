import Foundation
import Testing
@testable import CheckupKit

/// Components and groups: the five states derived from every origin's latest round and the
/// windows, the worst-of rollup, `api/v2/summary.json` and `components.json`, the `group` key.
@Suite struct ComponentTests {
    let now = instant("2026-11-10T09:00:00Z") / 1_000_000  // Unix milliseconds

    func round(_ origin: String, at time: Int64, _ entries: [(String, Status, String)]) -> LatestRound {
        var r = LatestRound(origin: origin, location: "", time: time, results: [])
        r.results = entries.map { LatestRound.Entry(title: $0.0, endpoint: "e:" + $0.0, state: $0.1, rtt: 5_000_000, reason: $0.2, time: time) }
        return r
    }

    var settings: ComponentSettings {
        var s = ComponentSettings()
        s.titles = ["Web", "API", "DB", "DNS", "Cache", "Queue"]
        s.groups = ["Web": "Frontend", "API": "Frontend", "DB": "Data", "Cache": "Data"]
        return s
    }

    @Test func statesComeFromTheQuorumTheAddressesAndTheWindows() {
        let partial = "1 of 2 addresses down: 192.0.2.1 (connection refused)"
        let rounds = [
            round("a", at: now, [("Web", .down, "refused"), ("API", .down, "refused"), ("DB", .degraded, "slow"), ("DNS", .degraded, partial),
                                 ("Cache", .down, "refused"), ("Queue", .healthy, "")]),
            round("b", at: now, [("Web", .healthy, ""), ("API", .down, "refused"), ("DB", .degraded, "slow"), ("DNS", .healthy, ""),
                                 ("Cache", .down, "refused"), ("Queue", .healthy, "")]),
            round("c", at: now, [("Web", .healthy, ""), ("API", .healthy, ""), ("DB", .healthy, ""), ("DNS", .healthy, ""),
                                 ("Cache", .down, "refused"), ("Queue", .healthy, "")]),
            // Stale (an hour old): its down votes do not count.
            round("d", at: now - 3_600_000, [("Queue", .down, "refused"), ("Web", .down, "refused")]),
        ]
        let window = MaintenanceWindow(id: "20261110-0001", about: ["cache"], from: (now - 60_000) * 1_000_000,
                                       until: (now + 60_000) * 1_000_000, text: "", created: 0)
        let components = StatusComponents.derive(from: rounds, windows: [window], settings: settings, at: now)
        let states = Dictionary(uniqueKeysWithValues: components.map { ($0.name, $0.state) })
        #expect(components.map(\.name) == ["Web", "API", "DB", "DNS", "Cache", "Queue", "Frontend", "Data"])
        #expect(states["Web"] == .partialOutage)        // 1 of 3 fresh places, under the majority
        #expect(states["API"] == .majorOutage)          // 2 of 3: the quorum
        #expect(states["DB"] == .degradedPerformance)
        #expect(states["DNS"] == .partialOutage)        // some of its addresses
        #expect(states["Cache"] == .underMaintenance)   // down everywhere, but in a window (any case)
        #expect(states["Queue"] == .operational)
        #expect(states["Frontend"] == .majorOutage && states["Data"] == .degradedPerformance)  // worst of the members
        #expect(components.last?.members == ["DB", "Cache"] && components.first?.group == "Frontend")
        // A quorum of one makes one place's trouble a major outage; with no fresh place the
        // newest result stands.
        var strict = settings
        strict.quorums = ["Web": 1]
        #expect(StatusComponents.derive(from: rounds, windows: [], settings: strict, at: now).first?.state == .majorOutage)
        let later = StatusComponents.derive(from: rounds, windows: [], settings: settings, at: now + 7_200_000)
        #expect(later.first { $0.name == "Queue" }?.state == .operational && later.first { $0.name == "Cache" }?.state == .majorOutage)
        #expect(ComponentState.worst([.underMaintenance, .operational]) == .underMaintenance && ComponentState.worst([]) == .operational)
    }

    @Test func summaryAndComponentsHaveTheDocumentedShapes() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        let t = now * 1_000_000
        // One origin's round, as a stored round leaves it.
        var summaries = StatusSummaries(storage: storage, origin: "a")
        summaries.interval = .seconds(60)
        let down = CheckResult(title: "API", endpoint: "e:API", timestamp: t, times: [Attempt(rtt: .milliseconds(3), error: "refused")], down: true)
        let up = CheckResult(title: "Web", endpoint: "e:Web", timestamp: t, times: [Attempt(rtt: .milliseconds(3))], healthy: true)
        try await summaries.update(with: [up, down], now: t)
        var log = IncidentLog(storage: storage)
        log.pageURL = "https://status.example.test/"
        log.components = settings
        let id = try await log.open(about: ["API"], impact: .minor, text: "API errors", at: t) { 7 }
        func file(_ name: String) throws -> JSONObject {
            let data = try #require(FileManager.default.contents(atPath: dir + "/api/v2/" + name))
            return try #require(try JSONValue.parse(data).objectValue)
        }
        let summary = try file("summary.json")
        #expect(Set(summary.keys) == ["page", "components", "incidents", "scheduled_maintenances", "status"])
        #expect(summary["status"]?.objectValue?["indicator"] == .string("critical"))  // a major outage beats the minor incident
        #expect(summary["incidents"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } == [id])
        let components = (try file("components.json"))["components"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(components == (summary["components"]?.arrayValue?.compactMap(\.objectValue) ?? []))
        let keys: Set = ["id", "name", "status", "created_at", "updated_at", "position", "description", "showcase", "start_date",
                         "group_id", "page_id", "group", "only_show_if_degraded"]
        #expect(components.map { $0["name"]?.stringValue ?? "" } == ["Web", "API", "Frontend"])
        #expect(components.map { $0["status"]?.stringValue ?? "" } == ["operational", "major_outage", "major_outage"])
        #expect(components.map { $0["position"] } == [.int(1), .int(2), .int(3)])
        #expect(components.dropLast().allSatisfy { Set($0.keys) == keys && $0["group"] == .bool(false) })
        let group = try #require(components.last)
        #expect(Set(group.keys) == keys.union(["components"]) && group["group"] == .bool(true) && group["group_id"] == .null)
        #expect(group["components"] == .array(components.dropLast().map { $0["id"] ?? .null }))
        #expect(components.dropLast().allSatisfy { $0["group_id"] == group["id"] })
        #expect(components.first?["updated_at"] == .string("2026-11-10T09:00:00Z"))
        // An incident's components name their group too.
        let incident = try #require((try file("incidents.json"))["incidents"]?.arrayValue?.first?.objectValue)
        #expect(incident["components"]?.arrayValue?.first?.objectValue?["group_id"] == group["id"])

        // A round that changes nothing writes nothing; one that changes a state rewrites the
        // files, and only the changed component's updated_at moves.
        let later = t + 60_000_000_000
        try await summaries.update(with: [up, down].map { var r = $0; r.timestamp = later; return r }, now: later)
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: later) == false)
        var moved = settings
        moved.groups["API"] = "Backend"  // a new group: written, though no state changed
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: moved, at: later))
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: later))
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: later) == false)
        var fixed = up
        fixed.title = "API"
        fixed.endpoint = "e:API"
        let next = later + 60_000_000_000
        try await summaries.update(with: [up, fixed].map { var r = $0; r.timestamp = next; return r }, now: next)
        #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: next))
        let after = (try file("components.json"))["components"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(after.map { $0["status"]?.stringValue ?? "" } == ["operational", "operational", "operational"])
        #expect(after.map { $0["updated_at"]?.stringValue ?? "" } == ["2026-11-10T09:00:00Z", "2026-11-10T09:02:00Z", "2026-11-10T09:02:00Z"])
        #expect(after.map { $0["created_at"]?.stringValue ?? "" } == Array(repeating: "2026-11-10T09:00:00Z", count: 3))
        #expect((try file("status.json"))["status"]?.objectValue?["indicator"] == .string("minor"))  // the open incident again
        #expect((try file("summary.json"))["incidents"]?.arrayValue?.count == 1)  // read back from the page's view
    }

    @Test func theSummaryListsCurrentMaintenanceAndTheIndicatorSaysMaintenance() throws {
        let t = now * 1_000_000, hour: Int64 = 3_600_000_000_000
        let windows = [MaintenanceWindow(id: "20261110-0001", about: ["DB"], from: t - hour, until: t + hour, text: "on", created: t - 2 * hour),
                       MaintenanceWindow(id: "20261110-0002", about: ["DB"], from: t - 3 * hour, until: t - 2 * hour, text: "done", created: t - 4 * hour),
                       MaintenanceWindow(id: "20261110-0003", about: ["DB"], from: t + hour, until: t + 2 * hour, text: "soon", created: t - hour)]
        var api = StatuspageAPI(incidents: [], windows: windows, pageURL: "", time: t)
        api.components = [StatusComponent(name: "Web", state: .operational), StatusComponent(name: "DB", state: .underMaintenance)]
        func object(_ key: String) throws -> JSONObject {
            let data = try #require(api.files[key])
            return try #require(try JSONValue.parse(data).objectValue)
        }
        let summary = try object("api/v2/summary.json")
        #expect(summary["status"]?.objectValue?["indicator"] == .string("maintenance"))
        #expect(summary["status"]?.objectValue?["description"] == .string("Service Under Maintenance"))
        let current = summary["scheduled_maintenances"]?.arrayValue?.compactMap { $0.objectValue?["status"]?.stringValue }
        #expect(current == ["in_progress", "scheduled"])  // the completed one only in scheduled-maintenances.json
        #expect(try object("api/v2/scheduled-maintenances.json")["scheduled_maintenances"]?.arrayValue?.count == 3)
        api.components[0].state = .degradedPerformance
        #expect(try object("api/v2/status.json")["status"]?.objectValue?["indicator"] == .string("minor"))
    }

    @Test func theGroupKeyRoundTripsAndBadGroupsAreNamed() throws {
        let json = #"{"checkers":[{"type":"http","endpoint_name":"Web","endpoint_url":"https://w.test/","group":"Front \u003cend\u003e \u0026 \"co\""},{"type":"tcp","endpoint_name":"DB","endpoint_url":"db.test:5432"}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8))
        #expect(checkup.groups == ["Web": #"Front <end> & "co""#])
        let written = String(decoding: try checkup.configData(), as: UTF8.self)
        #expect(written == json, "\(written)")
        #expect(checkup.componentSettings.titles == ["Web", "DB"] && checkup.componentSettings.groups == checkup.groups)
        for (group, message) in [(#""""#, "checkers[0].group: is empty"), ("7", "checkers[0].group: 7 is a number, expected a string"),
                                 (#""a\u0007b""#, "checkers[0].group: \"a\\u0007b\" holds a control character"),
                                 ("\"" + String(repeating: "g", count: 101) + "\"", "checkers[0].group: is 101 characters long; at most 100")] {
            let bad = #"{"checkers":[{"type":"http","endpoint_name":"Web","endpoint_url":"https://w.test/","group":\#(group)}]}"#
            let error = #expect(throws: CheckupError.self) { try Checkup(configData: Data(bad.utf8)) }
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        }
    }

    @Test func aStoredRoundWritesTheComponentsAndServeServesThem() async throws {
        let checkers = #"[{"type":"http","endpoint_name":"Web","endpoint_url":"\#(peerURL("/"))","group":"Site"},{"type":"tcp","endpoint_name":"DB","endpoint_url":"127.0.0.1:1","group":"Site"}]"#
        let dir = try makeProject(checkers: checkers)
        defer { removeDirectory(dir) }
        let stored = try runCLI(["--store"], in: dir)
        #expect(stored.status == 0 && stored.stderr.isEmpty, "\(stored.stderr)")
        let serve = try ServeProcess(in: dir)
        let got = try await httpGet(serve.base + "/api/v2/components.json")
        #expect(got.status == 200)
        let list = try #require(try JSONValue.parse(Data(got.body.utf8)).objectValue?["components"]?.arrayValue?.compactMap(\.objectValue))
        #expect(list.map { "\($0["name"]?.stringValue ?? "") \($0["status"]?.stringValue ?? "")" } == ["Web operational", "DB major_outage", "Site major_outage"])
        let summary = try await httpGet(serve.base + "/api/v2/summary.json")
        #expect(summary.status == 200 && summary.body.contains(#""indicator":"critical""#), "\(summary.body)")
        withExtendedLifetime(serve) {}
    }

    @Test func onS3TheRoundWritesTheAPIAndTheBadgesAsObjects() async throws {
        let bucket = try await s3Peer.bucket()
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let config = #"{"checkers":[{"type":"tcp","endpoint_name":"DB","endpoint_url":"127.0.0.1:1","group":"Data"}],"storage":{"type":"s3","access_key_id":"\#(s3Peer.accessKeyID)","secret_access_key":"\#(s3Peer.secretAccessKey)","bucket":"\#(bucket.bucket)","endpoint":"\#(s3Peer.endpoint)"}}"#
        try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let stored = try await offPool { try runCLI(["--store"], in: dir) }
        #expect(stored.status == 0 && stored.stderr.isEmpty, "\(stored.stderr)")
        let serve = try ServeProcess(in: dir)
        let components = try await httpGet(serve.base + "/api/v2/components.json")
        #expect(components.status == 200 && components.body.contains(#""name":"Data","status":"major_outage""#), "\(components.body)")
        let badge = try await httpGet(serve.base + "/badges/group-data.svg")
        #expect(badge.status == 200 && badge.body.contains("<title>Data: major outage · 0.00%</title>"), "\(badge.body)")
        let shields = try await httpGet(serve.base + "/badges/db.json")
        #expect(shields.status == 200 && shields.body.contains(#""color":"red""#))
        withExtendedLifetime(serve) {}
    }
}
