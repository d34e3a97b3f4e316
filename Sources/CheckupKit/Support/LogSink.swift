/// Where the library reports what happens in the background, e.g. a notifier that failed or a
/// round of `checkAndStoreEvery` that could not store. The library itself never prints.
public struct LogSink: Sendable {
    /// Receives one line.
    public var write: @Sendable (String) -> Void

    /// Creates a sink that passes each line to `write`.
    public init(_ write: @escaping @Sendable (String) -> Void) { self.write = write }

    /// Drops every line.
    public static let discard = LogSink { _ in }
}
