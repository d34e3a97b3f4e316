import Foundation
import Testing
@testable import CheckupKit

/// Badges: the figures on a pinned history, XML escaping, the files a round writes, and the
/// images in headless Chromium.
@Suite(.serialized, .timeLimit(.minutes(5))) struct BadgeTests {
    let now = instant("2026-11-30T12:00:00Z") / 1_000_000  // Unix milliseconds
    static let day: Int64 = 86_400_000

    /// Web: five down results 40 days ago (outside the 30 days), ten healthy at 80 ms two days
    /// ago, nine healthy at 100 ms and one down yesterday, ten healthy at 90 ms today; API: three
    /// healthy and one degraded at 5 ms today.
    var summary: StatusSummary {
        var results: [CheckResult] = []
        for i in 0..<5 { results.append(summaryResult("Web", at: now - 40 * Self.day + Int64(i) * 60_000, .down)) }
        for i in 0..<10 { results.append(summaryResult("Web", at: now - 2 * Self.day + Int64(i) * 60_000, rtt: 80)) }
        for i in 0..<10 { results.append(summaryResult("Web", at: now - Self.day + Int64(i) * 60_000, i == 9 ? .down : .healthy, rtt: 100)) }
        for i in 0..<10 { results.append(summaryResult("Web", at: now - 3_600_000 + Int64(i) * 60_000, rtt: 90)) }
        for i in 0..<4 { results.append(summaryResult("API", at: now - 3_600_000 + Int64(i) * 60_000, i == 0 ? .degraded : .healthy, rtt: 5)) }
        return StatusSummary(origin: "a", rebuildingFrom: results, now: now * 1_000_000)
    }

    @Test func figuresOnAPinnedHistory() {
        let components = [StatusComponent(name: "Web", group: "Site", state: .partialOutage),
                          StatusComponent(name: "API", group: "Site", state: .operational),
                          StatusComponent(name: "Site", isGroup: true, state: .partialOutage, members: ["Web", "API"])]
        let badges = StatusBadges.badges(components, summary: summary, at: now)
        #expect(badges.map(\.stem) == ["web", "api", "group-site"])
        // Web: 29 up of 30 (96.66%, rounded down); day medians 80 (10 results), 100 (9 not down),
        // 90 (10): the weighted median is 90. API: 4 of 4 (degraded counts as up), 5 ms.
        // Site: 33 of 34 (97.05%); medians 5 (4), 80 (10), 90 (10), 100 (9): 90.
        #expect(badges.map(\.badge.message) == ["partial outage · 96.66% · 90 ms", "operational · 100.00% · 5.0 ms",
                                                "partial outage · 97.05% · 90 ms"])
        #expect(badges.map(\.badge.color) == ["orange", "brightgreen", "orange"])
        #expect(StatusBadges.uptimeText(up: 2, of: 3) == "66.66%" && StatusBadges.uptimeText(up: 0, of: 5) == "0.00%")
        #expect(StatusBadges.rttText(400_000) == "0.4 ms" && StatusBadges.rttText(9_960_000) == "10 ms" && StatusBadges.rttText(81_500_000) == "82 ms")
        #expect(StatusBadges.slug("Web Site (EU)") == "web-site-eu" && StatusBadges.slug("Ünï") == "n" && StatusBadges.slug("<>") == "")
        // Stems stay unique and safe: a clash or an empty stem gets the component's id.
        let clash = StatusBadges.badges([StatusComponent(name: "Web Site", state: .operational), StatusComponent(name: "web-site", state: .operational),
                                         StatusComponent(name: "%%", state: .majorOutage)], summary: nil, at: now)
        let ids = [StatusComponent.id("web-site", isGroup: false), StatusComponent.id("%%", isGroup: false)]
        #expect(clash.map(\.stem) == ["web-site", "web-site-" + ids[0], "c-" + ids[1]])
        #expect(clash.allSatisfy { PublicFileKey.contentType("badges/\($0.stem).svg") == "image/svg+xml" })
        #expect(clash.last?.badge.message == "major outage")  // no results: no figures
        #expect(PublicFileKey.contentType("badges/../x.svg") == nil && PublicFileKey.contentType("badges/A.svg") == nil)
    }

    @Test func everyNameIsEscapedAndTheSVGParses() throws {
        let name = "Web <b>&\"x\"</b>\u{1}'"
        let badge = StatusBadges.badge(StatusComponent(name: name, state: .underMaintenance), days: [])
        let svg = String(decoding: StatusBadges.svg(badge), as: UTF8.self)
        #expect(svg.contains("<title>Web &lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;': under maintenance</title>"), "\(svg)")
        #expect(!svg.contains("\u{1}") && !svg.contains("<b>") && svg.contains(##"fill="#007ec6""##))
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try StatusBadges.svg(badge).write(to: URL(fileURLWithPath: dir + "/b.svg"))
        let parsed = try runProgram("/usr/bin/env", ["python3", "-c", "import sys, xml.etree.ElementTree as E; t = E.parse(sys.argv[1]); print(t.getroot().find('{http://www.w3.org/2000/svg}title').text)", dir + "/b.svg"])
        #expect(parsed.status == 0 && parsed.stdout == "Web <b>&\"x\"</b>': under maintenance\n", "\(parsed.stderr)")
        let shields = try #require(try JSONValue.parse(StatusBadges.shields(badge)).objectValue)
        #expect(shields["schemaVersion"] == .int(1) && shields["label"] == .string(name) && shields["message"] == .string("under maintenance"))
        #expect(shields["color"] == .string("blue"))
    }

    @Test func aRoundWritesOnlyTheBadgesThatChanged() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        let components = [StatusComponent(name: "Web", state: .operational)]
        #expect(try await StatusBadges.publish(components, summary: summary, to: storage, at: now) == 3)  // svg, json, index
        #expect(try await StatusBadges.publish(components, summary: summary, to: storage, at: now) == 0)
        let down = [StatusComponent(name: "Web", state: .majorOutage)]
        #expect(try await StatusBadges.publish(down, summary: summary, to: storage, at: now) == 3)
        let data = try #require(try await storage.readPublicFile("badges/web.json"))
        let json = try #require(try JSONValue.parse(data).objectValue)
        #expect(json["message"] == .string("major outage · 96.66% · 90 ms") && json["color"] == .string("red"))

        // Same state, other figures: kept until the refresh interval passed, then written.
        var slower = (0..<30).map { summaryResult("Web", at: now - 30 * 60_000 + Int64($0) * 60_000, rtt: 400) }
        slower += (0..<5).map { summaryResult("Web", at: now - 40 * Self.day + Int64($0) * 60_000, .down) }
        let later = StatusSummary(origin: "a", rebuildingFrom: slower, now: now * 1_000_000)
        let refresh = StatusBadges.refreshMilliseconds
        #expect(StatusBadges.badges(down, summary: later, at: now + 1_000)[0].badge.message != "major outage · 96.66% · 90 ms")
        #expect(try await StatusBadges.publish(down, summary: later, to: storage, at: now + 1_000) == 0)
        #expect(try await StatusBadges.publish(down, summary: later, to: storage, at: now + refresh - 1) == 0)
        #expect(try await StatusBadges.publish(down, summary: later, to: storage, at: now + refresh) == 3)
        // A change of state is written at once, whatever the time.
        #expect(try await StatusBadges.publish(components, summary: later, to: storage, at: now + refresh + 1) == 3)
    }

    @Test func badgesOfAStoredRoundRenderInChromium() async throws {
        let checkers = #"[{"type":"http","endpoint_name":"Web","endpoint_url":"\#(peerURL("/"))","group":"Site <&>"},{"type":"tcp","endpoint_name":"DB","endpoint_url":"127.0.0.1:1","group":"Site <&>"}]"#
        let dir = try makeProject(checkers: checkers)
        defer { removeDirectory(dir) }
        let stored = try await offPool { try runCLI(["--store"], in: dir) }
        #expect(stored.status == 0 && stored.stderr.isEmpty, "\(stored.stderr)")
        let serve = try ServeProcess(in: dir)
        let stems = ["web", "db", "group-site"]
        let js = """
            Promise.all(\(stems).map((s) => new Promise((r) => { const i = new Image();
              i.onload = () => r([i.naturalWidth, i.naturalHeight]); i.onerror = () => r('error'); i.src = '/badges/' + s + '.svg'; })))
            .then(async (sizes) => ({ sizes, titles: await Promise.all(\(stems).map(async (s) => {
                const d = new DOMParser().parseFromString(await (await fetch('/badges/' + s + '.svg')).text(), 'image/svg+xml');
                return d.querySelector('parsererror') ? 'parsererror' : d.querySelector('title').textContent; })),
              shields: await (await fetch('/badges/db.json')).json() }))
            """
        let page = try await viewPage(serve.base + "/", width: 1024, extra: ["--eval", js])
        let seen = try #require(page.json["eval"]?.objectValue)
        let titles = seen["titles"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(titles.count == 3 && titles[0].hasPrefix("Web: operational · 100.00% · ") && titles[0].hasSuffix(" ms"), "\(titles)")
        #expect(titles.dropFirst() == ["DB: major outage · 0.00%", "Site <&>: major outage · 50.00% · " + titles[0].split(separator: "·").last!.dropFirst()])
        // Each image decoded at the size its words give it: 10 + 7 px a character, label and message.
        func width(_ title: String) -> Int { let parts = title.components(separatedBy: ": "); return 20 + 7 * (parts[0].count + parts[1].count) }
        #expect(seen["sizes"] == .array(titles.map { .array([.int(Int64(width($0))), .int(20)]) }))
        #expect(seen["shields"]?.objectValue?["message"] == .string("major outage · 0.00%") && seen["shields"]?.objectValue?["color"] == .string("red"))
        #expect(page.errors.isEmpty, "\(page.errors)")
        withExtendedLifetime(serve) {}
    }

    @Test func thePageListsTheGroupsWithTheirWorstState() async throws {
        let checkers = #"[{"type":"http","endpoint_name":"Web","endpoint_url":"\#(peerURL("/"))","group":"Shop <img src=x onerror=\"window.pwned=1\">"},{"type":"tcp","endpoint_name":"DB","endpoint_url":"127.0.0.1:1","group":"Shop <img src=x onerror=\"window.pwned=1\">"},{"type":"http","endpoint_name":"Docs","endpoint_url":"\#(peerURL("/"))","group":"Docs"}]"#
        let dir = try makeProject(checkers: checkers)
        defer { removeDirectory(dir) }
        #expect(try await offPool { try runCLI(["--store"], in: dir) }.status == 0)
        let serve = try ServeProcess(in: dir)
        let js = """
            ({ shown: !document.getElementById('groups-section').hidden,
               groups: Array.from(document.querySelectorAll('#groups-list .group')).map((g) => [g.querySelector('.group-name').textContent,
                 g.querySelector('.group-status').textContent, g.querySelector('.group-members').textContent, g.className]),
               tags: Array.from(document.querySelectorAll('#endpoints .endpoint')).map((c) => [c.dataset.title,
                 (c.querySelector('.group-tag') || {}).textContent || '']),
               markup: document.querySelectorAll('#groups-list img, #endpoints .group-tag img').length })
            """
        let page = try await viewPage(serve.base + "/", width: 390, extra: ["--eval", js])
        let seen = try #require(page.json["eval"]?.objectValue)
        #expect(seen["shown"] == .bool(true) && seen["markup"] == .int(0))
        #expect(seen["groups"] == .array([.array(["Shop <img src=x onerror=\"window.pwned=1\">", "Major outage", "Web, DB", "group group-major-outage"].map(JSONValue.string)),
                                          .array(["Docs", "Operational", "Docs", "group group-operational"].map(JSONValue.string))]))
        let shop = #"Group: Shop <img src=x onerror="window.pwned=1">"#
        #expect(seen["tags"] == .array([["DB", shop], ["Docs", "Group: Docs"], ["Web", shop]].map { .array($0.map(JSONValue.string)) }))
        #expect(page.json["pwned"] == .bool(false) && page.errors.isEmpty, "\(page.errors)")
        if case .int(let scroll)? = page.json["scroll_width"] { #expect(scroll <= 390, "horizontal overflow") }
        withExtendedLifetime(serve) {}
    }
}
