import Foundation

// Reading a summary fast: a one-shot `checkup --store` parses its node's whole summary each
// round, and JSONSerialization (an NSNumber per number, copied again into `JSONValue`) took
// 2 s for 1,000 endpoints. JSONDecoder decodes the rows straight into typed fields. A file it
// does not take exactly, or whose values break a rule, is read again the lenient way
// (`init(leniently:name:)`), which words the error, so both ways give the same summary.

private struct Invalid: Error {}

/// The next element of a row, required.
private func next<T: Decodable>(_ row: inout any UnkeyedDecodingContainer, _ type: T.Type = T.self) throws -> T {
    try row.decode(T.self)
}

/// The next element of a row: nil when it is `null` or the row has ended.
private func optional<T: Decodable>(_ row: inout any UnkeyedDecodingContainer, _ type: T.Type = T.self) throws -> T? {
    if row.isAtEnd { return nil }
    if try row.decodeNil() { return nil }
    return try row.decode(T.self)
}

private func state(_ code: Int) throws -> Status {
    guard let s = Status(code: code) else { throw Invalid() }
    return s
}

private struct PointRow: Decodable {
    var point: StatusSummary.Point
    init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        point = StatusSummary.Point(time: try next(&row), state: try state(try next(&row)), rtt: try next(&row),
                                    lookup: try optional(&row), connect: try optional(&row), tls: try optional(&row),
                                    firstByte: try optional(&row))
        guard row.count ?? 0 >= 7 else { throw Invalid() }
        // A count or flaky column is a number when present (null is an error, as the lenient reading says).
        point.count = row.isAtEnd ? 1 : try row.decode(Int.self)
        point.flaky = row.isAtEnd ? 0 : try row.decode(Int.self)
        guard point.count >= 1 && point.count <= 1_000_000 && point.flaky >= 0 && point.flaky <= point.count else { throw Invalid() }
    }
}

private struct DayRow: Decodable {
    var day: StatusSummary.Day
    init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        day = StatusSummary.Day(key: try next(&row), count: try next(&row), healthy: try next(&row), degraded: try next(&row),
                                down: try next(&row), unknown: try next(&row), min: try next(&row), median: try next(&row),
                                p95: try next(&row), max: try next(&row))
        day.flaky = try optional(&row) ?? 0
    }
}

private struct TallyRow: Decodable {
    var tally: StatusSummary.DayTally
    init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        tally = StatusSummary.DayTally(key: try next(&row))
        var n: [Int] = []
        for _ in 0..<6 {
            let value: Int = try next(&row)
            guard value >= 0 && value <= 1_000_000_000 else { throw Invalid() }
            n.append(value)
        }
        (tally.count, tally.healthy, tally.degraded, tally.down, tally.unknown, tally.flaky) = (n[0], n[1], n[2], n[3], n[4], n[5])
        guard tally.count == tally.healthy + tally.degraded + tally.down + tally.unknown, tally.flaky <= tally.count else { throw Invalid() }
        (tally.min, tally.max) = (try next(&row), try next(&row))
        let flat: [Int] = try next(&row)
        guard flat.count % 2 == 0 else { throw Invalid() }
        let pairs = stride(from: 0, to: flat.count, by: 2).map { (bin: flat[$0], count: flat[$0 + 1]) }
        guard let rtts = RTTHistogram(pairs: pairs), rtts.count == tally.count - tally.down else { throw Invalid() }
        tally.rtts = rtts
    }
}

private struct EventRow: Decodable {
    var event: StatusSummary.Event
    init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        event = StatusSummary.Event(time: try next(&row), state: try state(try next(&row)), reason: try next(&row))
    }
}

private struct VoteRow: Decodable {
    var vote: Vote
    init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        vote = Vote(origin: try next(&row), state: try state(try next(&row)), rtt: try next(&row), time: try next(&row),
                    reason: try next(&row))
    }
}

private struct MessageRow: Decodable {
    var message: StatusSummary.Message
    init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        message = StatusSummary.Message(time: try next(&row), title: try next(&row), endpoint: try next(&row), text: try next(&row))
    }
}

private struct LastRow: Decodable {
    var point: StatusSummary.Point
    init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        point = StatusSummary.Point(time: try next(&row), state: try state(try next(&row)), rtt: try next(&row))
    }
}

private struct EndpointObject: Decodable {
    var title: String, endpoint: String, threshold: Int64?, last: LastRow?
    var recent: [PointRow]?, days: [DayRow]?, open: [TallyRow]?, events: [EventRow]?, votes: [VoteRow]?

    var endpointValue: StatusSummary.Endpoint {
        var e = StatusSummary.Endpoint(title: title, endpoint: endpoint)
        e.threshold = threshold ?? 0
        e.last = last?.point
        e.recent = (recent ?? []).map(\.point)
        if let open {
            e.open = open.map(\.tally).sorted { $0.key < $1.key }
        } else {
            for point in e.recent { e.tally(point) }  // written before the tallies
        }
        let live = Set(e.open.map(\.key))
        e.frozen = (days ?? []).map(\.day).filter { !live.contains($0.key) }
        e.events = (events ?? []).map(\.event)
        e.votes = (votes ?? []).map(\.vote)
        return e
    }
}

private struct SummaryObject: Decodable {
    var version: Int, origin: String, location: String?, abstain: String?, updated: Int64
    var endpoints: [EndpointObject]?, verdicts: [EndpointObject]?, messages: [MessageRow]?
}

extension StatusSummary {
    /// The summary in `data` when JSONDecoder takes it whole and every rule holds; nil when it
    /// needs the lenient reading.
    static func decodeTypical(_ data: Data) -> StatusSummary? {
        guard let file = try? JSONDecoder().decode(SummaryObject.self, from: data), file.version == formatVersion else { return nil }
        var summary = StatusSummary(origin: file.origin)
        summary.location = file.location ?? ""
        summary.abstain = file.abstain ?? ""
        summary.updated = file.updated
        summary.endpoints = (file.endpoints ?? []).map(\.endpointValue)
        summary.verdicts = (file.verdicts ?? []).map(\.endpointValue)
        summary.messages = (file.messages ?? []).map(\.message)
        return summary
    }

    /// Reads a summary written by `jsonData()`.
    /// - Throws: `CheckupError` (`.storage`) naming `name` and what is malformed.
    public init(jsonData data: Data, name: String) throws(CheckupError) {
        if let summary = Self.decodeTypical(data) {
            self = summary
        } else {
            try self.init(leniently: data, name: name)
        }
    }
}
