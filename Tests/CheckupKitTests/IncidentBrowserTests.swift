import Foundation
import Testing
@testable import CheckupKit

/// What the page shows of incidents, collected in the browser (`--eval`).
private let collectIncidents = """
(() => { const q = (s, r) => Array.from((r || document).querySelectorAll(s));
  const card = (a) => ({ id: a.dataset.incident, name: a.querySelector('.incident-name').textContent,
    status: a.querySelector('.incident-status').textContent, meta: a.querySelector('.incident-meta').textContent,
    updates: q('.incident-update', a).map((u) => u.querySelector('.update-status').textContent + ': ' + u.querySelector('.update-text').textContent),
    markup: a.querySelectorAll('img, script, b').length });
  return { open_shown: !document.getElementById('incidents-open-section').hidden,
    open: q('#incidents-open .incident').map(card),
    months: q('#incidents-history .incident-month').map((m) => ({ label: m.querySelector('.month-name').textContent,
      incidents: q('.incident', m).map(card) })),
    empty_shown: !document.getElementById('incidents-history-empty').hidden,
    first_section: document.querySelector('main section:not(#overall):not([hidden])').id,
    feeds: q('#subscribe a').map((a) => a.href) }; })()
"""

/// The UTC month the page files an incident under, by the same rule as incidents.js.
private func monthLabel(_ nanos: Int64) -> String {
    let (y, m, _) = RFC3339.civilFromDays(Int(nanos / 86_400_000_000_000))
    let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    return "\(names[m - 1]) \(y)"
}

