import Foundation
import Testing
@testable import CheckupKit

/// Reads feeds and calendars with testdata/peers/feeds.py (feedparser and icalendar from PyPI).
func parseFeeds(_ sources: [String]) async throws -> [JSONObject] {
    let run = try await offPool { try runProgram("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/feeds.py").path] + sources) }
    guard run.status == 0, let list = try? JSONValue.parse(Data(run.stdout.utf8)).arrayValue else {
        throw CheckupError(.service, "feeds.py failed (\(run.status)): \(run.stderr.suffix(2000))")
    }
    return list.compactMap(\.objectValue)
}

private func entries(_ feed: JSONObject) -> [JSONObject] { (feed["entries"]?.arrayValue ?? []).compactMap(\.objectValue) }
private func events(_ cal: JSONObject) -> [JSONObject] { (cal["events"]?.arrayValue ?? []).compactMap(\.objectValue) }

@Suite(.serialized) struct FeedTests {
    let t0 = instant("2026-11-10T09:00:00Z")
    static let feedFiles = ["feeds/incidents.atom", "feeds/incidents.rss", "feeds/incidents.json"]

    @Test func feedsParseAndAnEntryKeepsItsIDWhileItsUpdatedTimeMoves() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        var log = IncidentLog(storage: storage)
        log.pageURL = "https://status.example.test/"
        // Markup, a control character and a long multibyte line: the feeds must stay well-formed.
        let text = "Checkout <b>fails</b> & \u{1}retries; " + String(repeating: "é", count: 60)
        let id = try await log.open(about: ["Web"], impact: .major, text: text, at: t0) { 0x00aa }
        try await log.update(id, status: .identified, text: "Found it", at: t0 + 60_000_000_000)
        var feeds = try await parseFeeds(Self.feedFiles.map { dir + "/" + $0 })
        #expect(feeds.map { $0["version"]?.stringValue ?? "" } == ["atom10", "rss20", "json11"])
        for feed in feeds {
            #expect(feed["bozo"] == .bool(false), "\(feed["bozo_exception"] ?? .null)")
            #expect(entries(feed).map { $0["id"]?.stringValue ?? "" } == ["urn:checkup:incident:\(id)"])
            #expect(entries(feed).first?["updated"] == .string("2026-11-10T09:01:00Z"))
            #expect(entries(feed).first?["title"]?.stringValue?.hasPrefix("Checkout <b>fails</b> & retries; é") == true)
            #expect(entries(feed).first?["text"]?.stringValue?.hasPrefix("Identified 2026-11-10T09:01:00Z: Found it") == true)
        }
        try await log.resolve(id, text: "Fixed", at: t0 + 3_600_000_000_000)
        feeds = try await parseFeeds(Self.feedFiles.map { dir + "/" + $0 })
        for feed in feeds {
            #expect(entries(feed).map { $0["id"]?.stringValue ?? "" } == ["urn:checkup:incident:\(id)"])  // the same entry
            #expect(entries(feed).first?["updated"] == .string("2026-11-10T10:00:00Z"))
            #expect(entries(feed).first?["title"]?.stringValue?.hasSuffix("(Resolved, major impact)") == true)
        }
    }

    @Test func theCalendarHoldsEveryWindowAndACancellation() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        let hour: Int64 = 3_600_000_000_000
        let log = MaintenanceLog(storage: storage, plans: [MaintenancePlan(about: ["DB"], text: "Vacuum", schedule: "every sunday 02:00 for 1h")])
        let text = "Swap disks; then, reboot \\ check\nSecond line " + String(repeating: "ü", count: 50)
        let kept = try await log.add(about: ["Web", "API"], from: t0 + hour, until: t0 + 3 * hour, text: text, at: t0) { 1 }
        let dropped = try await log.add(about: ["API"], from: t0 + 30 * hour, until: t0 + 31 * hour, text: "x", at: t0) { 2 }
        try await log.cancel(dropped, at: t0 + 5)
        let parsed = try await parseFeeds([dir + "/feeds/maintenance.ics", dir + "/feeds/incidents.atom"])
        let cal = try #require(parsed.first)
        #expect(cal["prodid"] == .string("-//checkup//maintenance//EN"))
        let byUID = Dictionary(uniqueKeysWithValues: events(cal).map { ($0["uid"]?.stringValue ?? "", $0) })
        let event = try #require(byUID["\(kept)@checkup"])
        #expect(event["start"] == .string("2026-11-10T10:00:00Z") && event["end"] == .string("2026-11-10T12:00:00Z"))
        #expect(event["summary"] == .string("Maintenance: Web, API") && event["description"] == .string(text))
        #expect(event["status"] == .string("CONFIRMED") && event["sequence"] == .int(0))
        #expect(byUID["\(dropped)@checkup"]?["status"] == .string("CANCELLED") && byUID["\(dropped)@checkup"]?["sequence"] == .int(1))
        // The config's Sundays of the 30 days either side of the last change (Oct 11 09:00 to
        // Dec 10 09:00): Oct 18 … Dec 6, each its own event.
        let sundays = events(cal).filter { $0["summary"] == .string("Maintenance: DB") }.compactMap { $0["start"]?.stringValue }
        #expect(sundays.first == "2026-10-18T02:00:00Z" && sundays.last == "2026-12-06T02:00:00Z" && sundays.count == 8)
        // Every line of the file is at most 75 octets and ends in CRLF.
        let raw = try #require(FileManager.default.contents(atPath: dir + "/feeds/maintenance.ics"))
        let lines = raw.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.last == 0x0D && $0.count <= 76 })
        // The windows are entries of the feeds too.
        let atom = try #require(parsed.last)
        #expect(entries(atom).contains { $0["id"] == .string("urn:checkup:maintenance:\(kept)") })
        #expect(entries(atom).contains { $0["id"] == .string("urn:checkup:maintenance:\(dropped)") && $0["title"] == .string("Cancelled maintenance: API") })
    }

    @Test func feedsAreWrittenToS3AndServedFromIt() async throws {
        let bucket = try await s3Peer.bucket()
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let config = #"{"checkers":[{"type":"tcp","endpoint_name":"Web","endpoint_url":"127.0.0.1:1"}],"storage":{"type":"s3","access_key_id":"\#(s3Peer.accessKeyID)","secret_access_key":"\#(s3Peer.secretAccessKey)","bucket":"\#(bucket.bucket)","endpoint":"\#(s3Peer.endpoint)"},"status_page_url":"https://status.example.test/"}"#
        try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let opened = try runCLI(["incident", "open", "--about=Web", "Web is down"], in: dir)
        #expect(opened.status == 0, "\(opened.stderr)")
        let id = String(opened.stdout.dropFirst("Opened incident ".count).prefix(13))
        let future = RFC3339.format(CheckResult.now() + 86_400_000_000_000), end = RFC3339.format(CheckResult.now() + 90_000_000_000_000)
        #expect(try runCLI(["maintenance", "add", "--about=Web", "--from=\(future)", "--until=\(end)", "Patching"], in: dir).status == 0)
        let serve = try ServeProcess(in: dir)
        let parsed = try await parseFeeds((Self.feedFiles + ["feeds/maintenance.ics"]).map { serve.base + "/" + $0 })
        #expect(parsed.map { $0["content_type"]?.stringValue ?? "" } == ["application/atom+xml; charset=utf-8", "application/rss+xml; charset=utf-8",
                                                                      "application/feed+json", "text/calendar; charset=utf-8"])
        for feed in parsed.dropLast() {
            #expect(feed["bozo"] == .bool(false))
            let ids = entries(feed).map { $0["id"]?.stringValue ?? "" }
            #expect(ids.contains("urn:checkup:incident:\(id)"))
        }
        #expect(events(try #require(parsed.last)).count == 1)
        let status = try await httpGet(serve.base + "/api/v2/status.json")
        #expect(status.status == 200 && status.body.contains(#""indicator":"minor""#), "\(status.body)")
        #expect(try await httpGet(serve.base + "/api/v2/incidents/unresolved.json").body.contains(id))
        withExtendedLifetime(serve) {}
    }

    @Test func statuspageAPIFilesHaveTheDocumentedShapes() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        let hour: Int64 = 3_600_000_000_000
        var log = IncidentLog(storage: storage)
        log.pageURL = "https://status.example.test/"
        let old = try await log.open(about: ["API"], impact: .minor, text: "Slow", at: t0) { 1 }
        try await log.resolve(old, text: "Fine", at: t0 + hour)
        let open = try await log.open(about: ["Web", "API"], impact: .major, text: "Errors", at: t0 + 2 * hour) { 2 }
        try await log.update(open, status: .monitoring, text: "Watching", at: t0 + 3 * hour)
        var maintenance = MaintenanceLog(storage: storage)
        maintenance.pageURL = log.pageURL
        let soon = try await maintenance.add(about: ["DB"], from: t0 + 4 * hour, until: t0 + 5 * hour, text: "Vacuum", at: t0 + 3 * hour) { 3 }
        func file(_ name: String) throws -> JSONObject {
            let data = try #require(FileManager.default.contents(atPath: dir + "/api/v2/" + name))
            return try #require(try JSONValue.parse(data).objectValue)
        }
        let pageKeys = ["id", "name", "url", "time_zone", "updated_at"]
        let status = try file("status.json")
        #expect(status.keys == ["page", "status"] && Set(status["page"]?.objectValue?.keys ?? []) == Set(pageKeys))
        #expect(status["status"]?.objectValue?["indicator"] == .string("major"))
        #expect(status["status"]?.objectValue?["description"] == .string("Partial System Outage"))
        let incidentKeys = ["id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact", "shortlink",
                            "started_at", "page_id", "incident_updates", "components"]
        let updateKeys = ["id", "status", "body", "incident_id", "created_at", "updated_at", "display_at", "affected_components",
                          "deliver_notifications", "custom_tweet", "tweet_id"]
        let componentKeys = ["id", "name", "status", "created_at", "updated_at", "position", "description", "showcase", "start_date",
                             "group_id", "page_id", "group", "only_show_if_degraded"]
        let all = (try file("incidents.json"))["incidents"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(all.map { $0["id"]?.stringValue ?? "" } == [open, old])
        for i in all {
            // (Parsing sorts an object's keys: compared as sets.)
            #expect(Set(i.keys) == Set(incidentKeys))
            for u in i["incident_updates"]?.arrayValue?.compactMap(\.objectValue) ?? [] { #expect(Set(u.keys) == Set(updateKeys)) }
            for c in i["components"]?.arrayValue?.compactMap(\.objectValue) ?? [] { #expect(Set(c.keys) == Set(componentKeys)) }
        }
        let current = try #require(all.first)
        #expect(current["status"] == .string("monitoring") && current["impact"] == .string("major") && current["resolved_at"] == .null)
        #expect(current["monitoring_at"] == .string("2026-11-10T12:00:00Z") && current["shortlink"] == .string("https://status.example.test/"))
        #expect(current["incident_updates"]?.arrayValue?.compactMap { $0.objectValue?["body"]?.stringValue } == ["Watching", "Errors"])
        #expect(current["components"]?.arrayValue?.compactMap { $0.objectValue?["status"]?.stringValue } == ["partial_outage", "partial_outage"])
        #expect(all.last?["status"] == .string("resolved") && all.last?["resolved_at"] == .string("2026-11-10T10:00:00Z"))
        let unresolved = (try file("incidents/unresolved.json"))["incidents"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue }
        #expect(unresolved == [open])
        let windows = (try file("scheduled-maintenances.json"))["scheduled_maintenances"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(windows.count == 1 && Set(windows.first?.keys ?? []) == Set(incidentKeys + ["scheduled_for", "scheduled_until"]))
        #expect(windows.first?["id"] == .string(soon) && windows.first?["status"] == .string("scheduled") && windows.first?["impact"] == .string("maintenance"))
        #expect(windows.first?["scheduled_for"] == .string("2026-11-10T13:00:00Z") && windows.first?["scheduled_until"] == .string("2026-11-10T14:00:00Z"))
    }
}
