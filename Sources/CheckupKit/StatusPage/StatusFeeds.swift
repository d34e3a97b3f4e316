import Foundation

/// The feeds of incidents and maintenance (Atom, RSS 2.0 and JSON Feed 1.1) and the iCalendar
/// file of maintenance windows, rewritten whenever an incident or a window changes. Each
/// incident and each window is one entry with a stable id (`urn:checkup:incident:<id>`,
/// `urn:checkup:maintenance:<id>`) whose updated time moves with every update.
public struct StatusFeeds: Sendable {
    /// The incidents, newest first.
    public var incidents: [Incident]
    /// The maintenance windows, soonest first.
    public var windows: [MaintenanceWindow]
    /// The status page's address (`status_page_url`), linked from the feeds; may be empty.
    public var pageURL: String

    /// Creates the feeds of `incidents` and `windows`.
    public init(incidents: [Incident], windows: [MaintenanceWindow], pageURL: String = "") {
        self.incidents = incidents
        self.windows = windows
        self.pageURL = pageURL
    }

    /// One entry of every feed.
    struct Entry {
        var id, title, text: String
        var published, updated: Int64
    }

    static let statusWords: [IncidentStatus: String] = [.investigating: "Investigating", .identified: "Identified",
                                                        .monitoring: "Monitoring", .resolved: "Resolved"]

    var entries: [Entry] {
        let fromIncidents = incidents.map { i in
            Entry(id: "urn:checkup:incident:\(i.id)",
                  title: "\(i.name) (\(Self.statusWords[i.status] ?? i.status.rawValue), \(i.impact.rawValue) impact)",
                  text: i.events.reversed().map { "\(Self.statusWords[$0.status] ?? "") \(RFC3339.format($0.time)): \($0.text)" }
                      .joined(separator: "\n\n") + "\n\nAbout: " + i.about.joined(separator: ", "),
                  published: i.openedAt, updated: i.updatedAt)
        }
        let fromWindows = windows.map { w in
            Entry(id: "urn:checkup:maintenance:\(w.id)",
                  title: "\(w.cancelled == nil ? "Maintenance" : "Cancelled maintenance"): \(w.about.joined(separator: ", "))",
                  text: "From \(RFC3339.format(w.from)) until \(RFC3339.format(w.until)).\(w.text.isEmpty ? "" : "\n\n" + w.text)",
                  published: w.created == 0 ? w.from : w.created, updated: w.cancelled ?? (w.created == 0 ? w.from : w.created))
        }
        // Control characters (but newlines and tabs) are dropped: XML forbids them, and every
        // format should say the same.
        func clean(_ s: String) -> String {
            String(String.UnicodeScalarView(s.unicodeScalars.filter { $0 == "\n" || $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }))
        }
        return (fromIncidents + fromWindows).map { e in
            var e = e
            e.title = clean(e.title)
            e.text = clean(e.text)
            return e
        }.sorted { ($0.updated, $0.id) > ($1.updated, $1.id) }
    }

    var feedUpdated: Int64 { entries.map(\.updated).max() ?? 0 }
    static let title = "Status: incidents and maintenance"

    /// The Atom feed (RFC 4287).
    public var atom: Data {
        var x = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n" + #"<feed xmlns="http://www.w3.org/2005/Atom">"# + "\n"
        x += "  <id>\(xml(pageURL.isEmpty ? "urn:checkup:status" : pageURL))</id>\n  <title>\(xml(Self.title))</title>\n"
        x += "  <updated>\(RFC3339.format(feedUpdated))</updated>\n  <author><name>checkup</name></author>\n"
        if !pageURL.isEmpty { x += "  <link rel=\"alternate\" href=\"\(xml(pageURL))\"/>\n" }
        for e in entries {
            x += "  <entry>\n    <id>\(xml(e.id))</id>\n    <title>\(xml(e.title))</title>\n"
            x += "    <published>\(RFC3339.format(e.published))</published>\n    <updated>\(RFC3339.format(e.updated))</updated>\n"
            if !pageURL.isEmpty { x += "    <link rel=\"alternate\" href=\"\(xml(pageURL))\"/>\n" }
            x += "    <content type=\"text\">\(xml(e.text))</content>\n  </entry>\n"
        }
        return Data((x + "</feed>\n").utf8)
    }

    /// The RSS 2.0 feed; an item's `pubDate` is its last update.
    public var rss: Data {
        var x = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n" + #"<rss version="2.0"><channel>"# + "\n"
        x += "  <title>\(xml(Self.title))</title>\n  <link>\(xml(pageURL))</link>\n"
        x += "  <description>Incidents and planned maintenance</description>\n"
        x += "  <lastBuildDate>\(StatusPageServer.httpDate(feedUpdated / 1_000_000_000))</lastBuildDate>\n"
        for e in entries {
            x += "  <item>\n    <guid isPermaLink=\"false\">\(xml(e.id))</guid>\n    <title>\(xml(e.title))</title>\n"
            x += "    <pubDate>\(StatusPageServer.httpDate(e.updated / 1_000_000_000))</pubDate>\n"
            if !pageURL.isEmpty { x += "    <link>\(xml(pageURL))</link>\n" }
            x += "    <description>\(xml(e.text))</description>\n  </item>\n"
        }
        return Data((x + "</channel></rss>\n").utf8)
    }

