import Foundation

// The incidents of the configured store, and what they may be about.
extension Checkup {
    /// The log of the store's incidents, when the storage keeps status objects (fs and S3 do).
    public var incidents: IncidentLog? {
        guard let store = storage as? any StatusObjectStorage & SummaryStorage else { return nil }
        var log = IncidentLog(storage: store)
        log.pageURL = configOptions.statusPageURL
        return log
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
