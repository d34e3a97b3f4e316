import Foundation

/// One planned maintenance window: the checkers it is about (by title), from when until when,
/// and what the visitors are told. During it those endpoints show "under maintenance" instead
/// of down, and their alerts are held back.
public struct MaintenanceWindow: Sendable, Equatable {
    /// A stable id: `YYYYMMDD-xxxx` for a window added with `checkup maintenance add`; for one
    /// from the config, `c` and 8 hex digits of its entry, `-`, and its start (`YYYYMMDDhhmm`).
    public var id: String
    /// The checkers' titles it is about.
    public var about: [String]
    /// When it starts and ends (exclusive), in UTC Unix nanoseconds.
    public var from: Int64
    public var until: Int64
    /// What the visitors are told.
    public var text: String
    /// When it was announced (stored windows: added; config windows: zero).
    public var created: Int64 = 0
    /// When it was cancelled, or nil.
    public var cancelled: Int64?

    /// Creates a window.
    public init(id: String, about: [String], from: Int64, until: Int64, text: String, created: Int64 = 0, cancelled: Int64? = nil) {
        self.id = id
        self.about = about
        self.from = from
        self.until = until
        self.text = text
        self.created = created
        self.cancelled = cancelled
    }

    /// Parses an RFC 3339 time (`2026-12-06T02:00:00Z`) into UTC Unix nanoseconds; nil when it is not one.
    public static func parseTime(_ text: String) -> Int64? { RFC3339.parse(text) }
    /// Formats UTC Unix nanoseconds as RFC 3339 in UTC.
    public static func formatTime(_ time: Int64) -> String { RFC3339.format(time) }

    /// Whether `result` was taken while this window was on for its checker (by title, any case).
    public func holds(_ result: CheckResult) -> Bool {
        isActive(at: result.timestamp) && about.contains { $0.lowercased() == result.title.lowercased() }
    }

    /// Whether it is on at `time` (and not cancelled).
    public func isActive(at time: Int64) -> Bool { cancelled == nil && from <= time && time < until }

    /// Whether it covers the checker titled `title` (compared without case) at `time`.
    public func covers(_ title: String, at time: Int64) -> Bool {
        isActive(at: time) && about.contains { $0.lowercased() == title.lowercased() }
    }

    /// The window as the page's view and the stored objects hold it.
    var json: JSONValue {
        var o = JSONObject()
        o.append("id", .string(id))
        o.append("about", .array(about.map(JSONValue.string)))
        o.append("from", .string(RFC3339.format(from)))
        o.append("until", .string(RFC3339.format(until)))
        o.append("text", .string(text))
        if created != 0 { o.append("created", .string(RFC3339.format(created))) }
        o.append("cancelled", cancelled.map { .string(RFC3339.format($0)) })
        return .object(o)
    }