    /// The JSON Feed (version 1.1).
    public var jsonFeed: Data {
        var o = JSONObject([("version", .string("https://jsonfeed.org/version/1.1")), ("title", .string(Self.title))])
        if !pageURL.isEmpty { o.append("home_page_url", .string(pageURL)) }
        o.append("items", .array(entries.map { e in
            var item = JSONObject([("id", .string(e.id)), ("title", .string(e.title)), ("content_text", .string(e.text)),
                                   ("date_published", .string(RFC3339.format(e.published))),
                                   ("date_modified", .string(RFC3339.format(e.updated)))])
            if !pageURL.isEmpty { item.append("url", .string(pageURL)) }
            return .object(item)
        }))
        var data = JSONValue.object(o).encoded()
        data.append(0x0A)
        return data
    }

    /// The iCalendar file (RFC 5545) of the windows: one event each, cancelled ones marked so.
    public var iCalendar: Data {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//checkup//maintenance//EN", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:Maintenance"]
        for w in windows {
            lines += ["BEGIN:VEVENT", "UID:\(w.id)@checkup", "DTSTAMP:\(Self.icalTime(w.cancelled ?? (w.created == 0 ? w.from : w.created)))",
                      "DTSTART:\(Self.icalTime(w.from))", "DTEND:\(Self.icalTime(w.until))",
                      "SUMMARY:" + Self.icalText("Maintenance: " + w.about.joined(separator: ", ")),
                      "STATUS:\(w.cancelled == nil ? "CONFIRMED" : "CANCELLED")", "SEQUENCE:\(w.cancelled == nil ? 0 : 1)"]
            if !w.text.isEmpty { lines.append("DESCRIPTION:" + Self.icalText(w.text)) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return Data(lines.map(Self.fold).joined().utf8)
    }

    static func icalTime(_ t: Int64) -> String {
        RFC3339.format(t / 1_000_000_000 * 1_000_000_000).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }

    /// TEXT escaping (RFC 5545 §3.3.11); control characters other than newlines are dropped.
    static func icalText(_ s: String) -> String {
        var out = ""
        for c in s.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r": out += "\\n"
            case _ where c.value < 0x20 || c.value == 0x7F: continue
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A content line folded at 75 octets (never inside a UTF-8 sequence), ending in CRLF.
    static func fold(_ line: String) -> String {
        var out = "", count = 0
        for c in line.unicodeScalars {
            let size = String(c).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.unicodeScalars.append(c)
            count += size
        }
        return out + "\r\n"
    }
}

/// `text` for XML 1.0 content and attributes: markup escaped, characters XML forbids dropped.
private func xml(_ text: String) -> String {
    var kept = String.UnicodeScalarView()
    for c in text.unicodeScalars where c == "\t" || c == "\n" || c == "\r" || (c.value >= 0x20 && c.value != 0xFFFE && c.value != 0xFFFF) {
        kept.append(c)
    }
    return escapeMarkup(String(kept))
}

extension StatusFeeds {
    /// Writes the feeds and the Statuspage API files (`StatuspageAPI`) of the store's incidents (as the page shows them) and windows, and
    /// writes them again while the views changed meanwhile (another writer's change is then in
    /// them, whichever of the two writes lands last); then their copies in the page index.
    static func publish(_ storage: any StatusObjectStorage & SummaryStorage, pageURL: String,
                        settings: ComponentSettings = ComponentSettings(), at time: Int64) async throws {
        guard let files = storage as? any PublicFileStorage else { return }
        for _ in 0..<StatusSummaries.attempts {
            let before = try await viewTags(storage)
            let cutoff = time - Int64(IncidentLog.historyDays) * 86_400_000_000_000
            let incidents = try await IncidentLog(storage: storage).incidents().filter { ($0.resolvedAt ?? .max) >= cutoff }
            let feeds = StatusFeeds(incidents: incidents, windows: try await MaintenanceLog(storage: storage).publishedWindows(), pageURL: pageURL)
            try await files.writePublicFile("feeds/incidents.atom", feeds.atom)
            try await files.writePublicFile("feeds/incidents.rss", feeds.rss)
            try await files.writePublicFile("feeds/incidents.json", feeds.jsonFeed)
            try await files.writePublicFile("feeds/maintenance.ics", feeds.iCalendar)
            let api = try await StatusAPIFiles.api(storage, files, incidents: incidents, windows: feeds.windows, pageURL: pageURL,
                                                   settings: settings, at: time)
            try await StatusAPIFiles.write(api, to: files)
            if try await viewTags(storage) == before { break }
        }
        // The page's copies of the views and the components, after them (`PageIndex`).
        try await PageIndex.sync(PageIndex.Part.allCases, in: storage)
    }

    private static func viewTags(_ storage: any SummaryStorage) async throws -> [String?] {
        [try await storage.readSummaryObject(IncidentLog.pageKey)?.tag, try await storage.readSummaryObject(MaintenanceLog.pageKey)?.tag]
    }
}
