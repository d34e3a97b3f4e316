/// Something told about every round of results, e.g. to send an alert.
///
/// `Checkup` calls every notifier after each round; an error is reported through the log sink
/// and never stops the other notifiers, the storing or the loop.
public protocol Notifier: Sendable {
    /// A short name for reports, such as `slack`.
    var typeName: String { get }
    /// Receives one round of results.
    func notify(_ results: [CheckResult]) async throws
}
