import Foundation

// One checker at a time, for people: finding a checker by name, its type, and the step-by-step
// trace of one run (`checkup check NAME --explain`).

extension Checkup {
    /// The `"type"` a checker has in `checkup.json` (`http`, `tcp`, `tls`, `dns`, `exec`), or for a
    /// checker of your own, its Swift type's name.
    public static func typeName(_ checker: any Checker) -> String {
        if let configurable = checker as? any JSONConfigurable { return type(of: configurable).typeName }
        return String(describing: type(of: checker))
    }

    /// The checker type of each endpoint by `"<title>\n<endpoint>"`, the title and endpoint as
    /// results show them (for `serve`'s `/metrics`, whose latest rounds do not record the type).
    public var endpointTypes: [String: String] {
        var types: [String: String] = [:]
        for checker in checkers {
            let endpoint: String? = switch checker {
            case let c as HTTPChecker: c.endpoint
            case let c as TCPChecker: c.address
            case let c as TLSChecker: c.address
            case let c as DNSChecker: c.server
            case let c as ExecChecker: c.command
            case let c as HeartbeatChecker: c.endpoint
            case let c as DomainChecker: c.endpoint
            default: nil
            }
            if let endpoint { types[checker.name + "\n" + endpoint] = Self.typeName(checker) }
        }
        return types
    }

    /// The checker called `name` (compared without regard to case).
    /// - Throws: `CheckupError` (`.usage`) listing the checkers' names when none is called so.
    public func checker(named name: String) throws(CheckupError) -> any Checker {
        if let checker = checkers.first(where: { $0.name.lowercased() == name.lowercased() }) { return checker }
        let names = checkers.map { "\"\($0.name)\"" }.joined(separator: ", ")
        throw CheckupError(.usage, "no checker named \"\(name)\"; "
            + (checkers.isEmpty ? "the config has no checkers" : "the checkers are \(names)"))
    }

    /// Runs `checker` once and returns every step of it. A checker that cannot explain itself
    /// (one of your own) is run with `check()` and its result shown attempt by attempt. Every
    /// value the config took from the environment is `REDACTED` in the trace.
    /// - Throws: what the checker's `check()` throws.
    public func explain(_ checker: any Checker) async throws -> CheckTrace {
        let checker = withStore(checker, domainExpiry: false)
        var trace: CheckTrace
        if let explaining = checker as? any ExplainingChecker {
            trace = try await explaining.explain(secrets: secrets)
        } else {
            let result = try await checker.check()
            let steps = result.times.enumerated().map { i, attempt in
                CheckTrace.Step(.assertion, "attempt \(i + 1): \(attempt.rtt.goDescription)"
                                + (attempt.error.map { ", \(terminalSafe($0))" } ?? ""), passed: attempt.error == nil)
            }
            trace = CheckTrace(name: checker.name, type: Self.typeName(checker), steps: steps, result: result,
                               configuredAttempts: result.times.count)
        }
        if let timestamp { trace.result.timestamp = timestamp }
        trace.result.origin = resolvedOrigin
        return trace.redacting(secrets)
    }
}
