/// What `checkup.json` says that only reading and writing the file uses, not the checks: kept
/// beside a `Checkup` so that `configData()` gives back the file it was read from.
public struct ConfigOptions: Sendable, Equatable {
    /// The status page's address, linked from alerts (`status_page_url`, checkup's extension).
    public var statusPageURL: String
    /// Where notifiers keep their state (`state_file`, checkup's extension); empty means beside
    /// the check files, or ./checkup-notifier-state.json without storage.
    public var stateFile: String
    /// The discriminator key the storage was read with (`type`, or the 2016 `provider`),
    /// written back the same way.
    public var storageTypeKey: String
    /// The file's `"$schema"` (the JSON Schema editors check it against), written back first.
    public var schema: String = ""

    /// Creates the options; the defaults are what a file without these keys means.
    public init(statusPageURL: String = "", stateFile: String = "", storageTypeKey: String = "type") {
        self.statusPageURL = statusPageURL
        self.stateFile = stateFile
        self.storageTypeKey = storageTypeKey
    }
}
