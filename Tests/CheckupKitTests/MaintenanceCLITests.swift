import Foundation
import Testing
@testable import CheckupKit

/// `checkup maintenance …` and alerting during a window, through the built binary.
@Suite(.serialized) struct MaintenanceCLITests {
    /// Windows around the moment the test runs: one hour before to one after, whatever the hour.
    static func around(_ hours: Int64 = 1) -> (from: String, until: String) {
        let now = CheckResult.now(), hour: Int64 = 3_600_000_000_000
        return (RFC3339.format(now - hours * hour), RFC3339.format(now + hours * hour))
    }

    /// A project whose "Web" and "API" are down (closed ports), alerting to the HTTP peer under `key`.
    func project(key: String, maintenance: String = "") throws -> String {
        let dir = try makeTemporaryDirectory()
        let config = #"{"checkers":[{"type":"tcp","endpoint_name":"Web","endpoint_url":"127.0.0.1:\#(closedPort())"},{"type":"tcp","endpoint_name":"API","endpoint_url":"127.0.0.1:\#(closedPort())"}],"storage":{"type":"fs","dir":"checks"},"state_file":"state.json","notifiers":[{"type":"webhook","url":"\#(peerURL("/hook/\(key)"))"}]\#(maintenance)}"#
        try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        return dir
    }

    /// The titles the alerts under `key` were about, in order.
    func alerted(_ key: String) async throws -> [String] {
        try await hooks(key).flatMap { hook -> [String] in
            let text = String(decoding: try JSONValue.parse(Data((hook["body"]?.stringValue ?? "").utf8)).encoded(), as: UTF8.self)
            return ["Web", "API"].filter { text.contains($0) }
        }
    }

    @Test func aStoredWindowHoldsBackItsEndpointsAlertsUntilCancelled() async throws {
        let key = "maint-\(UUID().uuidString.prefix(8))"
        let dir = try project(key: key)
        defer { removeDirectory(dir) }
        let (from, until) = Self.around()
        let added = try runCLI(["maintenance", "add", "--about=web", "--from=\(from)", "--until=\(until)", "Upgrading the web tier"], in: dir)
        #expect(added.status == 0, "\(added.stderr)")
        let id = String(added.stdout.dropFirst("Added maintenance ".count).prefix(13))
        #expect(added.stdout == "Added maintenance \(id)\n")
        let listed = try runCLI(["maintenance", "list"], in: dir)
        #expect(listed.stdout == "\(id)  \(from) → \(until)  in progress  Web  Upgrading the web tier\n")

        let stored = try runCLI(["--store"], in: dir)
        #expect(stored.status == 0)
        #expect(stored.stderr.contains("maintenance: holding back the alerts of 1 result"), "\(stored.stderr)")
        #expect(try await alerted(key) == ["API"])

        #expect(try runCLI(["maintenance", "cancel", id], in: dir).stdout == "Cancelled maintenance \(id)\n")
        #expect(try runCLI(["maintenance", "list"], in: dir).stdout.contains("  cancelled  Web  "))
        #expect(try runCLI(["--store"], in: dir).status == 0)
        #expect(try await alerted(key) == ["API", "Web"])  // still down after the window: told now
    }

