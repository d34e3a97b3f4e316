import Foundation

/// A checker that can show what one run does, step by step (`checkup check NAME --explain`).
public protocol ExplainingChecker: Checker {
    /// Runs one attempt, as `check()` would run each, and returns its steps and result.
    /// - Parameter secrets: values put into the config from the environment; a header that
    ///   holds one is shown as `REDACTED`.
    /// - Throws: what `check()` throws (configuration problems).
    func explain(secrets: [String]) async throws -> CheckTrace
}

/// Turning what libcurl reported of a transfer into trace steps.
enum WireSteps {
    /// The steps of `recorder`'s transfer, in order: resolving, connecting and TLS as libcurl
    /// told them (its other lines as `info`), the request head, each response head, and an
    /// excerpt of the body. Header values of credentials, and any that holds one of `secrets`,
    /// are `REDACTED`; everything from the wire is `terminalSafe`. The chain `certificates` (PEM,
    /// leaf first) follows the TLS step.
    static func steps(_ recorder: WireRecorder, secrets: [String], certificates: [String] = []) -> [CheckTrace.Step] {
        var steps: [CheckTrace.Step] = []
        var info: [String] = []
        var tried: [String] = []
        var body: [UInt8] = []
        func flushInfo() {
            if let first = info.first { steps.append(CheckTrace.Step(.info, first, lines: Array(info.dropFirst()))) }
            info = []
        }
        for event in recorder.events {
            let text = String(decoding: event.bytes, as: UTF8.self)
            switch event.kind {
            case .text:
                for raw in text.split(whereSeparator: \.isNewline) {
                    let line = terminalSafe(raw.trimmingCharacters(in: .whitespaces))
                    if line.hasPrefix("Trying ") {
                        tried.append(String(line.dropFirst(7)).replacingOccurrences(of: "...", with: ""))
                    } else if line.hasPrefix("Connected to ") {
                        flushInfo()
                        if !tried.isEmpty { steps.append(CheckTrace.Step(.resolve, tried.joined(separator: ", "), lines: [])) }
                        tried = []
                        steps.append(CheckTrace.Step(.connect, line))
                    } else if line.hasPrefix("SSL connection using ") {
                        flushInfo()
                        steps.append(CheckTrace.Step(.tls, String(line.dropFirst(21))))
                        steps += certificateSteps(certificates)
                    } else if !line.isEmpty {
                        info.append(line)
                    }
                }
            case .headerOut:
                flushInfo()
                let lines = text.split(whereSeparator: \.isNewline).map { terminalSafe(String($0)) }
                steps.append(CheckTrace.Step(.request, lines.first ?? "", lines: lines.dropFirst().map { redactHeader($0, secrets) }))
            case .headerIn:
                let line = terminalSafe(text.trimmingCharacters(in: .newlines))
                if line.hasPrefix("HTTP/") {
                    flushInfo()
                    steps.append(CheckTrace.Step(.response, line))
                } else if !line.isEmpty, let last = steps.indices.last, steps[last].kind == .response {
                    steps[last].lines.append(redactHeader(line, secrets))
                }
            case .dataIn:
                body += event.bytes
            }
        }
        flushInfo()
        if !tried.isEmpty {  // no connection was made
            steps.insert(CheckTrace.Step(.resolve, tried.joined(separator: ", "), lines: ["no address accepted a connection"]), at: 0)
        }
        if !steps.contains(where: { $0.kind == .tls }) { steps += certificateSteps(certificates) }
        if !body.isEmpty {
            let seen = recorder.bodyBytesSeen
            let lines = String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map { terminalSafe(String($0)) }
            let summary = seen > body.count ? "the first \(body.count) of \(seen) bytes read" : "\(body.count) bytes"
            steps.append(CheckTrace.Step(.body, summary, lines: lines.last == "" ? Array(lines.dropLast()) : lines))
        }
        return steps
    }

    /// A `Name: value` header line with its value hidden when it is a credential or holds a secret.
    static func redactHeader(_ line: String, _ secrets: [String]) -> String {
        guard let colon = line.firstIndex(of: ":") else { return line }
        let value = line[line.index(after: colon)...]
        if secrets.contains(where: { !$0.isEmpty && value.contains($0) }) {
            return line[...colon] + " " + CheckTrace.redacted
        }
        return CheckTrace.redactingCredentialHeader(line)
    }

    /// One `certificate` step per PEM certificate of a chain, leaf first: subject, issuer, validity.
    static func certificateSteps(_ pem: [String]) -> [CheckTrace.Step] {
        pem.enumerated().compactMap { i, text in
            guard let cert = CertificateChain(pem: [text]) else { return nil }
            func date(_ seconds: Int64) -> String { RFC3339.format(seconds * 1_000_000_000) }
            return CheckTrace.Step(.certificate, "[\(i)] \(terminalSafe(cert.subject))",
                                   lines: ["issuer: \(terminalSafe(cert.issuer))",
                                           "valid: \(date(cert.notBefore)) to \(date(cert.notAfter))"])
        }
    }

    /// The `timing` step of an attempt: each measured phase and the round trip.
    static func timing(_ attempt: Attempt, threshold: Duration) -> CheckTrace.Step {
        let phases: [(String, Duration?)] = [("lookup", attempt.nameLookup), ("connect", attempt.connect),
                                             ("tls", attempt.tlsHandshake), ("first byte", attempt.firstByte)]
        let lines = phases.compactMap { name, time in time.map { "\(name): \($0.goDescription)" } }
        return CheckTrace.Step(.timing, "round trip \(attempt.rtt.goDescription)", lines: lines)
    }

    /// The threshold assertion: passed when there is none or the round trip is within it.
    static func thresholdStep(_ rtt: Duration, _ threshold: Duration) -> CheckTrace.Step? {
        guard threshold > .zero else { return nil }
        let within = rtt <= threshold
        return CheckTrace.Step(.assertion, "round trip \(rtt.goDescription) \(within ? "is within" : "exceeds") threshold_rtt \(threshold.goDescription)"
                               + (within ? "" : " (degraded)"), passed: within)
    }
}
