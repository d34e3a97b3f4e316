/// An error checkup reports to its user: a code for programs and a one-line message for people
/// that names the input at fault (file, key path, value).
public struct CheckupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. A struct over a closed set, so that a later release can add
    /// a code without breaking code that switches over them (match with `==` or `case .config:`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case config, usage, storage, format, check, service
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The configuration is invalid (bad key, value or type).
        public static let config = Code(.config)
        /// The command line was not understood.
        public static let usage = Code(.usage)
        /// Stored data could not be read or written.
        public static let storage = Code(.storage)
        /// A file's content is not what it should be.
        public static let format = Code(.format)
        /// Checkers failed to run (configuration problems found while checking).
        public static let check = Code(.check)
        /// A network service answered with an error.
        public static let service = Code(.service)

        /// The code's name, e.g. `config`.
        public var description: String { kind.rawValue }
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
