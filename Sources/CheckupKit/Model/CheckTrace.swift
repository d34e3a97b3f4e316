/// What one run of a checker did, step by step (`checkup check NAME --explain`): the addresses
/// it resolved, the connection, TLS and certificates, what it sent and received, the time of each
/// phase, each assertion and the result.
///
/// A plain value the library makes and the command formats. Secrets are already redacted: header
/// values of `Authorization`, `Proxy-Authorization`, `Cookie` and `Set-Cookie`, and every value
/// put into the config from the environment (`${VAR}`), appear as `REDACTED`.
public struct CheckTrace: Sendable, Equatable {
    /// What a step is about.
    public enum Kind: String, Sendable, CaseIterable {
        /// Name resolution: the addresses found or tried.
        case resolve
        /// The TCP connection.
        case connect
        /// The TLS handshake: protocol version and cipher.
        case tls
        /// One certificate of the chain the server presented (subject, issuer, validity).
        case certificate
        /// What was sent: an HTTP request line and headers, a DNS query.
        case request
        /// What came back: an HTTP status line and headers, a DNS answer section.
        case response
        /// An excerpt of a response body or of a program's output.
        case body
        /// A program that was run, or its exit status.
        case command
        /// Informational text from the transport (libcurl's verbose lines).
        case info
        /// The time of each phase.
        case timing
        /// A condition the result depends on, passed or failed.
        case assertion
    }

    /// One step: a kind, a headline and any further lines.
    public struct Step: Sendable, Equatable {
        /// What the step is about.
        public var kind: Kind
        /// The step in one line, e.g. `TLSv1.3 / TLS_AES_256_GCM_SHA384`.
        public var summary: String
        /// Further lines, e.g. the headers of a request.
        public var lines: [String]
        /// For an assertion: whether it held; nil for other steps.
        public var passed: Bool?

        /// Creates a step.
        public init(_ kind: Kind, _ summary: String, lines: [String] = [], passed: Bool? = nil) {
            self.kind = kind
            self.summary = summary
            self.lines = lines
            self.passed = passed
        }
    }

    /// The checker's name.
    public var name: String
    /// The checker's type (`http`, `dns`…).
    public var type: String
    /// The steps, in the order they happened.
    public var steps: [Step]
    /// The result of the run (one attempt).
    public var result: CheckResult
    /// How many attempts the checker makes in a round (the trace shows one).
    public var configuredAttempts: Int

    /// Creates a trace.
    public init(name: String, type: String, steps: [Step], result: CheckResult, configuredAttempts: Int = 1) {
        self.name = name
        self.type = type
        self.steps = steps
        self.result = result
        self.configuredAttempts = configuredAttempts
    }

    /// The trace with `secrets` (values put in from the environment) of four characters or more
    /// replaced by `REDACTED` everywhere, and the values of credential headers hidden whatever they hold.
    public func redacting(_ secrets: [String]) -> CheckTrace {
        // Shorter values would match ordinary words and numbers (as in config errors); a header
        // that holds one is hidden whole by the checker's own trace.
        let hidden = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
        func clean(_ line: String) -> String {
            var text = line
            for secret in hidden { text = text.replacingOccurrences(of: secret, with: Self.redacted) }
            return Self.redactingCredentialHeader(text)
        }
        var copy = self
        copy.steps = steps.map { step in
            var s = step
            s.summary = clean(step.summary)
            s.lines = step.lines.map(clean)
            return s
        }
        copy.result.times = result.times.map { attempt in
            var a = attempt
            a.error = attempt.error.map(clean)
            return a
        }
        copy.result.notice = clean(result.notice)
        return copy
    }

    /// What stands in for a secret.
    public static let redacted = "REDACTED"

    /// Header names whose values are credentials, lower case.
    static let credentialHeaders: Set = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    /// `Name: value` with the value hidden when the name is a credential header (also after a
    /// `> ` or `< ` marker).
    static func redactingCredentialHeader(_ line: String) -> String {
        guard let colon = line.firstIndex(of: ":") else { return line }
        var name = line[..<colon]
        if name.hasPrefix("> ") || name.hasPrefix("< ") { name = name.dropFirst(2) }
        guard credentialHeaders.contains(name.lowercased()) else { return line }
        return line[...colon] + " " + redacted
    }
}