    /// Reads `json`'s form; `name` is for the error.
    init(json value: JSONValue, name: String) throws(CheckupError) {
        func bad(_ what: String) -> CheckupError { CheckupError(.format, "\(name): \(what)") }
        guard let o = value.objectValue else { throw bad("not a JSON object") }
        func time(_ key: String) throws(CheckupError) -> Int64 {
            guard let t = o[key]?.stringValue.flatMap(RFC3339.parse) else { throw bad("\(key): not an RFC 3339 time") }
            return t
        }
        guard let id = o["id"]?.stringValue, !id.isEmpty, id.count <= 40 else { throw bad("id: not an id") }
        let about = (o["about"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard let text = o["text"]?.stringValue, text.count <= IncidentEvent.maximumTextLength else { throw bad("text: not a text") }
        self.init(id: id, about: about, from: try time("from"), until: try time("until"), text: text,
                  created: o["created"] == nil ? 0 : try time("created"), cancelled: o["cancelled"] == nil ? nil : try time("cancelled"))
    }
}

/// A recurring window's rule, `every sunday 02:00 for 1h` or `every day 23:30 for 45m` (UTC; a
/// trailing `UTC` may be written): a weekday or `day`, a start time, and a Go duration of at
/// most a week.
public struct MaintenanceSchedule: Sendable, Equatable {
    /// 0 for Sunday … 6 for Saturday; nil for every day.
    public var weekday: Int?
    /// Minutes after midnight UTC.
    public var minute: Int
    /// How long each occurrence lasts.
    public var duration: Duration

    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// Parses the rule; nil when `text` is not one.
    public init?(_ text: String) {
        var words = text.lowercased().split(separator: " ").map(String.init)
        if words.last == "utc" { words.removeLast() }
        guard words.count == 5, words[0] == "every", words[3] == "for" else { return nil }
        if words[1] == "day" {
            weekday = nil
        } else if let day = Self.weekdays.firstIndex(where: { $0 == words[1] || $0.hasSuffix("day") && String($0.prefix(3)) == words[1] }) {
            weekday = day
        } else {
            return nil
        }
        let clock = words[2].split(separator: ":")
        guard clock.count == 2, clock[0].count == 2, clock[1].count == 2, let h = Int(clock[0]), let m = Int(clock[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        minute = h * 60 + m
        guard let d = Duration(goString: words[4]), d > .zero, d <= .seconds(7 * 86_400) else { return nil }
        duration = d
    }

    /// The occurrences (start, end) that overlap `start..<end`, oldest first.
    public func occurrences(overlapping start: Int64, _ end: Int64) -> [(from: Int64, until: Int64)] {
        let day: Int64 = 86_400_000_000_000, length = duration.nanoseconds
        var out: [(Int64, Int64)] = []
        // From the day an occurrence that still runs at `start` may have begun on.
        var d = (start - length) >= 0 ? (start - length) / day : -((day - 1 - (start - length)) / day)
        while d * day < end {
            // 1970-01-01 was a Thursday (4).
            let weekdayOfD = Int(((d % 7) + 7 + 4) % 7)
            if weekday == nil || weekday == weekdayOfD {
                let from = d * day + Int64(minute) * 60_000_000_000
                if from < end && from + length > start { out.append((from, from + length)) }
            }
            d += 1
        }
        return out
    }
}

/// A maintenance entry of the config (`maintenance`): the checkers it is about and its text,
/// and either one window (`from`, `until`) or a recurring `schedule`.
public struct MaintenancePlan: Sendable, Equatable {
    /// The checkers' titles (`about`).
    public var about: [String]
    /// What the visitors are told (`text`).
    public var text: String
    /// A single window (`from`, `until`, RFC 3339), when there is no schedule.
    public var from: Int64?
    public var until: Int64?
    /// The recurring rule as written (`schedule`, e.g. `every sunday 02:00 for 1h`), or nil.
    public var schedule: String?

    /// Creates an entry; give either `from` and `until` or `schedule`.
    public init(about: [String], text: String, from: Int64? = nil, until: Int64? = nil, schedule: String? = nil) {
        self.about = about
        self.text = text
        self.from = from
        self.until = until
        self.schedule = schedule
    }

    /// Its windows that overlap `start..<end`, each with a stable id.
    public func windows(overlapping start: Int64, _ end: Int64) -> [MaintenanceWindow] {
        let key = Digest.sha256Hex(Array((about.joined(separator: "\n") + "\u{0}" + (schedule ?? "") + "\u{0}" + text).utf8)).prefix(8)
        let spans: [(from: Int64, until: Int64)]
        if let schedule, let rule = MaintenanceSchedule(schedule) {
            spans = rule.occurrences(overlapping: start, end)
        } else if let from, let until, from < end, until > start {
            spans = [(from, until)]
        } else {
            spans = []
        }
        return spans.map { span in
            let (y, mo, d) = RFC3339.civilFromDays(Int(span.from / 86_400_000_000_000))
            let minutes = Int(span.from % 86_400_000_000_000 / 60_000_000_000)
            let stamp = String(format: "%04d%02d%02d%02d%02d", y, mo, d, minutes / 60, minutes % 60)
            return MaintenanceWindow(id: "c\(key)-\(stamp)", about: about, from: span.from, until: span.until, text: text)
        }
    }
}
