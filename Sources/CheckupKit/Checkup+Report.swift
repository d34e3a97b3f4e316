import Foundation

// The monthly availability report (`checkup report`), from this node's summary, the store's
// incidents and the maintenance windows.
extension Checkup {
    /// The report of `month` (`YYYY-MM`): this node's summary (its verdicts when the store has
    /// several origins), the incidents of the store and every window (stored, and the config's).
    /// - Throws: `CheckupError` for a malformed month, a store without summaries, or a month
    ///   older than the summaries keep.
    public func report(month: String, at now: Int64 = CheckResult.now()) async throws -> MonthlyReport {
        let (start, end) = try MonthlyReport.bounds(month)
        guard let summaries, let store = storage as? any StatusObjectStorage & SummaryStorage else {
            throw CheckupError(.config, storage == nil ? "no storage configured" : "configured storage type does not keep status summaries")
        }
        let retention = Int64(StatusSummary.retentionDays) * 86_400_000_000_000
        guard end > now - retention else {
            throw CheckupError(.usage, "report: \(month) ended more than \(StatusSummary.retentionDays) days ago; the summaries keep \(StatusSummary.retentionDays) days")
        }
        let summary = try await summaries.load() ?? StatusSummary(origin: summaries.origin)
        let incidents = try await IncidentLog(storage: store).incidents()
        let stored = try await MaintenanceLog(storage: store).stored()
        let windows = stored + maintenance.flatMap { $0.windows(overlapping: start, end) }
        return try MonthlyReport(month: month, series: summary.verdicts.isEmpty ? summary.endpoints : summary.verdicts,
                                 incidents: incidents, windows: windows)
    }
}
