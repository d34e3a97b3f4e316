import Foundation
import Testing
@testable import CheckupKit

/// The instant the status-section tests are set at (the page's clock is pinned to it).
private let sectionsNow = instant("2026-11-20T12:00:00Z")
private let hour: Int64 = 3_600_000_000_000

/// A store with every status section filled, at pinned instants: the page's test history (Web,
/// API, and Payments, down), Payments in a maintenance window now and Web in one tomorrow, an
/// open incident about API with two updates, one resolved in October, and the checkers in two
/// groups (Site: Web and API; Billing: Payments) in the Statuspage API's components file.
private func storeStatusSections(in dir: String) async throws {
    let storage = FileSystemStorage(directory: dir + "/checks")
    try await storeHistory(in: storage, end: sectionsNow / 1_000_000 - 30_000)
    try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
    let incidents = IncidentLog(storage: storage)
    let old = try await incidents.open(about: ["Web"], impact: .minor, text: "Pages slow to load",
                                       at: instant("2026-10-14T08:00:00Z")) { 0x0b01 }
    try await incidents.resolve(old, text: "A cache node was replaced", at: instant("2026-10-14T09:30:00Z"))
    let open = try await incidents.open(about: ["API"], impact: .major, text: "Searches time out", at: sectionsNow - 2 * hour) { 0x0a01 }
    try await incidents.update(open, status: .identified, text: "An index rebuild holds a lock", at: sectionsNow - hour)
    try await incidents.update(open, status: .monitoring, text: "The rebuild is paused; answers are back", at: sectionsNow - hour / 2)
    let windows = MaintenanceLog(storage: storage)
    try await windows.add(about: ["Payments"], from: sectionsNow - hour, until: sectionsNow + hour,
                          text: "Card processor upgrade", at: sectionsNow - 24 * hour) { 1 }
    try await windows.add(about: ["Web"], from: sectionsNow + 24 * hour, until: sectionsNow + 26 * hour,
                          text: "New load balancer", at: sectionsNow - 24 * hour) { 2 }
    var settings = ComponentSettings()
    settings.titles = ["Web", "API", "Payments"]
    settings.groups = ["Web": "Site", "API": "Site", "Payments": "Billing"]
    #expect(try await StatusAPIFiles.publishIfComponentsChanged(storage, pageURL: "", settings: settings, at: sectionsNow))
}

/// browser.py's options for a page at `sectionsNow`, in a pinned locale and time zone: en-US in
/// UTC, or in the dark, de-DE in Auckland (the sections must hold in either).
private func pinned(dark: Bool) -> [String] {
    ["--now", String(sectionsNow / 1_000_000)]
        + (dark ? ["--dark", "--locale", "de-DE", "--timezone", "Pacific/Auckland"] : ["--locale", "en-US", "--timezone", "UTC"])
}

/// What the sections show, so a test knows they are there before it judges them; their articles
/// not named by a heading of their own; and the text a screen reader reads of each maintenance
/// window's span (less what is aria-hidden).
private let collectSections = """
    (() => { const q = (s) => Array.from(document.querySelectorAll(s)), shown = (id) => !document.getElementById(id).hidden;
      return { open: q('#incidents-open .incident').map((a) => a.querySelectorAll('.incident-update').length),
        months: q('#incidents-history .incident-month .month-name').map((h) => h.textContent),
        windows: q('#maintenance-list .maintenance .incident-status').map((s) => s.textContent),
        groups: q('#groups-list .group-status').map((s) => s.textContent),
        tags: q('#endpoints .group-tag').length,
        unnamed: q('#incidents-open article, #maintenance-list article, #groups-list article, #incidents-history article')
          .filter((a) => { const h = document.getElementById(a.getAttribute('aria-labelledby') || '');
            return !h || !a.contains(h) || !/^H[1-6]$/.test(h.tagName) || !h.textContent.trim(); }).map((a) => a.className),
        spoken: q('#maintenance-list .incident-meta').map((p) => { let t = '';
          const w = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          while (w.nextNode()) if (!w.currentNode.parentElement.closest('[aria-hidden="true"]')) t += w.currentNode.nodeValue;
          return t.replace(/\\s+/g, ' ').trim(); }),
        shown: ['incidents-open-section', 'maintenance-section', 'groups-section'].every(shown) }; })()
    """