/// The incident lifecycle on the page, in headless Chromium, driven through the built binary.
@Suite(.serialized, .timeLimit(.minutes(5))) struct IncidentBrowserTests {
    @Test func openUpdateResolveAndHistoryShowOnThePage() async throws {
        let dir = try makeProject(checkers: #"[{"type":"tcp","endpoint_name":"Web","endpoint_url":"127.0.0.1:1"},{"type":"tcp","endpoint_name":"API","endpoint_url":"127.0.0.1:2"}]"#)
        defer { removeDirectory(dir) }
        // A past incident, at pinned instants.
        let log = IncidentLog(storage: FileSystemStorage(directory: dir + "/checks"))
        let old = try await log.open(about: ["API"], impact: .minor, text: "Slow answers", at: instant("2026-11-10T09:00:00Z")) { 0x0abc }
        try await log.resolve(old, text: "Back to normal", at: instant("2026-11-10T10:00:00Z"))
        let serve = try ServeProcess(in: dir)

        let text = #"Checkout <img src=x onerror="window.pwned=1"> fails"#
        let opened = try await offPool { try runCLI(["incident", "open", "--about=web,API", "--impact=critical", text], in: dir) }
        #expect(opened.status == 0, "\(opened.stderr)")
        let id = String(opened.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").last ?? "")
        #expect(IncidentEvent.isIncidentID(id), "\(opened.stdout)")
        var page = try await viewPage(serve.base + "/", width: 1024, extra: ["--eval", collectIncidents])
        var seen = try #require(page.json["eval"]?.objectValue)
        #expect(seen["open_shown"] == .bool(true) && seen["first_section"] == .string("incidents-open-section"))
        var open = seen["open"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(open.count == 1 && open.first?["id"] == .string(id))
        #expect(open.first?["name"] == .string(text) && open.first?["markup"] == .int(0))
        #expect(open.first?["status"] == .string("Investigating"))
        #expect(open.first?["meta"]?.stringValue?.hasPrefix("Critical impact · Web, API · opened ") == true)
        #expect(page.json["pwned"] == .bool(false) && page.errors.isEmpty, "\(page.errors)")

        #expect(try await offPool { try runCLI(["incident", "update", id, "--status=identified", "A bad deploy"], in: dir) }.status == 0)
        page = try await viewPage(serve.base + "/", width: 390, extra: ["--eval", collectIncidents])
        seen = try #require(page.json["eval"]?.objectValue)
        open = seen["open"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(open.first?["status"] == .string("Identified"))
        #expect(open.first?["updates"] == .array([.string("Identified: A bad deploy"), .string("Investigating: \(text)")]))
        if case .int(let scroll)? = page.json["scroll_width"] { #expect(scroll <= 390, "horizontal overflow") }

        #expect(try await offPool { try runCLI(["incident", "resolve", id, "Rolled back"], in: dir) }.status == 0)
        page = try await viewPage(serve.base + "/", width: 1024, extra: ["--eval", collectIncidents,
                                                                          "--screenshot", artifactsDirectory + "/incidents-1024.png"])
        seen = try #require(page.json["eval"]?.objectValue)
        #expect(seen["open_shown"] == .bool(false) && seen["empty_shown"] == .bool(false))
        let months = seen["months"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let resolved = try #require(try await log.incident(id))
        let shown = months.flatMap { m in (m["incidents"]?.arrayValue ?? []).compactMap { $0.objectValue.map { (m["label"]?.stringValue ?? "", $0) } } }
        #expect(shown.map { $0.1["id"]?.stringValue ?? "" } == [id, old])  // newest first
        #expect(shown.first?.0 == monthLabel(resolved.openedAt) && shown.last?.0 == "November 2026")
        #expect(shown.first?.1["status"] == .string("Resolved"))
        #expect(shown.first?.1["updates"]?.arrayValue?.count == 3)
        #expect(shown.last?.1["updates"] == .array([.string("Resolved: Back to normal"), .string("Investigating: Slow answers")]))
        withExtendedLifetime(serve) {}
    }

    @Test func aStoreWithoutIncidentsSaysSoAndLogsNoError() async throws {
        let dir = try makeProject(checkers: #"[{"type":"tcp","endpoint_name":"Web","endpoint_url":"127.0.0.1:1"}]"#)
        defer { removeDirectory(dir) }
        let serve = try ServeProcess(in: dir)
        let served = try await httpGet(serve.base + "/summaries/_incidents.json")
        #expect(served.status == 200 && served.body == #"{"version":1,"incidents":[]}"# + "\n")
        let page = try await viewPage(serve.base + "/", width: 1024, extra: ["--eval", collectIncidents])
        let seen = try #require(page.json["eval"]?.objectValue)
        #expect(seen["open_shown"] == .bool(false) && seen["empty_shown"] == .bool(true) && seen["months"] == .array([]))
        #expect(seen["feeds"] == .array(["incidents.atom", "incidents.rss", "incidents.json", "maintenance.ics"].map { .string(serve.base + "/feeds/" + $0) }))
        #expect(page.errors.isEmpty, "\(page.errors)")
        withExtendedLifetime(serve) {}
    }

    @Test func endpointsUnderMaintenanceSayItInsteadOfDownAndWindowsAreListed() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir + "/checks")
        let now = CheckResult.now(), hour: Int64 = 3_600_000_000_000
        try await storeHistory(in: storage, end: now / 1_000_000 - 30_000)  // Payments is down
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let log = MaintenanceLog(storage: storage)
        let on = try await log.add(about: ["Payments"], from: now - hour, until: now + hour, text: "Card <b>processor</b> upgrade", at: now) { 1 }
        let later = try await log.add(about: ["Web"], from: now + 24 * hour, until: now + 26 * hour, text: "New load balancer", at: now) { 2 }
        let gone = try await log.add(about: ["API"], from: now + 48 * hour, until: now + 49 * hour, text: "Cancelled", at: now) { 3 }
        try await log.cancel(gone, at: now)
        let serve = try ServeProcess(in: dir)
        let collect = "Array.from(document.querySelectorAll('#maintenance-list .maintenance')).map((a) => [a.dataset.maintenance, " +
            "a.querySelector('.incident-status').textContent, a.querySelector('.update-text').textContent])"
        let page = try await viewPage(serve.base + "/", width: 1024, extra: ["--eval", collect, "--screenshot", artifactsDirectory + "/maintenance-1024.png"])
        #expect(page.endpoint("Payments")?["state"] == .string("maintenance"))
        #expect(page.endpoint("API")?["state"] == .string("healthy"))
        #expect(page.string("overall")?.contains("status-maintenance") == true, "\(page.string("overall") ?? "")")
        #expect(page.json["eval"] == .array([.array([.string(on), .string("In progress"), .string("Card <b>processor</b> upgrade")]),
                                             .array([.string(later), .string("Scheduled"), .string("New load balancer")])]))
        #expect(page.errors.isEmpty, "\(page.errors)")
        withExtendedLifetime(serve) {}
    }
}
