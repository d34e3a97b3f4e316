import Foundation

/// Keeps one node's summary (`summaries/<origin>.json`) and the manifest of every node's summary
/// (`summaries/index.json`) up to date in a `SummaryStorage`.
///
/// Lock-free across nodes: a node writes only its own summary, and adds itself to the manifest
/// only when it is missing there, by compare-and-swap. Every update checks the manifest again, so
/// even a store without conditional writes heals a lost manifest entry on the next round.
public struct StatusSummaries: Sendable {
    /// The folder of the summaries, relative to the store's root.
    public static let folder = SummaryKey.folder
    /// The manifest's key: `{"version":1,"origins":[...]}`, and the page index (`PageIndex`).
    public static let manifestKey = "summaries/index.json"
    /// How often a compare-and-swap is tried before giving up.
    static let attempts = 8
    /// How many check files `rebuild` adds to the summaries at a time (and reads ahead at most):
    /// 3,200 results of 50 endpoints, a few MB.
    static let rebuildWindow = 64

    /// Where the summaries are kept.
    public var storage: any SummaryStorage
    /// This node's name (see `origin(_:)`).
    public var origin: String
    /// Where this node is, for people (the config's `location`); empty when not set.
    public var location: String
    /// How many fresh origins must say down for the verdict to be down; 0 means a majority.
    public var quorum = 0
    /// Quorums for single endpoints, by title, over `quorum`.
    public var quorums: [String: Int] = [:]
    /// How long an origin's latest round counts; zero means three of its intervals, at least 2 min.
    public var staleAfter: Duration = .zero
    /// This node's interval between rounds when known (`every`); zero: measured between rounds.
    public var interval: Duration = .zero
    /// This process checks a slice of the checkers (`--shard`): its latest round keeps the other
    /// slices' fresh results, which share the node's name.
    public var sharded = false

    /// Creates the summaries of `origin` (already cleaned by `origin(_:)`) in `storage`.
    public init(storage: any SummaryStorage, origin: String, location: String = "") {
        self.storage = storage
        self.origin = origin
        self.location = location
    }

    /// The key of an origin's summary.
    public static func key(for origin: String) -> String { "\(folder)/\(origin).json" }

    /// A node name usable in a key: `configured` (the config's `origin`), else the host name,
    /// keeping letters, digits, `.`, `_` and `-` (anything else becomes `-`).
    public static func origin(_ configured: String) -> String { originName(configured) }

    /// Adds `results` to this node's summary as of `now` (Unix nanoseconds), publishes them as
    /// its latest round, and makes sure the manifest lists this node. When the store has other
    /// origins, it also decides each endpoint's verdict from every fresh origin's latest round
    /// and keeps it in the summary. Returns the verdicts, and those whose state changed.
    /// - Throws: `CheckupError` when the store fails, or the stored summary is not readable (then
    ///   `checkup summarize` rebuilds it from the check files).
    @discardableResult
    /// - Parameters:
    ///   - abstain: why this node does not vote this round (its canary is down); empty when it votes.
    ///   - catchingUp: the round is an old one (from the spool): it is added to the summary only,
    ///     neither published as the latest round nor voted with.
    public func update(with results: [CheckResult], now: Int64 = CheckResult.now(), abstain: String = "",
                       catchingUp: Bool = false) async throws -> RoundVerdicts {
        let nowMS = StatusSummary.milliseconds(now)
        let listed = (try? await origins()) ?? []  // an unreadable manifest is rewritten by register()
        var decided: [(result: CheckResult, votes: [Vote])] = []
        if !results.isEmpty && !catchingUp {
            let round = try await publishLatest(results, at: nowMS, abstain: abstain)
            let others = listed.filter { $0 != self.origin }
            if !others.isEmpty {
                decided = decide(results, round, try await latestRounds(of: others), at: now)
            }
        }
        let key = Self.key(for: origin)
        let origin = self.origin, location = self.location, verdicts = decided
        let changed = try await modify(key) { data throws(CheckupError) -> (Data, [CheckResult]) in
            var summary = StatusSummary(origin: origin)
            if let data, let known = SummaryCache.shared.take(key, data) {
                summary = known  // what this process wrote last round, not parsed again
            } else if let data {
                do throws(CheckupError) {
                    summary = try StatusSummary(jsonData: data, name: key)
                } catch {
                    throw CheckupError(.storage, "\(error.message) (`checkup summarize` rebuilds it from the check files)")
                }
            }
            summary.origin = origin
            summary.location = location
            if !catchingUp { summary.abstain = abstain }
            summary.add(results, now: now)
            let changed = verdicts.map(\.result).filter { verdict in
                summary.verdicts.first { $0.title == verdict.title && $0.endpoint == verdict.endpoint }?.last?.state != verdict.status
            }
            if !verdicts.isEmpty { summary.addVerdicts(verdicts, now: now) }
            let written = summary.jsonData()
            SummaryCache.shared.remember(key, written, summary)  // unused if the write fails: no stored bytes equal it
            return (written, changed)
        }
        if !listed.contains(origin) { try await register() }
        return RoundVerdicts(verdicts: decided.map(\.result),
                             alerting: decided.filter { $0.result.status != .unknown }
                                 .map { Verdict.forAlerts($0.result, votes: $0.votes, quorum: quorums[$0.result.title] ?? quorum) },
                             isShared: !decided.isEmpty,
                             changed: changed,
                             firstVoter: decided.flatMap { $0.votes.map(\.origin) }.min() ?? "")
    }

