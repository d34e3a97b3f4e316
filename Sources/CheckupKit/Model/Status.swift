/// The health of an endpoint as one check round concluded it.
public enum Status: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case healthy
    case degraded
    case down
    case unknown

    /// Whether this status is worse than `other`: down beats everything, degraded beats healthy and
    /// unknown, healthy beats only unknown, and no status beats itself (Go's `PriorityOver`).
    public func hasPriority(over other: Status) -> Bool {
        rank > other.rank
    }

    private var rank: Int {
        switch self {
        case .unknown: 0
        case .healthy: 1
        case .degraded: 2
        case .down: 3
        }
    }

    public var description: String { rawValue }
}
