import Foundation

/// A month's availability per endpoint (`checkup report --month 2026-11`), from a node's
/// summary (its verdicts when the store has several origins), the incidents and the maintenance
/// windows: nothing else, so it holds no secret.
///
/// - **Uptime** is (healthy + degraded) / (results − unknown) over the month's UTC days, as the
///   page counts it: a degraded result answered, a flaky one passed (on a retry), and results
///   taken under maintenance are not in the summary at all.
/// - An **outage** runs from a result that is down to the next result that is not (the summary's
///   state changes); one still on runs to the newest result. Outages are cut to the month, and
///   the time of the windows about the endpoint is taken out of them.
/// - **Incidents** are those about the endpoint's title that were open at some time in the month.
public struct MonthlyReport: Sendable, Equatable {
    /// `YYYY-MM`.
    public var month: String
    /// One row per endpoint, by title then endpoint.
    public var rows: [Row]

    /// One endpoint's month.
    public struct Row: Sendable, Equatable {
        /// The checker's title.
        public var title: String
        /// What it checked.
        public var endpoint: String
        /// Results in the month, by state, and how many were flaky.
        public var results = 0, healthy = 0, degraded = 0, down = 0, unknown = 0, flaky = 0
        /// Milliseconds down in the month, in all and in the longest outage.
        public var downtime: Int64 = 0, longestOutage: Int64 = 0
        /// The ids of the incidents about it open in the month, oldest first.
        public var incidents: [String] = []

        /// The uptime in percent with two decimals, rounded down; nil without a counted result.
        public var uptime: String? {
            let counted = results - unknown
            return counted > 0 ? String(StatusBadges.uptimeText(up: healthy + degraded, of: counted).dropLast()) : nil
        }
    }

    /// The first instant of `month` (`YYYY-MM`) and of the month after, in Unix nanoseconds.
    /// - Throws: `CheckupError` (`.usage`) when `month` is not `YYYY-MM`.
    public static func bounds(_ month: String) throws(CheckupError) -> (start: Int64, end: Int64) {
        let parts = month.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let start = RFC3339.parse(String(format: "%04d-%02d-01T00:00:00Z", y, m)),
              let end = RFC3339.parse(String(format: "%04d-%02d-01T00:00:00Z", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1)) else {
            throw CheckupError(.usage, "report: --month=\(month) is not a month such as 2026-11")
        }
        return (start, end)
    }

    /// The report of `month` from `series` (a summary's endpoints or verdicts).
    public init(month: String, series: [StatusSummary.Endpoint], incidents: [Incident], windows: [MaintenanceWindow]) throws(CheckupError) {
        let (start, end) = try Self.bounds(month)
        let startMS = start.floorMilliseconds, endMS = end.floorMilliseconds
        self.month = month
        rows = series.compactMap { e in
            var row = Row(title: e.title, endpoint: e.endpoint)
            for day in e.days where day.key.hasPrefix(month + "-") {
                row.results += day.count
                row.healthy += day.healthy
                row.degraded += day.degraded
                row.down += day.down
                row.unknown += day.unknown
                row.flaky += day.flaky
            }
            let title = e.title.lowercased()
            let held = windows.filter { $0.cancelled == nil && $0.about.contains { $0.lowercased() == title } }
                .map { (from: $0.from.floorMilliseconds, until: $0.until.floorMilliseconds) }
            for (from, until) in Self.outages(e) {
                let cut = Self.minus(held, from: max(from, startMS), until: min(until, endMS))
                row.downtime += cut.total
                row.longestOutage = max(row.longestOutage, cut.longest)
            }
            row.incidents = incidents.filter { i in
                i.about.contains { $0.lowercased() == title } && i.openedAt < end && (i.resolvedAt ?? .max) >= start
            }.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }.map(\.id)
            return row.results == 0 && row.downtime == 0 && row.incidents.isEmpty ? nil : row
        }
    }

    /// The endpoint's outages, `[from, until)` in Unix milliseconds.
    static func outages(_ e: StatusSummary.Endpoint) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        var since: Int64?
        for event in e.events {
            if event.state == .down { if since == nil { since = event.time } } else if let from = since {
                out.append((from, event.time))
                since = nil
            }
        }
        if let from = since { out.append((from, max(from, e.last?.time ?? from))) }
        return out
    }

    /// `[from, until)` less the `held` intervals: what is left in all, and its longest piece.
    static func minus(_ held: [(from: Int64, until: Int64)], from: Int64, until: Int64) -> (total: Int64, longest: Int64) {
        guard until > from else { return (0, 0) }
        var pieces = [(from, until)]
        for h in held {
            pieces = pieces.flatMap { p -> [(Int64, Int64)] in
                guard h.until > p.0, h.from < p.1 else { return [p] }
                return [(p.0, h.from), (h.until, p.1)].filter { $0.1 > $0.0 }
            }
        }
        return (pieces.reduce(0) { $0 + $1.1 - $1.0 }, pieces.map { $0.1 - $0.0 }.max() ?? 0)
    }
}

