/// Summary statistics of a result's round-trip times.
public struct Stats: Sendable, Equatable {
    /// The sum of all round-trip times.
    public var total: Duration
    /// The integer mean, as Go computes it (`total / count`).
    public var mean: Duration
    /// The median; with an even count, the integer mean of the two middle values.
    public var median: Duration
    /// The smallest non-zero round-trip time (a zero time never counts as the minimum, as in Go).
    public var min: Duration
    /// The largest round-trip time.
    public var max: Duration

    /// Computes the statistics of `attempts`. Zero attempts give all zeros (the Go original panics).
    public init(_ attempts: [Attempt]) {
        let rtts = attempts.map { $0.rtt.nanoseconds }
        guard !rtts.isEmpty else {
            total = .zero; mean = .zero; median = .zero; min = .zero; max = .zero
            return
        }
        let sum = rtts.reduce(0, &+)
        total = .nanoseconds(sum)
        mean = .nanoseconds(sum / Int64(rtts.count))
        median = .nanoseconds(Quantile.median(rtts) ?? 0)
        min = .nanoseconds(rtts.filter { $0 != 0 }.min() ?? 0)
        max = .nanoseconds(rtts.max() ?? 0)
    }
}
