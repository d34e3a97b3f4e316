/// An error checkup reports to its user: a code for programs and a one-line message for people
/// that names the input at fault (file, key path, value).
public struct CheckupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: Sendable, Equatable {
        /// The configuration is invalid (bad key, value or type).
        case config
        /// The command line was not understood.
        case usage
        /// Stored data could not be read or written.
        case storage
        /// A file's content is not what it should be.
        case format
        /// Checkers failed to run (configuration problems found while checking).
        case check
        /// A network service answered with an error.
        case service
    }

    /// What kind of failure this is.
    public var code: Code
    /// One line that says what is wrong.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