extension MonthlyReport {
    /// How a report is printed.
    public enum Format: String, Sendable, CaseIterable {
        case md, csv, json
    }

    /// The report in `format`, ending in a newline.
    public func text(_ format: Format) -> String {
        switch format {
        case .md: markdown
        case .csv: csv
        case .json: String(decoding: json.encoded(), as: UTF8.self) + "\n"
        }
    }

    static func go(_ ms: Int64) -> String { Duration.milliseconds(ms).goDescription }

    /// A Markdown table, durations as Go durations.
    var markdown: String {
        func cell(_ s: String) -> String {
            String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.properties.generalCategory != .control }))
                .replacingOccurrences(of: "|", with: "\\|")
        }
        var out = "# Availability in \(month) (UTC)\n\n"
        out += "| Endpoint | Uptime | Results | Down | Degraded | Flaky | Downtime | Longest outage | Incidents |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
        for r in rows {
            out += "| \(cell(r.title)) (\(cell(r.endpoint))) | \(r.uptime.map { $0 + "%" } ?? "–") | \(r.results) | \(r.down) | \(r.degraded) | "
            out += "\(r.flaky) | \(Self.go(r.downtime)) | \(Self.go(r.longestOutage)) | \(r.incidents.isEmpty ? "–" : r.incidents.joined(separator: ", ")) |\n"
        }
        if rows.isEmpty { out += "\nNo results in \(month).\n" }
        return out
    }

    /// RFC 4180 CSV with a header (CRLF line ends); durations in whole seconds, rounded down.
    var csv: String {
        // Control characters are dropped (a report is printed to terminals); then RFC 4180 quoting.
        func field(_ raw: String) -> String {
            let s = String(String.UnicodeScalarView(raw.unicodeScalars.filter { $0.properties.generalCategory != .control }))
            return s.contains(where: { $0 == "," || $0 == "\"" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = "title,endpoint,uptime_percent,results,healthy,degraded,down,unknown,flaky,downtime_seconds,longest_outage_seconds,incidents\r\n"
        for r in rows {
            out += [field(r.title), field(r.endpoint), r.uptime ?? "", "\(r.results)", "\(r.healthy)", "\(r.degraded)", "\(r.down)",
                    "\(r.unknown)", "\(r.flaky)", "\(r.downtime / 1000)", "\(r.longestOutage / 1000)", field(r.incidents.joined(separator: " "))]
                .joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// `{"month":…,"endpoints":[…]}`, durations in milliseconds.
    var json: JSONValue {
        .object(JSONObject([("month", .string(month)), ("endpoints", .array(rows.map { r in
            .object(JSONObject([("title", .string(r.title)), ("endpoint", .string(r.endpoint)),
                                ("uptime_percent", r.uptime.map { .string($0) } ?? .null), ("results", .int(Int64(r.results))),
                                ("healthy", .int(Int64(r.healthy))), ("degraded", .int(Int64(r.degraded))), ("down", .int(Int64(r.down))),
                                ("unknown", .int(Int64(r.unknown))), ("flaky", .int(Int64(r.flaky))), ("downtime_ms", .int(r.downtime)),
                                ("longest_outage_ms", .int(r.longestOutage)), ("incidents", .array(r.incidents.map(JSONValue.string)))]))
        }))]))
    }
}