/// The elements of the sections that take focus, described as browser.py's --tab-through
/// describes a tab stop.
private let collectFocusable = """
    Array.from(document.querySelectorAll(['#incidents-open-section', '#maintenance-section', '#groups-section', '.history-section',
        '.endpoint.state-maintenance', '#subscribe'].map((r) => r + ' :is(a[href], button, input, select, textarea, summary, [tabindex])').join(', ')))
      .filter((e) => e.tabIndex >= 0 && !e.disabled && e.checkVisibility({ visibilityProperty: true }))
      .map((e) => ({ tag: e.tagName.toLowerCase(), cls: typeof e.className === 'string' ? e.className : e.getAttribute('class'),
        text: (e.getAttribute('aria-label') || e.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 80) }))
    """

/// A tab stop or focusable element as one line: tag, class and text.
private func stopLine(_ o: JSONObject) -> String {
    "\(o["tag"]?.stringValue ?? "?").\(o["cls"]?.stringValue ?? "") “\(o["text"]?.stringValue ?? "")”"
}

/// Expects a sane outline: one h1 first, no level skipped on the way down, each section's
/// heading one level below the page's, and each incident, window and group one level below the
/// heading of what holds it (a month of the history, or its section).
private func expectSaneOutline(_ headings: [JSONObject], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let levels = headings.map { Int($0["level"]?.number ?? 0) }
    let outline = zip(levels, headings).map { "h\($0) \($1["text"]?.stringValue ?? "")" }.joined(separator: " / ")
    #expect(levels.first == 1 && levels.dropFirst().allSatisfy { $0 > 1 }, "\(name): \(outline)", sourceLocation: sourceLocation)
    for (before, after) in zip(levels, levels.dropFirst()) {
        #expect(after <= before + 1, "\(name): a level skipped in \(outline)", sourceLocation: sourceLocation)
    }
    for (section, inner) in [("incidents-open", 3), ("maintenance-list", 3), ("groups-list", 3), ("incidents-history", 3)] {
        let own = headings.filter { $0["section"]?.stringValue == section }
        #expect(!own.isEmpty, "\(name): no heading in #\(section)", sourceLocation: sourceLocation)
        if section == "incidents-history" {
            // Month headings, each followed by its incidents one level down.
            let months = own.filter { ($0["text"]?.stringValue ?? "").hasSuffix(" 2026") }
            #expect(months.allSatisfy { $0["level"]?.number == Double(inner) } && !months.isEmpty, "\(name): \(outline)", sourceLocation: sourceLocation)
            #expect(own.filter { !months.contains($0) }.allSatisfy { $0["level"]?.number == Double(inner + 1) }, "\(name): \(outline)",
                    sourceLocation: sourceLocation)
        } else {
            #expect(own.allSatisfy { $0["level"]?.number == Double(inner) }, "\(name): \(outline)", sourceLocation: sourceLocation)
        }
    }
}