    @Test func aConfiguredWindowHoldsBackAlertsAndIsPublishedByTheRound() async throws {
        let key = "maint-\(UUID().uuidString.prefix(8))"
        let (from, until) = Self.around()
        let dir = try project(key: key, maintenance: #","maintenance":[{"about":["Web","API"],"text":"Moving racks","from":"\#(from)","until":"\#(until)"}]"#)
        defer { removeDirectory(dir) }
        #expect(try runCLI(["--store"], in: dir).stderr.contains("holding back the alerts of 2 results"))
        #expect(try await alerted(key).isEmpty)
        let view = try #require(FileManager.default.contents(atPath: dir + "/checks/" + MaintenanceLog.pageKey))
        let windows = try JSONValue.parse(view).objectValue?["windows"]?.arrayValue ?? []
        #expect(windows.count == 1 && windows.first?.objectValue?["text"] == .string("Moving racks"))
    }

    @Test func resultsUnderMaintenanceAreStoredButLeftOutOfUptime() async throws {
        let key = "maint-\(UUID().uuidString.prefix(8))"
        let (from, until) = Self.around()
        let dir = try project(key: key, maintenance: #","origin":"n1","maintenance":[{"about":["Web"],"from":"\#(from)","until":"\#(until)"}]"#)
        defer { removeDirectory(dir) }
        for _ in 0..<2 { #expect(try runCLI(["--store"], in: dir).status == 0) }
        // The check files keep every result ...
        let files = checkFiles(dir + "/checks")
        #expect(files.count == 2)
        for file in files {
            let results = try CheckResult.decodeCheckFile(try #require(FileManager.default.contents(atPath: dir + "/checks/" + file)))
            #expect(results.map(\.title) == ["Web", "API"])
        }
        // ... the summary, whose rollups give the page's uptime, has API's two down rounds only.
        let data = try #require(FileManager.default.contents(atPath: dir + "/checks/summaries/n1.json"))
        let summary = try StatusSummary(jsonData: data, name: "n1")
        #expect(summary.endpoints.map(\.title) == ["API"])
        #expect(summary.endpoints.first?.days.reduce(0) { $0 + $1.count } == 2)
    }

    @Test func lifecycleOnS3() async throws {
        let bucket = try await s3Peer.bucket()
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let config = #"{"checkers":[{"type":"tcp","endpoint_name":"Web","endpoint_url":"127.0.0.1:1"}],"storage":{"type":"s3","access_key_id":"\#(s3Peer.accessKeyID)","secret_access_key":"\#(s3Peer.secretAccessKey)","bucket":"\#(bucket.bucket)","endpoint":"\#(s3Peer.endpoint)"}}"#
        try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let (from, until) = Self.around(2)
        let added = try runCLI(["maintenance", "add", "-a", "Web", "--from", from, "--until", until, "Patching"], in: dir)
        #expect(added.status == 0, "\(added.stderr)")
        let id = String(added.stdout.dropFirst("Added maintenance ".count).prefix(13))
        #expect(try runCLI(["maintenance", "cancel", id], in: dir).status == 0)
        #expect(try await bucket.listStatusObjects("maintenance").count == 2)
        let windows = try await MaintenanceLog(storage: bucket).publishedWindows()
        #expect(windows.map(\.id) == [id] && windows.first?.cancelled != nil)
    }

    @Test(arguments: [
        (["maintenance", "add", "--about=Web", "--until=2026-12-06T03:00:00Z", "x"], "checkup: maintenance add needs --from=TIME (RFC 3339, such as 2026-12-06T02:00:00Z)"),
        (["maintenance", "add", "--about=Web", "--from=soon", "--until=2026-12-06T03:00:00Z", "x"], "checkup: maintenance add: --from=soon is not an RFC 3339 time such as 2026-12-06T02:00:00Z"),
        (["maintenance", "add", "--from=2026-12-06T02:00:00Z", "--until=2026-12-06T03:00:00Z", "x"], "checkup: maintenance add needs --about=TITLE[,TITLE...], the checkers' titles"),
        (["maintenance", "add", "--about=Nope", "--from=2200-12-06T02:00:00Z", "--until=2200-12-06T03:00:00Z", "x"], #"checkup: maintenance add: no checker titled "Nope" in the config"#),
        (["maintenance", "add", "--about=Web", "--from=2000-12-06T02:00:00Z", "--until=2000-12-06T03:00:00Z", "x"], "checkup: maintenance add: the window ends in the past (--until 2000-12-06T03:00:00Z)"),
        (["maintenance", "cancel", "20261202-0000"], "checkup: maintenance cancel: no maintenance window 20261202-0000 (windows from the config are removed there)"),
        (["maintenance", "cancel", "x", "--from=2026-12-06T02:00:00Z"], "checkup: maintenance cancel takes no --from"),
        (["maintenance", "stop"], #"checkup: maintenance "stop" is not add, cancel or list"#),
    ])
    func badCommandsSayWhatIsWrongInOneLine(arguments: [String], line: String) throws {
        let dir = try makeProject(checkers: #"[{"type":"tcp","endpoint_name":"Web","endpoint_url":"127.0.0.1:1"}]"#)
        defer { removeDirectory(dir) }
        let run = try runCLI(arguments, in: dir)
        #expect(run.status == 2 && run.stdout.isEmpty)
        #expect(run.stderr.split(separator: "\n").first.map(String.init) == line)
        #expect(!FileManager.default.fileExists(atPath: dir + "/checks/maintenance"))
    }
}
