// The cost of keeping a node's status summary: its size, and the time one round's update takes,
// for a node that has checked N endpoints every minute for 100 days. Built by SwiftPM as
// `checkup-summary-bench`; run through `python3 Benchmarks/summary.py`, which prints the table.
//
//     checkup-summary-bench ENDPOINTS [ROUNDS [FILE]]   # prints one JSON object; writes the summary to FILE
import CheckupKit
import Foundation

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
guard let endpoints = arguments.first, endpoints > 0 else {
    FileHandle.standardError.write(Data("usage: checkup-summary-bench ENDPOINTS [ROUNDS]\n".utf8))
    exit(2)
}
let measuredRounds = arguments.dropFirst().first ?? 20

// A pinned time, so every run builds the same history: 2026-11-25T12:00:00Z.
let noonMS: Int64 = 1_795_608_000_000
let minute: Int64 = 60_000, day: Int64 = 86_400_000
var state: UInt64 = 1
@MainActor func random(_ range: ClosedRange<Int64>) -> Int64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return range.lowerBound + Int64((state >> 33) % UInt64(range.upperBound - range.lowerBound + 1))
}
@MainActor func result(_ i: Int, at ms: Int64) -> CheckResult {
    let rtt = Duration.nanoseconds(random(20_000_000...120_000_000))
    let failed = random(0...999) < 2
    var r = CheckResult(title: "Endpoint \(i)", endpoint: "https://service-\(i).example.test/health", timestamp: ms * 1_000_000,
                        times: [Attempt(rtt: rtt, error: failed ? "response status 503 Service Unavailable" : nil,
                                        nameLookup: .milliseconds(2), connect: .milliseconds(8), tlsHandshake: .milliseconds(15),
                                        firstByte: rtt - .milliseconds(30))])
    r.conclude()
    return r
}
@MainActor func round(at ms: Int64) -> [CheckResult] { (0..<endpoints).map { result($0, at: ms) } }
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

// 98 finished days (an hourly result each, so the build stays quick: their rows are the same
// size as a minutely day's but for the digits of the counts), then 26 hours of a round a minute.
var summary = StatusSummary(origin: "node-a")
let first = noonMS - 100 * day
for d in 0..<98 {
    let dayStart = first + Int64(d) * day
    summary.add((0..<24).flatMap { h in round(at: dayStart + Int64(h) * 3_600_000) }, now: (dayStart + day) * 1_000_000)
}
var t = noonMS - 26 * 3_600_000
let build = seconds {
    while t < noonMS {
        summary.add(round(at: t), now: t * 1_000_000 + 1_000_000)
        t += minute
    }
}

// One round's update, measured `measuredRounds` times: in a long-running `every` (the summary is
// in memory: add and encode) and in a one-shot `--store` (parse the stored bytes first).
var data = summary.jsonData()
var inMemory: [Double] = [], oneShot: [Double] = [], parse: [Double] = [], encode: [Double] = []
for _ in 0..<measuredRounds {
    let next = round(at: t)
    var copy = summary
    inMemory.append(seconds {
        summary.add(next, now: t * 1_000_000 + 1_000_000)
        data = summary.jsonData()
    })
    encode.append(seconds { _ = summary.jsonData() })
    oneShot.append(try seconds {
        let stored = try StatusSummary(jsonData: data, name: "summary")
        parse.append(try seconds { _ = try StatusSummary(jsonData: data, name: "summary") })
        copy = stored
        copy.add(next, now: t * 1_000_000 + 1_000_000)
        _ = copy.jsonData()
    })
    t += minute
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let points = summary.endpoints.reduce(0) { $0 + $1.recent.count }
let days = summary.endpoints.reduce(0) { $0 + $1.days.count }
let report: [String: Any] = [
    "endpoints": endpoints, "summary_bytes": data.count, "points": points, "days": days,
    "build_seconds": build, "rounds": measuredRounds,
    "update_in_memory_ms": median(inMemory) * 1000, "update_one_shot_ms": median(oneShot) * 1000,
    "parse_ms": median(parse) * 1000, "encode_ms": median(encode) * 1000,
]
if CommandLine.arguments.count > 3 { try data.write(to: URL(fileURLWithPath: CommandLine.arguments[3])) }
let out = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
FileHandle.standardOutput.write(out + Data("\n".utf8))
