import Foundation

/// Static badges of every component (a checker or a group): an SVG image
/// (`badges/<slug>.svg`) and, beside it, the same words as Shields.io endpoint JSON
/// (`badges/<slug>.json`), rewritten after every stored round whose figures changed them, so a
/// README can embed `https://status.example.com/badges/website.svg`.
///
/// A badge reads `Website | operational · 99.95% · 81 ms`: the component's state
/// (`StatusComponents`), its uptime over the last 30 UTC days (today included) and the median of
/// its daily median round-trip times over those days, each weighted by its results that were not
/// down, from the writing node's summary (its verdicts when the store has several origins). A
/// group's figures pool its members' results.
public enum StatusBadges {
    /// How many UTC days the uptime and the median cover.
    public static let days = 30
    /// Where the digests of the badges last written are kept, so a round writes only those that changed.
    static let indexKey = "badges/index.json"

    /// One badge's words and colour.
    public struct Badge: Sendable, Equatable {
        /// The component's name (the badge's label).
        public var label: String
        /// `operational · 99.95% · 81 ms`.
        public var message: String
        /// A Shields.io colour name.
        public var color: String
        /// Its hex value, for the SVG.
        public var hex: String
    }

    /// The badges of `components`, by file stem (`website`, `group-storefront`), from the
    /// endpoints of `summary` as of `nowMS` (Unix milliseconds).
    public static func badges(_ components: [StatusComponent], summary: StatusSummary?, at nowMS: Int64) -> [(stem: String, badge: Badge)] {
        let series = (summary?.verdicts.isEmpty ?? true) ? summary?.endpoints ?? [] : summary?.verdicts ?? []
        let first = StatusSummary.Day.key(nowMS - Int64(days - 1) * 86_400_000)
        // Each endpoint's recent days once, by title: looking them up per component (filtering
        // every endpoint for each) took 20 s a round with 10,000 checkers.
        var recentDays: [String: [StatusSummary.Day]] = [:]
        for e in series { recentDays[e.title, default: []] += e.days.filter { $0.key >= first } }
        func daysOf(_ titles: [String]) -> [StatusSummary.Day] {
            var seen: Set<String> = []
            return titles.filter { seen.insert($0).inserted }.flatMap { recentDays[$0] ?? [] }
        }
        var used: Set<String> = []
        return components.map { c in
            var stem = slug((c.isGroup ? "group-" : "") + c.name)
            if stem.isEmpty || used.contains(stem) || stem == "index" { stem = (stem.isEmpty ? "c" : stem) + "-" + c.id }
            used.insert(stem)
            return (stem, badge(c, days: daysOf(c.isGroup ? c.members : [c.name])))
        }
    }

    static func badge(_ c: StatusComponent, days: [StatusSummary.Day]) -> Badge {
        let (color, hex): (String, String) = switch c.state {
        case .operational: ("brightgreen", "#4c1")
        case .underMaintenance: ("blue", "#007ec6")
        case .degradedPerformance: ("yellow", "#dfb317")
        case .partialOutage: ("orange", "#fe7d37")
        case .majorOutage: ("red", "#e05d44")
        }
        var parts = [c.state.rawValue.replacingOccurrences(of: "_", with: " ")]
        let counted = days.reduce(0) { $0 + $1.count - $1.unknown }, up = days.reduce(0) { $0 + $1.healthy + $1.degraded }
        if counted > 0 { parts.append(uptimeText(up: up, of: counted)) }
        let weighted = days.filter { $0.count > $0.down }.map { (rtt: $0.median, weight: $0.count - $0.down) }.sorted { $0.rtt < $1.rtt }
        let half = weighted.reduce(0) { $0 + $1.weight }
        var seen = 0
        if let median = weighted.first(where: { seen += $0.weight; return 2 * seen >= half })?.rtt { parts.append(rttText(median)) }
        return Badge(label: c.name, message: parts.joined(separator: " · "), color: color, hex: hex)
    }

    /// Uptime in percent with two decimals, rounded down (so only a perfect record shows 100%).
    static func uptimeText(up: Int, of counted: Int) -> String {
        let hundredths = up * 10_000 / counted
        let rest = hundredths % 100
        return "\(hundredths / 100).\(rest < 10 ? "0" : "")\(rest)%"
    }

    /// Milliseconds: whole above 10 ms, one decimal below (`0.4 ms`, `81 ms`).
    static func rttText(_ ns: Int64) -> String {
        let tenths = (ns + 50_000) / 100_000
        return tenths >= 100 ? "\((ns + 500_000) / 1_000_000) ms" : "\(tenths / 10).\(tenths % 10) ms"
    }

