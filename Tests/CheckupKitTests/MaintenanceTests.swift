import Foundation
import Testing
@testable import CheckupKit

@Suite struct MaintenanceTests {
    let hour: Int64 = 3_600_000_000_000

    @Test func scheduleRulesParseAndGiveTheirOccurrences() throws {
        let sunday = try #require(MaintenanceSchedule("every sunday 02:00 for 1h"))
        #expect(sunday == MaintenanceSchedule("Every Sun 02:00 for 1h UTC"))
        // 2026-11-29 and 2026-12-06 are Sundays.
        let spans = sunday.occurrences(overlapping: instant("2026-11-28T00:00:00Z"), instant("2026-12-07T00:00:00Z"))
        #expect(spans.map { RFC3339.format($0.from) } == ["2026-11-29T02:00:00Z", "2026-12-06T02:00:00Z"])
        #expect(spans.map { $0.until - $0.from } == [hour, hour])
        // One that runs over midnight is found from the next day, while it still runs.
        let nightly = try #require(MaintenanceSchedule("every day 23:30 for 1h"))
        let running = nightly.occurrences(overlapping: instant("2026-12-02T00:15:00Z"), instant("2026-12-02T00:15:00.000000001Z"))
        #expect(running.map { RFC3339.format($0.from) } == ["2026-12-01T23:30:00Z"])
        #expect(nightly.occurrences(overlapping: instant("2026-12-02T00:30:00Z"), instant("2026-12-02T23:30:00Z")).isEmpty)
        for bad in ["sunday 02:00 for 1h", "every funday 02:00 for 1h", "every day 2:00 for 1h", "every day 24:00 for 1h",
                    "every day 02:00 for 0s", "every day 02:00 for 200h", "every day 02:00 during 1h"] {
            #expect(MaintenanceSchedule(bad) == nil, "\(bad)")
        }
    }

    @Test func configEntriesRoundTripAndBadOnesAreNamed() throws {
        let json = #"{"timestamp":"0001-01-01T00:00:00Z","maintenance":[{"about":["Web","API"],"text":"Upgrade","from":"2026-12-06T02:00:00Z","until":"2026-12-06T03:00:00Z"},{"about":["DB"],"schedule":"every sunday 02:00 for 1h"}]}"#
        let checkup = try Checkup(configData: Data(json.utf8), environment: [:])
        #expect(checkup.maintenance == [
            MaintenancePlan(about: ["Web", "API"], text: "Upgrade", from: instant("2026-12-06T02:00:00Z"), until: instant("2026-12-06T03:00:00Z")),
            MaintenancePlan(about: ["DB"], text: "", schedule: "every sunday 02:00 for 1h")])
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        for (entry, problem) in [
            (#"{"about":["Web"],"schedule":"every sunday"}"#, #"maintenance[0].schedule: "every sunday" is not a schedule such as "every sunday 02:00 for 1h" (UTC)"#),
            (#"{"about":["Web"],"from":"2026-12-06T03:00:00Z","until":"2026-12-06T02:00:00Z"}"#, #"maintenance[0].until: "2026-12-06T02:00:00Z" is not after from"#),
            (#"{"about":["Web"],"from":"tomorrow","until":"2026-12-06T02:00:00Z"}"#, #"maintenance[0].from: "tomorrow" is not an RFC 3339 time such as "2026-12-06T02:00:00Z""#),
            (#"{"about":["Web"],"from":"2026-12-06T02:00:00Z"}"#, "maintenance[0].until: is missing; give from and until, or a schedule"),
            (#"{"text":"x","schedule":"every day 02:00 for 1h"}"#, "maintenance[0].about: is missing; name the checkers' titles"),
            (#"{"about":["Web"],"every":"day"}"#, "maintenance[0].every: is not a maintenance key (about, text, from, until, schedule)"),
        ] {
            #expect(throws: CheckupError(.config, "checkup.json: \(problem)")) {
                try Checkup(configData: Data(#"{"maintenance":[\#(entry)]}"#.utf8), environment: [:])
            }
        }
    }

    @Test func planWindowsHaveStableIDs() {
        let plan = MaintenancePlan(about: ["DB"], text: "Vacuum", schedule: "every day 02:00 for 1h")
        let first = plan.windows(overlapping: instant("2026-12-01T00:00:00Z"), instant("2026-12-03T00:00:00Z"))
        let again = plan.windows(overlapping: instant("2026-12-02T00:00:00Z"), instant("2026-12-03T00:00:00Z"))
        #expect(first.count == 2 && first.last == again.first)
        #expect(first.map { $0.id.suffix(12) } == ["202612010200", "202612020200"])
        #expect(first[0].covers("db", at: instant("2026-12-01T02:59:59Z")) && !first[0].covers("db", at: instant("2026-12-01T03:00:00Z")))
    }

    @Test func storedWindowsAreAddedCancelledAndPublishedWithTheConfigs() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        let plan = MaintenancePlan(about: ["DB"], text: "", schedule: "every sunday 02:00 for 1h")
        let log = MaintenanceLog(storage: storage, plans: [plan])
        let now = instant("2026-12-02T12:00:00Z")
        let id = try await log.add(about: ["Web"], from: now + hour, until: now + 2 * hour, text: "Upgrade", at: now) { 0x00ff }
        #expect(id == "20261202-00ff")
        let view = try await log.publishedWindows()
        // Sundays from 30 days back to 30 ahead: Nov 8 … Dec 27 (8), and the stored one.
        #expect(view.count == 9 && view.filter { $0.id == id }.first?.text == "Upgrade")
        let tag = try await storage.readSummaryObject(MaintenanceLog.pageKey)?.tag
        try await log.publishIfChanged(at: now + 1)
        #expect(try await storage.readSummaryObject(MaintenanceLog.pageKey)?.tag == tag)  // nothing changed: not written
        try await log.cancel(id, at: now + 10)
        #expect(try await log.publishedWindows().first { $0.id == id }?.cancelled == now + 10)
        await #expect(throws: CheckupError(.usage, "maintenance cancel: \(id) is cancelled already")) { try await log.cancel(id, at: now + 20) }
        await #expect(throws: CheckupError(.usage, "maintenance add: --until must be after --from")) {
            try await log.add(about: ["Web"], from: now, until: now, text: "x", at: now)
        }
        #expect(try await storage.listStatusObjects("maintenance") == ["maintenance/\(id).\(now + 10).json", "maintenance/\(id).json"])
    }

    @Test func alertsOfEndpointsUnderMaintenanceAreHeldBack() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        var checkup = Checkup(checkers: [], storage: FileSystemStorage(directory: dir))
        let now = instant("2026-12-02T12:00:00Z")
        checkup.maintenance = [MaintenancePlan(about: ["Website"], text: "", from: now - hour, until: now + hour)]
        let kept = await checkup.withoutMaintenance(RoundNotice(results: [down("Website"), down("API")]), at: now)
        #expect(kept.results.map(\.title) == ["API"])
        let after = await checkup.withoutMaintenance(RoundNotice(results: [down("Website"), down("API")]), at: now + hour)
        #expect(after.results.map(\.title) == ["Website", "API"])
        // A stored window counts too, read from the page's view.
        checkup.maintenance = []
        try await MaintenanceLog(storage: FileSystemStorage(directory: dir)).add(about: ["API"], from: now, until: now + hour, text: "x", at: now)
        #expect(await checkup.withoutMaintenance(RoundNotice(results: [down("Website"), down("API")]), at: now).results.map(\.title) == ["Website"])
    }
}