    /// This node's summary as stored; nil when there is none.
    public func load() async throws -> StatusSummary? {
        let key = Self.key(for: origin)
        guard let (data, _) = try await storage.readSummaryObject(key) else { return nil }
        return try StatusSummary(jsonData: data, name: key)
    }

    /// The origins the manifest lists.
    public func origins() async throws -> [String] {
        guard let (data, _) = try await storage.readSummaryObject(Self.manifestKey) else { return [] }
        return try Self.manifestOrigins(data)
    }

    /// `rebuildReporting(from:now:concurrency:)`'s summaries, for a caller that needs no report
    /// of the files skipped.
    @discardableResult
    public func rebuild(from reader: any StorageReader, now: Int64 = CheckResult.now(),
                        concurrency: Int = 16) async throws -> [StatusSummary] {
        try await rebuildReporting(from: reader, now: now, concurrency: concurrency).summaries
    }

    /// Rebuilds the summaries from every check file of `reader` (all it holds, not only those its
    /// index lists), one per origin: a result counts for the origin it carries, and one without
    /// (the original's check files, or checkup's before results carried their origin) for this
    /// node. A summary whose origin has no check file is left as it is; every rebuilt one keeps
    /// its `location`. A check file that does not parse (or, in a directory, cannot be read) is
    /// skipped and reported; any other failure, such as an unreachable bucket, stops the rebuild
    /// before anything is written.
    /// A result taken while one of `maintenance` was on for its checker (by title, any case) is
    /// left out, as a live round leaves it out.
    /// - Returns: the summaries written, by origin, this node's always among them, and the files skipped.
    @discardableResult
    public func rebuildReporting(from reader: any StorageReader, now: Int64 = CheckResult.now(), concurrency: Int = 16,
                                 progress: ProgressSink = .discard, maintenance: [MaintenanceWindow] = [])
        async throws -> (summaries: [StatusSummary], skipped: [(name: String, reason: String)]) {
        // Oldest first, a window of files at a time, each added as of its own newest result: as
        // the nodes would have added them live, so memory stays bounded by two windows and every
        // finished day is rolled up from all of its results.
        let local = reader is FileSystemStorage
        var skipped: [(name: String, reason: String)] = []
        // Each name's time read once, not at every comparison (that was a tenth of the time).
        let names = try await reader.checkFileNames().map { (FileSystemStorage.prefixTime($0), $0) }.sorted(by: <).map(\.1)
        var summaries = [origin: StatusSummary(origin: origin)]
        var window: [String: [CheckResult]] = [:], inWindow = 0
        func addWindow() {
            for (name, results) in window {
                guard let newest = results.map(\.timestamp).max() else { continue }
                summaries[name, default: StatusSummary(origin: name)].add(results, now: min(newest, now))
            }
            window = [:]
            inWindow = 0
        }
        // The files are fetched `concurrency` at a time and taken in order, up to a window ahead
        // of the one being added: adding a window overlaps reading the next, and no more than
        // two windows of results are held.
        try await withThrowingTaskGroup(of: (Int, Result<[CheckResult], SkippedFile>).self) { group in
            var next = 0, taken = 0, inFlight = 0
            var fetched: [Int: Result<[CheckResult], SkippedFile>] = [:]
            func fetchMore() {
                while next < names.count && inFlight < concurrency && next - taken < Self.rebuildWindow {
                    let i = next, name = names[i]
                    next += 1
                    inFlight += 1
                    group.addTask {
                        do {
                            return (i, .success(try await reader.fetch(name)))
                        } catch let error as CheckupError where error.code == .format || local && error.code == .storage {
                            return (i, .failure(SkippedFile(name: name, reason: error.message.contains(name) ? error.message : "\(name): \(error.message)")))
                        }
                    }
                }
            }
            fetchMore()
            while let (i, outcome) = try await group.next() {
                inFlight -= 1
                fetched[i] = outcome
                while let outcome = fetched.removeValue(forKey: taken) {
                    taken += 1
                    switch outcome {
                    case .failure(let skip):
                        skipped.append((skip.name, skip.reason))
                    case .success(let batch):
                        progress.report(taken, names.count, "check files")
                        for result in batch where !maintenance.contains(where: { $0.holds(result) }) {
                            window[result.origin.isEmpty ? origin : originName(result.origin), default: []].append(result)
                        }
                    }
                    fetchMore()
                    inWindow += 1
                    if inWindow == Self.rebuildWindow { addWindow() }
                }
                fetchMore()
            }
        }
        addWindow()
        var written: [StatusSummary] = []
        for name in summaries.keys.sorted() {
            guard var summary = summaries[name] else { continue }
            summary.add([], now: now)
            let key = Self.key(for: name)
            let ownLocation = name == origin ? location : ""
            let rebuilt = summary
            // What check files cannot tell is kept from the stored summary: where the node is,
            // why it abstains, and its verdicts (a node's view at its rounds).
            summary = try await modify(key) { data throws(CheckupError) -> (Data, StatusSummary) in
                var merged = rebuilt
                if let data, let stored = try? StatusSummary(jsonData: data, name: key) {
                    merged.location = stored.location
                    merged.abstain = stored.abstain
                    merged.verdicts = stored.verdicts
                }
                if !ownLocation.isEmpty { merged.location = ownLocation }
                return (merged.jsonData(), merged)
            }
            written.append(summary)
        }
        let rebuilt = Array(summaries.keys)
        try await modify(Self.manifestKey) { data throws(CheckupError) in
            let listed = data.flatMap { try? Self.manifestOrigins($0) } ?? []
            return PageIndex.manifest(Array(Set(listed + rebuilt)), keeping: data)
        }
        return (written, skipped.sorted { $0.name < $1.name })
    }