/// The page's status sections (open incidents and their updates, the history by month,
/// maintenance windows, endpoints under maintenance, groups) filled, in a real browser: axe-core's
/// audit, the WCAG AA contrast of each of their texts, the headings' order, and the keyboard.
@Suite(.serialized, .timeLimit(.minutes(5))) struct StatusSectionsAccessibilityTests {
    @Test(arguments: [390, 1280])
    func statusSectionsPassAxeContrastAndOutlineInLightAndDark(width: Int) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeStatusSections(in: dir)
        let serve = try ServeProcess(in: dir)
        let script = "({ sections: \(collectSections), contrast: \(try peerScript("section-contrast.js")), headings: \(try peerScript("headings.js")) })"
        for dark in [false, true] {
            let name = "sections-\(width)-\(dark ? "dark" : "light")"
            let page = try await viewPage(serve.base + "/", width: width, extra: pinned(dark: dark) + ["--axe", "--eval", script,
                                                                                                       "--screenshot", artifactsDirectory + "/\(name).png"])
            let found = try #require(page.json["eval"]?.objectValue)
            let sections = try #require(found["sections"]?.objectValue)
            #expect(sections["shown"] == .bool(true) && sections["open"] == .array([.int(3)]), "\(sections)")
            #expect(sections["months"] == .array([.string("October 2026")]), "\(sections)")
            #expect(sections["windows"] == .array([.string("In progress"), .string("Scheduled")]), "\(sections)")
            // Each incident, window and group is an article named by its heading.
            #expect(sections["unnamed"] == .array([]), "\(sections)")
            // A window's span is read "from to until", not with a dash.
            let spoken = sections["spoken"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(spoken.count == 2 && spoken.allSatisfy { $0.contains(" to ") && !$0.contains("–") }, "\(spoken)")
            #expect(sections["groups"]?.arrayValue?.count == 2 && sections["groups"]?.arrayValue?.last == .string("Under maintenance"), "\(sections)")
            #expect(sections["tags"] == .int(3) && page.endpoint("Payments")?["state"] == .string("maintenance"), "\(sections)")
            expectAxePasses(page, name)
            // Below serious too: nothing axe finds may lie in the new sections.
            let minor = (page.json["axe"]?.objectValue?["violations"]?.arrayValue ?? []).compactMap(\.objectValue).flatMap { v in
                (v["nodes"]?.arrayValue ?? []).compactMap { $0.objectValue?["target"]?.stringValue }.map { "\(v["id"]?.stringValue ?? "?") on \($0)" }
            }.filter { ["incident", "maintenance", "group", "month", "update", "subscribe"].contains(where: $0.contains) }
            #expect(minor.isEmpty, "\(name): \(minor)")
            let texts = (found["contrast"]?.arrayValue ?? []).compactMap(\.objectValue)
            try? JSONValue.array(texts.map(JSONValue.object)).encoded().write(to: URL(fileURLWithPath: artifactsDirectory + "/contrast-\(name).json"))
            for part in ["incidents-open", "maintenance-list", "groups-list", "incidents-history", "state-maintenance", "group-tag", "subscribe"] {
                #expect(texts.contains { ($0["where"]?.stringValue ?? "").contains(part) }, "\(name): no text measured in \(part)")
            }
            for t in texts where !((t["ratio"]?.number ?? 0) >= (t["need"]?.number ?? 4.5)) {
                Issue.record("\(name): contrast \(t["ratio"] ?? .null) < \(t["need"] ?? .null) for “\(t["text"]?.stringValue ?? "")” at \(t["where"]?.stringValue ?? "")")
            }
            expectSaneOutline((found["headings"]?.arrayValue ?? []).compactMap(\.objectValue), name)
            #expect(page.errors.isEmpty, "\(page.errors)")
        }
        withExtendedLifetime(serve) {}
    }

    @Test func statusSectionsReflowAt400PercentZoomAndOnAPhoneInTheDark() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeStatusSections(in: dir)
        let serve = try ServeProcess(in: dir)
        // WCAG 1.4.10: a 1280 px window at 400 % (320 CSS px), and a 320 px phone.
        for (width, extra) in [(1280, ["--zoom", "4"] + pinned(dark: false)), (320, pinned(dark: true))] {
            let page = try await viewPage(serve.base + "/", width: width, extra: ["--height", "1024", "--eval", try peerScript("reflow.js")] + extra)
            let reflow = try #require(page.json["eval"]?.objectValue)
            #expect(reflow["client_width"] == .int(320), "\(reflow)")
            if case .int(let scroll)? = reflow["scroll_width"] { #expect(scroll <= 320, "scrolls sideways: \(scroll) px") }
            #expect(reflow["outside"]?.arrayValue?.isEmpty == true, "outside the viewport: \(reflow["outside"] ?? .null)")
            #expect(page.endpoint("Payments")?["state"] == .string("maintenance") && page.errors.isEmpty, "\(page.errors)")
        }
        withExtendedLifetime(serve) {}
    }

    @Test func everyInteractiveElementOfTheStatusSectionsIsReachableByTabWithItsFocusShown() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeStatusSections(in: dir)
        let serve = try ServeProcess(in: dir)
        for (width, dark) in [(390, false), (1280, true)] {
            let page = try await viewPage(serve.base + "/", width: width, extra: pinned(dark: dark) + ["--height", "844", "--eval", collectFocusable, "--tab-through"])
            let focusable = (page.json["eval"]?.arrayValue ?? []).compactMap(\.objectValue).map(stopLine)
            let stops = (page.json["focus_stops"]?.arrayValue ?? []).compactMap(\.objectValue)
            let reached = stops.map(stopLine)
            // The card under maintenance has its address and its bar; the footer its four feeds.
            #expect(focusable.count >= 6, "at \(width) px: \(focusable)")
            for line in Set(focusable) {
                #expect(reached.filter { $0 == line }.count == focusable.filter { $0 == line }.count, "at \(width) px, not reached by Tab: \(line)")
            }
            for stop in stops where focusable.contains(stopLine(stop)) {
                let outline = stop["outline"]?.stringValue ?? "none", shadow = stop["box_shadow"]?.stringValue ?? "none"
                #expect(outline != "none" || shadow != "none", "no focus indicator on \(stopLine(stop)) at \(width) px")
                let top = stop["top"]?.number ?? -1, bottom = stop["bottom"]?.number ?? .infinity
                #expect(top >= (stop["header_bottom"]?.number ?? 0) - 0.5 && bottom <= (stop["viewport_height"]?.number ?? 0) + 0.5,
                        "\(stopLine(stop)) at \(width) px is out of view (\(top)–\(bottom))")
            }
            #expect(page.errors.isEmpty, "\(page.errors)")
        }
        withExtendedLifetime(serve) {}
    }
}
