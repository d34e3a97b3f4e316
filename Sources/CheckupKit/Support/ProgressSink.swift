/// Where long work reports how far it has come (`done` of `total`, and the step just done or
/// about to start): the checkers of a round, the files of a rebuild, the steps of provisioning.
/// The library never draws it; the `checkup` command shows it on a terminal only.
public struct ProgressSink: Sendable {
    /// Receives one report.
    public var report: @Sendable (_ done: Int, _ total: Int, _ step: String) -> Void

    /// Creates a sink that passes each report to `report`.
    public init(_ report: @escaping @Sendable (_ done: Int, _ total: Int, _ step: String) -> Void) { self.report = report }

    /// Drops every report.
    public static let discard = ProgressSink { _, _, _ in }
}