    /// Adds this node to the manifest when it is missing.
    func register() async throws {
        if let (data, _) = try await storage.readSummaryObject(Self.manifestKey),
           (try? Self.manifestOrigins(data))?.contains(origin) == true {
            return
        }
        let origin = self.origin
        try await modify(Self.manifestKey) { data throws(CheckupError) in
            // An unreadable manifest is rewritten: every node re-adds itself on its next round.
            let listed = data.flatMap { try? Self.manifestOrigins($0) } ?? []
            return PageIndex.manifest(Array(Set(listed + [origin])), keeping: data)
        }
    }

    /// Read, change, compare-and-swap; again when another writer came between, with a random pause.
    func modify(_ key: String, _ change: @Sendable (Data?) throws(CheckupError) -> Data) async throws {
        try await modify(key) { data throws(CheckupError) -> (Data, Void) in (try change(data), ()) }
    }

    /// `modify` whose change also gives a value, that of the write that went through.
    func modify<T: Sendable>(_ key: String, _ change: @Sendable (Data?) throws(CheckupError) -> (Data, T)) async throws -> T {
        for attempt in 1...Self.attempts {
            let current = try await storage.readSummaryObject(key)
            let (data, value) = try change(current?.data)
            if try await storage.writeSummaryObject(key, data, ifMatching: current?.tag) { return value }
            if attempt < Self.attempts { try await Task.sleep(for: .milliseconds(Int.random(in: 5...(20 * attempt)))) }
        }
        throw CheckupError(.storage, "\(key): changed by other writers \(Self.attempts) times in a row; not updated")
    }

    static func manifestData(_ origins: [String]) -> Data {
        var top = JSONObject()
        top.append("version", .int(Int64(StatusSummary.formatVersion)))
        top.append("origins", .array(origins.sorted().map { .string($0) }))
        return JSONValue.object(top).encoded()
    }

    static func manifestOrigins(_ data: Data) throws(CheckupError) -> [String] {
        guard let value = try? JSONValue.parse(data), let items = value.objectValue?["origins"]?.arrayValue else {
            throw CheckupError(.storage, "\(manifestKey): not a JSON object with an \"origins\" array")
        }
        return items.compactMap(\.stringValue)
    }
}

/// A check file `rebuildReporting` leaves out, carried out of its task group; `reason` names it.
private struct SkippedFile: Error, Sendable {
    var name: String
    var reason: String
}
