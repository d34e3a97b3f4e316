import Foundation

// The summary's JSON: compact arrays, since a node's file holds thousands of points, written
// straight into bytes (no `JSONValue` tree: a round of a 1,000-endpoint node writes 20 MB). The
// README's "Status summaries" section is the reference for the page and for other readers.
extension StatusSummary {
    /// The summary as written to `summaries/<origin>.json`.
    public func jsonData() -> Data {
        var w = RowWriter()
        w.out.reserveCapacity(256 + endpoints.count * 12_000)
        w.raw("{\"version\":"); w.int(Int64(Self.formatVersion))
        w.raw(",\"origin\":"); w.string(origin)
        if !location.isEmpty { w.raw(",\"location\":"); w.string(location) }
        if !abstain.isEmpty { w.raw(",\"abstain\":"); w.string(abstain) }
        w.raw(",\"updated\":"); w.int(updated)
        w.raw(",\"endpoints\":"); w.list(endpoints)
        if !verdicts.isEmpty { w.raw(",\"verdicts\":"); w.list(verdicts) }
        w.raw(",\"messages\":[")
        for (i, m) in messages.enumerated() {
            w.raw(i == 0 ? "[" : ",["); w.int(m.time); w.comma(); w.string(m.title); w.comma(); w.string(m.endpoint)
            w.comma(); w.string(m.text); w.raw("]")
        }
        w.raw("]}")
        return Data(w.out)
    }

    /// Reads a summary written by `jsonData()` the slow way, through `JSONValue`, with an error
    /// naming the key path of anything malformed (`init(jsonData:name:)` tries JSONDecoder first).
    init(leniently data: Data, name: String) throws(CheckupError) {
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

/// Bytes of the summary's JSON, with the same escaping as `JSONValue`.
private struct RowWriter {
    var out: [UInt8] = []

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }
    mutating func comma() { out.append(UInt8(ascii: ",")) }
    mutating func int(_ v: Int64) { JSONValue.writeInt(v, to: &out) }
    mutating func int(_ v: Int) { JSONValue.writeInt(Int64(v), to: &out) }
    mutating func optional(_ v: Int64?) {
        if let v { int(v) } else { raw("null") }
    }
    mutating func string(_ s: String) { JSONValue.writeString(s, to: &out) }
    /// Rows of `items`, each written by `row` between its brackets.
    mutating func rows<T>(_ items: [T], _ row: (inout Self, T) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            raw(i == 0 ? "[" : ",[")
            row(&self, item)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
    }

    mutating func list(_ endpoints: [StatusSummary.Endpoint]) {
        out.append(UInt8(ascii: "["))
        for (i, e) in endpoints.enumerated() {
            raw(i == 0 ? "{\"title\":" : ",{\"title\":"); string(e.title)
            raw(",\"endpoint\":"); string(e.endpoint)
            raw(",\"threshold\":"); int(e.threshold)
            raw(",\"last\":")
            if let p = e.last {
                raw("["); int(p.time); comma(); int(p.state.code); comma(); int(p.rtt); raw("]")
            } else {
                raw("null")
            }
            // A point with flaky results carries its count and how many were flaky (8th and 9th
            // columns); a folded point its count (an 8th); a day with flaky results their count (an 11th).
            raw(",\"recent\":")
            rows(e.recent) { w, p in
                w.int(p.time); w.comma(); w.int(p.state.code); w.comma(); w.int(p.rtt)
                w.comma(); w.optional(p.lookup); w.comma(); w.optional(p.connect)
                w.comma(); w.optional(p.tls); w.comma(); w.optional(p.firstByte)
                if p.flaky > 0 {
                    w.comma(); w.int(p.count); w.comma(); w.int(p.flaky)
                } else if p.count > 1 {
                    w.comma(); w.int(p.count)
                }
            }
            raw(",\"days\":")
            rows(e.days) { w, d in
                w.string(d.key)
                w.comma(); w.int(d.count); w.comma(); w.int(d.healthy); w.comma(); w.int(d.degraded)
                w.comma(); w.int(d.down); w.comma(); w.int(d.unknown)
                w.comma(); w.int(d.min); w.comma(); w.int(d.median); w.comma(); w.int(d.p95); w.comma(); w.int(d.max)
                if d.flaky > 0 { w.comma(); w.int(d.flaky) }
            }
            // The open days' tallies, for the next writer: their rows are in `days` already.
            if !e.open.isEmpty {
                raw(",\"open\":")
                rows(e.open) { w, t in
                    w.string(t.key)
                    for n in [t.count, t.healthy, t.degraded, t.down, t.unknown, t.flaky] { w.comma(); w.int(n) }
                    w.comma(); w.int(t.min); w.comma(); w.int(t.max); w.raw(",[")
                    for (j, pair) in t.rtts.sortedPairs.enumerated() {
                        if j > 0 { w.comma() }
                        w.int(pair.bin); w.comma(); w.int(pair.count)
                    }
                    w.raw("]")
                }
            }
            raw(",\"events\":")
            rows(e.events) { w, v in w.int(v.time); w.comma(); w.int(v.state.code); w.comma(); w.string(v.reason) }
            if !e.votes.isEmpty {
                raw(",\"votes\":")
                rows(e.votes) { w, v in
                    w.string(v.origin); w.comma(); w.int(v.state.code); w.comma(); w.int(v.rtt); w.comma(); w.int(v.time)
                    w.comma(); w.string(v.reason)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
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
