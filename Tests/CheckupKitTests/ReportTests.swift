import Foundation
import Testing
@testable import CheckupKit

/// `checkup report`: a month's figures on a small pinned history, worked out by hand, in each format.
@Suite struct ReportTests {
    static let minute: Int64 = 60_000

    /// Web, every 10 minutes: down Oct 31 23:30 to Nov 1 00:20 (up at 00:30); all of Nov 10,
    /// down 06:00–06:50 (up at 07:00) and 12:00–12:20 (up at 12:30), degraded at 18:00, flaky at
    /// 19:00. API: three healthy results on Nov 5.
    static func history() -> [CheckResult] {
        var results: [CheckResult] = []
        let oct31 = instant("2026-10-31T23:30:00Z") / 1_000_000
        for i in 0..<7 { results.append(summaryResult("Web", at: oct31 + Int64(i) * 10 * minute, i < 6 ? .down : .healthy)) }
        let nov10 = instant("2026-11-10T00:00:00Z") / 1_000_000
        for i in 0..<144 {
            let hourMinute = i * 10
            let down = (360..<420).contains(hourMinute) || (720..<750).contains(hourMinute)
            var r = summaryResult("Web", at: nov10 + Int64(hourMinute) * minute, down ? .down : hourMinute == 1080 ? .degraded : .healthy)
            if hourMinute == 1140 { r.flaky = true }
            results.append(r)
        }
        let nov5 = instant("2026-11-05T08:00:00Z") / 1_000_000
        for i in 0..<3 { results.append(summaryResult("API", at: nov5 + Int64(i) * minute)) }
        return results
    }

    static func incident(_ id: String, about: String, opened: String, resolved: String?) -> Incident {
        var events = [IncidentEvent(incident: id, time: instant(opened), status: .investigating, about: [about], impact: .major, text: "x")]
        if let resolved { events.append(IncidentEvent(incident: id, time: instant(resolved), status: .resolved, text: "y")) }
        return Incident(events: events)!  // the first event is an opening
    }

    static var report: MonthlyReport {
        get throws {
            let summary = StatusSummary(origin: "a", rebuildingFrom: history(), now: instant("2026-12-02T12:00:00Z"))
            let incidents = [incident("20261110-0001", about: "web", opened: "2026-11-10T06:05:00Z", resolved: "2026-11-10T07:10:00Z"),
                             incident("20261030-0002", about: "Web", opened: "2026-10-30T10:00:00Z", resolved: "2026-11-02T10:00:00Z"),
                             incident("20261020-0003", about: "Web", opened: "2026-10-20T10:00:00Z", resolved: "2026-10-21T10:00:00Z"),
                             incident("20261201-0004", about: "Web", opened: "2026-12-01T10:00:00Z", resolved: nil)]
            // A window over the middle of the second outage (12:10–12:20), and a cancelled one over the first.
            let windows = [MaintenanceWindow(id: "20261101-0005", about: ["WEB"], from: instant("2026-11-10T12:10:00Z"),
                                             until: instant("2026-11-10T12:20:00Z"), text: "", created: 0),
                           MaintenanceWindow(id: "20261101-0006", about: ["Web"], from: instant("2026-11-10T06:00:00Z"),
                                             until: instant("2026-11-10T07:00:00Z"), text: "", created: 0, cancelled: 1)]
            return try MonthlyReport(month: "2026-11", series: summary.endpoints, incidents: incidents, windows: windows)
        }
    }

    @Test func theFiguresOfAPinnedMonth() throws {
        let rows = try Self.report.rows
        #expect(rows.map(\.title) == ["API", "Web"])
        let web = try #require(rows.last)
        // Nov: 4 results on the 1st (3 down) and 144 on the 10th (9 down, 1 degraded, 1 flaky).
        #expect(web.results == 148 && web.down == 12 && web.degraded == 1 && web.flaky == 1 && web.healthy == 135 && web.unknown == 0)
        #expect(web.uptime == "91.89")  // (135 + 1) / 148 = 91.891…%, rounded down
        // Outages: 00:00–00:30 on the 1st (cut at the month), 06:00–07:00, and 12:00–12:30 less
        // the window 12:10–12:20 (the cancelled window takes nothing out).
        #expect(web.downtime == 110 * Self.minute && web.longestOutage == 60 * Self.minute)
        #expect(web.incidents == ["20261030-0002", "20261110-0001"])
        #expect(rows.first?.uptime == "100.00" && rows.first?.downtime == 0 && rows.first?.incidents == [])
        #expect(try MonthlyReport(month: "2026-09", series: [], incidents: [], windows: []).rows.isEmpty)
        for bad in ["2026-13", "2026-1", "26-11", "2026-11-01", "２０２６-11", ""] {
            #expect(throws: CheckupError.self) { try MonthlyReport.bounds(bad) }
        }
        #expect(try MonthlyReport.bounds("2026-12") == (instant("2026-12-01T00:00:00Z"), instant("2027-01-01T00:00:00Z")))
    }