    /// A file stem: lowercase ASCII letters and digits, every other run of characters one `-`,
    /// at most 60 characters.
    static func slug(_ name: String) -> String {
        var out = ""
        for c in name.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") { out.unicodeScalars.append(c) } else if !out.hasSuffix("-") { out += "-" }
        }
        return String(out.trimmingCharacters(in: CharacterSet(charactersIn: "-")).prefix(60)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    /// The badge as a flat SVG image, 20 px high; every text is escaped for XML.
    public static func svg(_ b: Badge) -> Data {
        let label = xmlText(b.label), message = xmlText(b.message), all = xmlText(b.label + ": " + b.message)
        let lw = 10 + 7 * b.label.count, mw = 10 + 7 * b.message.count, w = lw + mw
        let svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="20" role="img" aria-label="\(all)">\
            <title>\(all)</title>\
            <linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>\
            <clipPath id="r"><rect width="\(w)" height="20" rx="3" fill="#fff"/></clipPath>\
            <g clip-path="url(#r)"><rect width="\(lw)" height="20" fill="#555"/><rect x="\(lw)" width="\(mw)" height="20" fill="\(b.hex)"/>\
            <rect width="\(w)" height="20" fill="url(#s)"/></g>\
            <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">\
            <text x="\(lw / 2)" y="14">\(label)</text><text x="\(lw + mw / 2)" y="14">\(message)</text></g></svg>

            """
        return Data(svg.utf8)
    }

    /// The badge as Shields.io endpoint JSON (`https://img.shields.io/endpoint?url=…`).
    public static func shields(_ b: Badge) -> Data {
        StatuspageAPI.data([("schemaVersion", .int(1)), ("label", .string(b.label)), ("message", .string(b.message)),
                            ("color", .string(b.color)), ("cacheSeconds", .int(300))])
    }

    /// `text` for XML content and attributes: markup escaped, characters XML 1.0 forbids (and
    /// the other control characters) dropped.
    static func xmlText(_ text: String) -> String {
        escapeMarkup(String(String.UnicodeScalarView(text.unicodeScalars.filter {
            $0.properties.generalCategory != .control && $0.value != 0xFFFE && $0.value != 0xFFFF
        })))
    }

    /// How long a badge whose state (colour) is unchanged keeps figures that moved before they
    /// are rewritten: as long as Shields.io caches a badge (`cacheSeconds`). A state change is
    /// written at once; without this, every round rewrote nearly every badge for a 0.1 ms change
    /// of a median.
    public static let refreshMilliseconds: Int64 = 300_000

    /// Writes the badges of `components` that differ from those last written (by the digests
    /// in `badges/index.json`), then the index; returns how many files were written. A badge
    /// whose colour is the same is rewritten at most every `refreshMilliseconds`. Cancelled, it
    /// stops between two badges and the next round writes the rest.
    @discardableResult
    static func publish(_ components: [StatusComponent], summary: StatusSummary?, to files: any PublicFileStorage,
                        at nowMS: Int64) async throws -> Int {
        var digests: [String: String] = [:], colors: [String: String] = [:], writtenAt: [String: Int64] = [:]
        if let data = try await files.readPublicFile(indexKey), let index = (try? JSONValue.parse(data))?.objectValue {
            for (key, value) in index["digests"]?.objectValue?.pairs ?? [] { if let d = value.stringValue { digests[key] = d } }
            for (key, value) in index["colors"]?.objectValue?.pairs ?? [] { if let c = value.stringValue { colors[key] = c } }
            for (key, value) in index["written"]?.objectValue?.pairs ?? [] { if case .int(let ms) = value { writtenAt[key] = ms } }
        }
        var written = 0
        // A stop (SIGTERM) ends the writing between two files: the first round writes two files
        // per checker, and the index below records just those written.
        badges: for (stem, badge) in badges(components, summary: summary, at: nowMS) {
            if Task.isCancelled { break badges }
            for (key, data) in [("badges/\(stem).svg", svg(badge)), ("badges/\(stem).json", shields(badge))] {
                let digest = Digest.sha256Hex(Array(data))
                guard digests[key] != digest else { continue }
                if colors[key] == badge.hex, let at = writtenAt[key], (0..<refreshMilliseconds).contains(nowMS - at) { continue }
                try await files.writePublicFile(key, data)
                digests[key] = digest
                colors[key] = badge.hex
                writtenAt[key] = nowMS
                written += 1
            }
        }
        guard written > 0 else { return 0 }
        let keys = digests.keys.sorted()
        func object<V>(_ map: [String: V], _ value: (V) -> JSONValue) -> JSONValue {
            .object(JSONObject(keys.compactMap { key in map[key].map { (key, value($0)) } }))
        }
        try await files.writePublicFile(indexKey, StatuspageAPI.data([
            ("version", .int(1)), ("digests", object(digests) { .string($0) }),
            ("colors", object(colors) { .string($0) }), ("written", object(writtenAt) { .int($0) })]))
        return written + 1
    }
}
