import Foundation

// The incidents of the configured store, and what they may be about.
extension Checkup {
    /// The log of the store's incidents, when the storage keeps status objects (fs and S3 do).
    public var incidents: IncidentLog? {
        guard let store = storage as? any StatusObjectStorage & SummaryStorage else { return nil }
        var log = IncidentLog(storage: store)
        log.pageURL = configOptions.statusPageURL
        log.components = componentSettings
        return log
    }

    /// What the public files may know of this config: the checkers' titles and groups and the
    /// quorum rule (`ComponentSettings` has no field for a secret).
    public var componentSettings: ComponentSettings {
        var settings = ComponentSettings()
        settings.titles = checkers.map(\.name)
        settings.groups = groups
        settings.quorum = quorum
        settings.quorums = quorums
        settings.staleAfter = staleAfter
        return settings
    }

    /// Rewrites the Statuspage API files when a round changed a component's state (one read of
    /// each origin's latest round and of the components file when nothing changed), and the
    /// badges whose figures changed, from this node's summary; a failure is logged.
    func publishComponentsIfChanged(at time: Int64) async {
        guard let summaries, let store = storage as? any StatusObjectStorage & SummaryStorage, store is any PublicFileStorage else { return }
        // A round that waits in the spool found the store down: it is not asked again this round.
        if let remote = storage as? any SpoolingStorage, !remote.spool.isEmpty { return }
        do {
            let key = StatusSummaries.key(for: summaries.origin)
            var summary: StatusSummary?
            if let (data, _) = try await store.readSummaryObject(key) {
                // What this process just wrote is not parsed again (this copy is dropped before the
                // next round changes the cached one); an unreadable summary (its update logged
                // that) leaves the badges as they are.
                if let cached = SummaryCache.shared.peek(key, data) {
                    summary = cached
                } else {
                    summary = try? StatusSummary(jsonData: data, name: key)
                }
            }
            try await StatusAPIFiles.publishIfComponentsChanged(store, pageURL: configOptions.statusPageURL, settings: componentSettings,
                                                                badgesFrom: summary, at: time)
        } catch {
            log.write("ERROR publishing the status API: \(error)")
        }
    }

    /// `titles` as the configured checkers spell them (compared without case, as `message`'s
    /// `--about`), in the order given, without repeats.
    /// - Throws: `CheckupError` (`.usage`) naming the first title no checker has.
    public func checkerTitles(_ titles: [String], for command: String) throws(CheckupError) -> [String] {
        var out: [String] = []
        for title in titles {
            guard let name = checkers.map(\.name).first(where: { $0.lowercased() == title.lowercased() }) else {
                throw CheckupError(.usage, "\(command): no checker titled \(JSONValue.string(title).shortText) in the config")
            }
            if !out.contains(name) { out.append(name) }
        }
        return out
    }
}

extension Checkup {
    /// The longest group name: it is a heading on the page and a badge's label.
    public static let maximumGroupLength = 100

    /// A checker's `group`: a name of 1 to 100 characters, no control characters.
    static func group(_ element: ConfigReader) throws(CheckupError) -> String {
        guard let name = try element.string("group") else { throw element.error("group", "\(element.shown("group")), expected a string") }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw element.error("group", "is empty; name the group or leave the key out") }
        guard name.count <= maximumGroupLength else {
            throw element.error("group", "is \(name.count) characters long; at most \(maximumGroupLength)")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw element.error("group", "\(element.shown("group")) holds a control character")
        }
        return name
    }
}
