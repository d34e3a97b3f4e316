import Foundation

// The summary's JSON: compact arrays, since a node's file holds thousands of points. The README's
// "Status summaries" section is the reference for the page and for other readers.
extension StatusSummary {
    /// The summary as written to `summaries/<origin>.json`.
    public func jsonData() -> Data {
        func int(_ v: Int64) -> JSONValue { .int(v) }
        func optional(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
        func list(_ endpoints: [Endpoint]) -> JSONValue {
            .array(endpoints.map { e in
                var o = JSONObject()
                o.append("title", .string(e.title))
                o.append("endpoint", .string(e.endpoint))
                o.append("threshold", int(e.threshold))
                o.append("last", e.last.map { .array([int($0.time), .int(Int64($0.state.code)), int($0.rtt)]) } ?? .null)
                // A point with flaky results carries its count and how many were flaky (8th and 9th
                // columns); a day with flaky results their count (an 11th).
                o.append("recent", .array(e.recent.map { p in
                    .array([int(p.time), .int(Int64(p.state.code)), int(p.rtt),
                            optional(p.lookup), optional(p.connect), optional(p.tls), optional(p.firstByte)]
                           + (p.flaky > 0 ? [.int(Int64(p.count)), .int(Int64(p.flaky))]  // a 9th: how many were flaky
                              : p.count > 1 ? [.int(Int64(p.count))] : []))  // an 8th column only for folded points
                }))
                o.append("days", .array(e.days.map { d in
                    .array([.string(d.key), .int(Int64(d.count)), .int(Int64(d.healthy)), .int(Int64(d.degraded)),
                            .int(Int64(d.down)), .int(Int64(d.unknown)), int(d.min), int(d.median), int(d.p95), int(d.max)]
                           + (d.flaky > 0 ? [.int(Int64(d.flaky))] : []))
                }))
                // The open days' tallies, for the next writer: their rows are in `days` already.
                if !e.open.isEmpty {
                    o.append("open", .array(e.open.map { t in
                        .array([.string(t.key)] + [t.count, t.healthy, t.degraded, t.down, t.unknown, t.flaky].map { .int(Int64($0)) }
                               + [int(t.min), int(t.max), .array(t.rtts.sortedPairs.flatMap { [.int(Int64($0.bin)), .int(Int64($0.count))] })])
                    }))
                }
                o.append("events", .array(e.events.map { .array([int($0.time), .int(Int64($0.state.code)), .string($0.reason)]) }))
                if !e.votes.isEmpty {
                    o.append("votes", .array(e.votes.map {
                        .array([.string($0.origin), .int(Int64($0.state.code)), int($0.rtt), int($0.time), .string($0.reason)])
                    }))
                }
                return .object(o)
            })
        }
        var top = JSONObject()
        top.append("version", .int(Int64(Self.formatVersion)))
        top.append("origin", .string(origin))
        if !location.isEmpty { top.append("location", .string(location)) }
        if !abstain.isEmpty { top.append("abstain", .string(abstain)) }
        top.append("updated", int(updated))
        top.append("endpoints", list(endpoints))
        if !verdicts.isEmpty { top.append("verdicts", list(verdicts)) }
        top.append("messages", .array(messages.map {
            .array([int($0.time), .string($0.title), .string($0.endpoint), .string($0.text)])
        }))
        return JSONValue.object(top).encoded()
    }

    /// Reads a summary written by `jsonData()`.
    /// - Throws: `CheckupError` (`.storage`) naming `name` and what is malformed.
    public init(jsonData data: Data, name: String) throws(CheckupError) {
        func fail(_ what: String) -> CheckupError { CheckupError(.storage, "\(name): \(what)") }
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch let error as JSONValue.ParseError {
            throw fail("is not JSON: \(error.message)")
        } catch {
            throw fail("is not JSON")
        }
        guard let top = json.objectValue else { throw fail("is not a JSON object") }
        guard case .int(let version)? = top["version"], version == Int64(Self.formatVersion) else {
            throw fail("version: expected \(Self.formatVersion)")
        }
        func int(_ v: JSONValue?, _ path: String) throws(CheckupError) -> Int64 {
            switch v {
            case .int(let i)?: return i
            case .double(let d)? where d.isFinite && d == d.rounded(): return Int64(d)
            default: throw fail("\(path): expected an integer")
            }
        }
        func optionalInt(_ v: JSONValue?, _ path: String) throws(CheckupError) -> Int64? {
            if v == nil || v == .null { return nil }
            return try int(v, path)
        }
        func string(_ v: JSONValue?, _ path: String) throws(CheckupError) -> String {
            guard let s = v?.stringValue else { throw fail("\(path): expected a string") }
            return s
        }
        func state(_ v: JSONValue?, _ path: String) throws(CheckupError) -> Status {
            guard let s = Status(code: Int(try int(v, path))) else { throw fail("\(path): expected a state 0–3") }
            return s
        }
        func rows(_ v: JSONValue?, _ path: String, width: Int) throws(CheckupError) -> [[JSONValue]] {
            if v == nil || v == .null { return [] }
            guard let items = v?.arrayValue else { throw fail("\(path): expected an array") }
            var out: [[JSONValue]] = []
            for (i, item) in items.enumerated() {
                guard let row = item.arrayValue, row.count >= width else {
                    throw fail("\(path)[\(i)]: expected an array of \(width)")
                }
                out.append(row)
            }
            return out
        }
        self.init(origin: try string(top["origin"], "origin"))
        if let place = top["location"], place != .null { location = try string(place, "location") }
        if let reason = top["abstain"], reason != .null { abstain = try string(reason, "abstain") }
        updated = try int(top["updated"], "updated")
        func endpointList(_ key: String) throws(CheckupError) -> [Endpoint] {
            var list: [Endpoint] = []
            for (i, item) in (top[key]?.arrayValue ?? []).enumerated() {
                let p = "\(key)[\(i)]"
                guard let o = item.objectValue else { throw fail("\(p): expected an object") }
                var e = Endpoint(title: try string(o["title"], p + ".title"), endpoint: try string(o["endpoint"], p + ".endpoint"))
                e.threshold = try optionalInt(o["threshold"], p + ".threshold") ?? 0
                if let last = o["last"], last != .null {
                    guard let row = last.arrayValue, row.count >= 3 else { throw fail("\(p).last: expected an array of 3") }
                    e.last = Point(time: try int(row[0], p + ".last[0]"), state: try state(row[1], p + ".last[1]"),
                                   rtt: try int(row[2], p + ".last[2]"))
                }
                for (j, row) in try rows(o["recent"], p + ".recent", width: 7).enumerated() {
                    let q = "\(p).recent[\(j)]"
                    let count = row.count > 7 ? try int(row[7], q) : 1
                    guard count >= 1 && count <= 1_000_000 else { throw fail("\(q)[7]: \(count) is not a count of results") }
                    let flaky = row.count > 8 ? try int(row[8], q) : 0
                    guard flaky >= 0 && flaky <= count else { throw fail("\(q)[8]: \(flaky) is not a count of flaky results") }
                    e.recent.append(Point(time: try int(row[0], q), state: try state(row[1], q), rtt: try int(row[2], q),
                                          lookup: try optionalInt(row[3], q), connect: try optionalInt(row[4], q),
                                          tls: try optionalInt(row[5], q), firstByte: try optionalInt(row[6], q),
                                          count: Int(count), flaky: Int(flaky)))
                }
                if o["open"] != nil && o["open"] != .null {
                    e.open = try Self.tallies(o["open"], p + ".open", rows: rows, int: int, string: string, fail: fail)
                } else {
                    // Written before the tallies: the days still covered by `recent` are tallied from it.
                    for point in e.recent { e.tally(point) }
                }
                let live = Set(e.open.map(\.key))
                for (j, row) in try rows(o["days"], p + ".days", width: 10).enumerated() {
                    let q = "\(p).days[\(j)]"
                    let key = try string(row[0], q)
                    guard !live.contains(key) else { continue }
                    var n: [Int64] = []
                    for k in 1..<10 { n.append(try int(row[k], q)) }
                    e.frozen.append(Day(key: key, count: Int(n[0]), healthy: Int(n[1]), degraded: Int(n[2]), down: Int(n[3]),
                                        unknown: Int(n[4]), min: n[5], median: n[6], p95: n[7], max: n[8],
                                        flaky: row.count > 10 ? Int(try optionalInt(row[10], q) ?? 0) : 0))
                }
                for (j, row) in try rows(o["events"], p + ".events", width: 3).enumerated() {
                    let q = "\(p).events[\(j)]"
                    e.events.append(Event(time: try int(row[0], q), state: try state(row[1], q), reason: try string(row[2], q)))
                }
                for (j, row) in try rows(o["votes"], p + ".votes", width: 5).enumerated() {
                    let q = "\(p).votes[\(j)]"
                    e.votes.append(Vote(origin: try string(row[0], q), state: try state(row[1], q), rtt: try int(row[2], q),
                                        time: try int(row[3], q), reason: try string(row[4], q)))
                }
                list.append(e)
            }
            return list
        }
        endpoints = try endpointList("endpoints")
        verdicts = try endpointList("verdicts")
        for (j, row) in try rows(top["messages"], "messages", width: 4).enumerated() {
            let q = "messages[\(j)]"
            messages.append(Message(time: try int(row[0], q), title: try string(row[1], q),
                                    endpoint: try string(row[2], q), text: try string(row[3], q)))
        }
    }
}

extension StatusSummary {
    /// Reads the `open` tallies (see `jsonData()`), checking that the counts add up.
    fileprivate static func tallies(
        _ v: JSONValue?, _ path: String,
        rows: (JSONValue?, String, Int) throws(CheckupError) -> [[JSONValue]],
        int: (JSONValue?, String) throws(CheckupError) -> Int64,
        string: (JSONValue?, String) throws(CheckupError) -> String,
        fail: (String) -> CheckupError
    ) throws(CheckupError) -> [DayTally] {
        var out: [DayTally] = []
        for (j, row) in try rows(v, path, 10).enumerated() {
            let q = "\(path)[\(j)]"
            var t = DayTally(key: try string(row[0], q))
            var n: [Int] = []
            for k in 1...6 {
                let value = try int(row[k], "\(q)[\(k)]")
                guard value >= 0 && value <= 1_000_000_000 else { throw fail("\(q)[\(k)]: \(value) is not a count of results") }
                n.append(Int(value))
            }
            (t.count, t.healthy, t.degraded, t.down, t.unknown, t.flaky) = (n[0], n[1], n[2], n[3], n[4], n[5])
            guard t.count == t.healthy + t.degraded + t.down + t.unknown, t.flaky <= t.count else {
                throw fail("\(q): the counts by state do not add up to \(t.count)")
            }
            (t.min, t.max) = (try int(row[7], "\(q)[7]"), try int(row[8], "\(q)[8]"))
            guard let flat = row[9].arrayValue, flat.count % 2 == 0 else { throw fail("\(q)[9]: expected pairs of bin and count") }
            var pairs: [(bin: Int, count: Int)] = []
            for i in stride(from: 0, to: flat.count, by: 2) {
                let bin = try int(flat[i], "\(q)[9]"), count = try int(flat[i + 1], "\(q)[9]")
                guard bin >= 0 && bin < 1 << 20 && count > 0 && count <= 1_000_000_000 else { throw fail("\(q)[9]: bin \(bin) × \(count) is out of range") }
                pairs.append((Int(bin), Int(count)))
            }
            guard let rtts = RTTHistogram(pairs: pairs), rtts.count == t.count - t.down else {
                throw fail("\(q)[9]: the histogram does not hold the \(t.count - t.down) results that were not down")
            }
            t.rtts = rtts
            out.append(t)
        }
        return out.sorted { $0.key < $1.key }
    }
}

extension Status {
    /// The summary's number for a state: 0 healthy, 1 degraded, 2 down, 3 unknown.
    var code: Int {
        switch self {
        case .healthy: 0
        case .degraded: 1
        case .down: 2
        case .unknown: 3
        }
    }

    init?(code: Int) {
        switch code {
        case 0: self = .healthy
        case 1: self = .degraded
        case 2: self = .down
        case 3: self = .unknown
        default: return nil
        }
    }
}