    @Test func theThreeFormats() throws {
        let report = try Self.report
        #expect(report.text(.md) == """
            # Availability in 2026-11 (UTC)

            | Endpoint | Uptime | Results | Down | Degraded | Flaky | Downtime | Longest outage | Incidents |
            |---|---:|---:|---:|---:|---:|---:|---:|---|
            | API (https://api.example.test/) | 100.00% | 3 | 0 | 0 | 0 | 0s | 0s | – |
            | Web (https://web.example.test/) | 91.89% | 148 | 12 | 1 | 1 | 1h50m0s | 1h0m0s | 20261030-0002, 20261110-0001 |

            """)
        #expect(report.text(.csv) == "title,endpoint,uptime_percent,results,healthy,degraded,down,unknown,flaky,downtime_seconds,longest_outage_seconds,incidents\r\n"
            + "API,https://api.example.test/,100.00,3,3,0,0,0,0,0,0,\r\n"
            + "Web,https://web.example.test/,91.89,148,135,1,12,0,1,6600,3600,20261030-0002 20261110-0001\r\n")
        var odd = report
        odd.rows[0].title = "A, \"b\"\u{1B}[2J\nc"
        #expect(odd.text(.csv).contains("\r\n\"A, \"\"b\"\"[2Jc\",https://api.example.test/,"))
        #expect(odd.text(.md).contains("| A, \"b\"[2Jc (https://api.example.test/) |"))
        let json = try #require(try JSONValue.parse(Data(report.text(.json).utf8)).objectValue)
        let web = try #require(json["endpoints"]?.arrayValue?.last?.objectValue)
        #expect(json["month"] == .string("2026-11") && web["uptime_percent"] == .string("91.89") && web["downtime_ms"] == .int(6_600_000))
        #expect(web["longest_outage_ms"] == .int(3_600_000) && web["incidents"] == .array([.string("20261030-0002"), .string("20261110-0001")]))
    }

    @Test func theCommandPrintsTheReportOfTheStore() async throws {
        // This month (by the clock, so it is within the summaries' days), two results an hour in.
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try #"{"checkers":[{"type":"tcp","endpoint_name":"Web","endpoint_url":"127.0.0.1:1"}],"storage":{"type":"fs","dir":"checks"},"origin":"n1"}"#
            .write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let now = CheckResult.now()
        let (y, m, _) = RFC3339.civilFromDays(Int(now / 86_400_000_000_000))
        let month = String(format: "%04d-%02d", y, m)
        let start = try MonthlyReport.bounds(month).start / 1_000_000
        let results = [summaryResult("Web", at: start + 60 * Self.minute, .down), summaryResult("Web", at: start + 70 * Self.minute)]
        try await StatusSummaries(storage: FileSystemStorage(directory: dir + "/checks"), origin: "n1").update(with: results, now: (start + 70 * Self.minute) * 1_000_000)
        let run = try await offPool { try runCLI(["report", "--month", month, "-o", "csv"], in: dir) }
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("\r\nWeb,https://web.example.test/,50.00,2,1,0,1,0,0,600,600,\r\n"), "\(run.stdout)")
        let bad = try await offPool { try runCLI(["report", "--month=2026-11", "--format=xml"], in: dir) }
        #expect(bad.status == 2 && bad.stderr.hasPrefix("checkup: report: --format=xml is not md, csv or json\n"), "\(bad.stderr)")
        let missing = try await offPool { try runCLI(["report"], in: dir) }
        #expect(missing.status == 2 && missing.stderr.hasPrefix("checkup: report needs --month=YYYY-MM, such as 2026-11\n"), "\(missing.stderr)")
        let old = try await offPool { try runCLI(["report", "--month=2001-01"], in: dir) }
        #expect(old.status != 0 && old.stderr.hasPrefix("checkup: report: 2001-01 ended more than 100 days ago"), "\(old.stderr)")
    }

    @Test func summarizeLeavesOutTheResultsOfPastWindows() async throws {
        // Six results ten minutes apart, an hour ago; a config window over the middle two, and a
        // stored one over the first (cancelled: it leaves nothing out).
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let t0 = (CheckResult.now() - 3_600_000_000_000) / 60_000_000_000 * 60_000_000_000
        let at = { (i: Int64) in t0 + i * 600_000_000_000 }
        try #"{"checkers":[{"type":"tcp","endpoint_name":"Web","endpoint_url":"127.0.0.1:1"}],"storage":{"type":"fs","dir":"checks"},"origin":"n1","maintenance":[{"about":["web"],"from":"\#(RFC3339.format(at(2) - 1))","until":"\#(RFC3339.format(at(3) + 1))"}]}"#
            .write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let storage = FileSystemStorage(directory: dir + "/checks")
        for i: Int64 in 0..<6 { try await storage.store([summaryResult("Web", at: at(i) / 1_000_000, i == 2 ? .down : .healthy)]) }
        let log = MaintenanceLog(storage: storage)
        let id = try await log.add(about: ["Web"], from: at(0) - 1, until: at(0) + 1 + 86_400_000_000_000, text: "x", at: at(0) - 2) { 9 }
        try await log.cancel(id, at: at(0) - 1)
        let run = try await offPool { try runCLI(["summarize"], in: dir) }
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(try await StatusSummaries(storage: storage, origin: "n1").load())
        let days = summary.endpoints.first?.days ?? []
        #expect(days.reduce(0) { $0 + $1.count } == 4 && days.reduce(0) { $0 + $1.down } == 0, "\(days)")
    }
}
