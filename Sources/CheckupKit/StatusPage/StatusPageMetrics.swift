import Foundation
import Synchronization

// `GET /metrics` on `checkup serve`: the latest round of every origin in the store, as the
// Prometheus text format, and the server's own request counters.

extension StatusPageServer {
    /// The path of the metrics.
    static let metricsPath = "/metrics"

    /// How many responses the server gave, by status code: the handler's, and those the event
    /// loop gives itself (malformed or too large heads, other methods than GET and HEAD, deadlines
    /// missed, connections over the caps).
    final class RequestCounts: Sendable {
        private let counts = Mutex<[Int: Int]>([:])

        /// Counts one response with `status`.
        func add(_ status: Int) { counts.withLock { $0[status, default: 0] += 1 } }

        /// The counts so far, by status code.
        var byStatus: [Int: Int] { counts.withLock { $0 } }
    }

    /// The metrics of the store's latest rounds (`summaries/<origin>.latest.json` of every origin
    /// the manifest lists) and `counts`. A latest round records each endpoint's state, median
    /// round trip and time, not its attempts, phases or certificate: those series come from
    /// `checkup --format prometheus` only. Nor does it record the checker type: `types` (by
    /// `"<title>\n<endpoint>"`, from this server's config) gives the `type` label.
    static func metrics(_ storage: (any SummaryStorage)?, counts: RequestCounts, types: [String: String]) -> Response {
        let outcome = waitFor { () async throws -> [LatestRound] in
            guard let storage else { return [] }
            let summaries = StatusSummaries(storage: storage, origin: "")
            return try await summaries.latestRounds(of: try await summaries.origins())
        }
        let rounds: [LatestRound]
        switch outcome {
        case .success(let r): rounds = r
        case .failure(let error): return .text(502, "storage: \(error)")
        }
        var text = PrometheusText()
        CheckMetrics.write(rounds.flatMap { round in
            round.results.map {
                CheckMetrics(name: $0.title, type: types[$0.title + "\n" + $0.endpoint] ?? "", endpoint: $0.endpoint,
                             origin: round.origin, status: $0.state,
                             rtt: .nanoseconds($0.rtt), time: round.time * 1_000_000)
            }
        }, to: &text)
        text.family("checkup_origin_last_round_timestamp_seconds", type: "gauge",
                    help: "When each origin stored its latest round, in Unix seconds.",
                    rounds.map { ([("origin", $0.origin)], Double($0.time) / 1000) })
        // This response is counted too, once it is made: the scrape that reads a count never sees itself.
        let requests = counts.byStatus.sorted { $0.key < $1.key }.map { ([("code", String($0.key))], Double($0.value)) }
        text.family("checkup_http_requests_total", type: "counter",
                    help: "Requests the status page server answered since it started, by status code.",
                    requests.isEmpty ? [([("code", "200")], 0)] : requests)
        return Response(status: 200, headers: [("Content-Type", PrometheusText.contentType), ("Cache-Control", "no-store")],
                        body: .bytes(Array(text.text.utf8)))
    }
}
