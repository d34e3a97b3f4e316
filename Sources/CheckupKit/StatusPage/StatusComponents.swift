import Foundation

/// A component's state, in Statuspage's five words, from best to worst: a group shows the worst
/// of its members (`worst(_:)`).
public enum ComponentState: String, Sendable, CaseIterable, Comparable {
    case operational
    case underMaintenance = "under_maintenance"
    case degradedPerformance = "degraded_performance"
    case partialOutage = "partial_outage"
    case majorOutage = "major_outage"

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!  // every case is in allCases
    }

    /// The worst of `states`; operational when there are none.
    public static func worst(_ states: some Sequence<Self>) -> Self { states.max() ?? .operational }
}

/// What the public files may know of the config beside the status page's address: the checkers'
/// titles in order, their groups and the quorum rule. No field can hold a secret (no URL, header,
/// key or notifier), so whatever is built from it is safe to publish.
public struct ComponentSettings: Sendable, Equatable {
    /// The checkers' titles, in the config's order (the components' positions).
    public var titles: [String] = []
    /// Each checker's group (`group`), by title; a checker without one is in no group.
    public var groups: [String: String] = [:]
    /// How many fresh origins must say down for a major outage; 0 means a majority.
    public var quorum = 0
    /// Quorums for single checkers, by title, over `quorum`.
    public var quorums: [String: Int] = [:]
    /// How long an origin's latest round counts (`stale_after`); zero: three of its intervals.
    public var staleAfter: Duration = .zero

    /// Settings with no groups and the default quorum.
    public init() {}
}

/// One component: a checker (by title) or a group of them, with its state as the data says.
public struct StatusComponent: Sendable, Equatable {
    /// The checker's title, or the group's name.
    public var name: String
    /// The group a checker is in; empty for a group and for a checker in none.
    public var group = ""
    /// Whether this is a group.
    public var isGroup = false
    /// The state.
    public var state: ComponentState
    /// A group's members' names, in order; empty for a checker.
    public var members: [String] = []

    /// A component's id, stable and safe whatever the name: the first 12 hex digits of the
    /// SHA-256 of its title (a checker) or of `group:` and its name (a group).
    public var id: String { Self.id(name, isGroup: isGroup) }

    static func id(_ name: String, isGroup: Bool) -> String {
        String(Digest.sha256Hex(Array(((isGroup ? "group:" : "") + name).utf8)).prefix(12))
    }
}

/// The components of a page, derived from the data alone: every origin's latest round, the
/// maintenance windows and the public settings.
///
/// A checker's state is the worst over its endpoints of:
/// - **under maintenance** while a window about it is on (whatever the checks say);
/// - **major outage** when its verdict is down: at least the quorum of the fresh origins say down
///   (with one origin, that origin);
/// - **partial outage** when some fresh origins say down, fewer than the quorum, or when a place
///   found some (not all) of the endpoint's addresses down (`all_addresses`);
/// - **degraded performance** when the verdict is degraded otherwise;
/// - **operational** when it is healthy. An endpoint no fresh origin checked keeps the state of
///   its newest result from any origin; one never judged (unknown) is operational.
///
/// A group is the worst of its members (under maintenance beats only operational).
public enum StatusComponents {
    /// The components, checkers first (in the settings' order, then by title), then the groups
    /// (in the order of their first member).
    public static func derive(from rounds: [LatestRound], windows: [MaintenanceWindow], settings: ComponentSettings,
                              at nowMS: Int64) -> [StatusComponent] {
        let maintained = Set(windows.filter { $0.isActive(at: nowMS * 1_000_000) }.flatMap { $0.about.map { $0.lowercased() } })
        let voters = rounds.filter { $0.abstain.isEmpty && $0.isFresh(at: nowMS, staleAfter: settings.staleAfter) }
            .sorted { $0.origin < $1.origin }
        var endpointsByTitle: [String: [String]] = [:]
        for round in rounds.sorted(by: { $0.origin < $1.origin }) {
            for entry in round.results where !(endpointsByTitle[entry.title]?.contains(entry.endpoint) ?? false) {
                endpointsByTitle[entry.title, default: []].append(entry.endpoint)
            }
        }
        let position = Dictionary(settings.titles.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let titles = endpointsByTitle.keys.sorted { (position[$0] ?? .max, $0) < (position[$1] ?? .max, $1) }
        // Each round's entries by title and endpoint, so deciding is one look-up per round.
        let indexed = rounds.map { round in
            (round, Dictionary(round.results.map { ($0.title + "\n" + $0.endpoint, $0) }, uniquingKeysWith: { _, last in last }))
        }
        let voting = indexed.filter { pair in voters.contains { $0.origin == pair.0.origin } }.sorted { $0.0.origin < $1.0.origin }
        var components: [StatusComponent] = titles.map { title in
            let state: ComponentState = maintained.contains(title.lowercased()) ? .underMaintenance
                : .worst((endpointsByTitle[title] ?? []).map {
                    endpointState(title: title, endpoint: $0, voters: voting, rounds: indexed, settings: settings, at: nowMS)
                })
            return StatusComponent(name: title, group: settings.groups[title] ?? "", state: state)
        }
        var groups: [String] = []
        for c in components where !c.group.isEmpty && !groups.contains(c.group) { groups.append(c.group) }
        for group in groups {
            let members = components.filter { $0.group == group && !$0.isGroup }
            components.append(StatusComponent(name: group, isGroup: true, state: .worst(members.map(\.state)), members: members.map(\.name)))
        }
        return components
    }

    /// One endpoint's state by the verdict rule (`Verdict.decide`) over the fresh voters.
    static func endpointState(title: String, endpoint: String, voters: [(LatestRound, [String: LatestRound.Entry])],
                              rounds: [(LatestRound, [String: LatestRound.Entry])], settings: ComponentSettings,
                              at nowMS: Int64) -> ComponentState {
        let key = title + "\n" + endpoint
        let votes = voters.compactMap { round, entries -> Vote? in
            guard let e = entries[key], e.state != .unknown, nowMS - e.time <= round.freshWindow(staleAfter: settings.staleAfter) else { return nil }
            return Vote(origin: round.origin, state: e.state, rtt: e.rtt, time: e.time, reason: e.reason, flaky: e.flaky)
        }
        let quorum = settings.quorums[title] ?? settings.quorum
        guard !votes.isEmpty else {
            let newest = rounds.compactMap { $0.1[key] }.max { $0.time < $1.time }
            return newest.map { state($0.state, someAddressesDown: CheckResult.saysSomeAddressesDown($0.reason)) } ?? .operational
        }
        if Verdict.isPartialOutage(votes, quorum: quorum) { return .partialOutage }
        let verdict = Verdict.decide(votes, quorum: quorum, title: title, endpoint: endpoint, time: nowMS * 1_000_000)
        return state(verdict.status, someAddressesDown: votes.contains { $0.state != .down && CheckResult.saysSomeAddressesDown($0.reason) })
    }

    static func state(_ status: Status, someAddressesDown: Bool) -> ComponentState {
        switch status {
        case .down: .majorOutage
        case .degraded: someAddressesDown ? .partialOutage : .degradedPerformance
        case .healthy, .unknown: .operational
        }
    }
}
