/// Order statistics of integer samples (nanoseconds), the one rule every figure of checkup uses.
enum Quantile {
    /// The median of `sorted` (ascending): the middle value or, with an even count, the integer
    /// mean of the two middle values, with Go's wrapping `int64` sum; nil when empty.
    static func median(ofSorted sorted: [Int64]) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] &+ sorted[n / 2]) / 2
    }

    /// The median of `values` in any order; nil when empty.
    static func median(_ values: [Int64]) -> Int64? { median(ofSorted: values.sorted()) }

    /// The nearest-rank `percent` percentile of `sorted` (ascending): the smallest value with at
    /// least `percent`% of the values at or below it; nil when empty.
    static func nearestRank(_ percent: Int, ofSorted sorted: [Int64]) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        return sorted[max(0, min(sorted.count - 1, (sorted.count * percent + 99) / 100 - 1))]
    }
}
