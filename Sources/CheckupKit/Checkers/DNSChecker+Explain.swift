import Foundation

extension DNSChecker: ExplainingChecker {
    /// Sends one query as `check()` sends each and shows the question, the server's answer
    /// section (or its error) and each condition on it.
    public func explain(secrets: [String]) async throws -> CheckTrace {
        guard let address = Self.serverAddress(server) else {
            throw CheckupError(.config, "\(name): endpoint_url: \(Self.serverProblem(server))")
        }
        if let problem = Self.hostnameProblem(hostname) { throw CheckupError(.config, "\(name): hostname_fqdn: \(problem)") }
        let asked = hostname.isEmpty ? QueryType.ns : queryType
        let fqdn = hostname.isEmpty ? "." : DNSRecordParser.fqdn(hostname)
        let query = DNSQuery(name: hostname.isEmpty ? "." : hostname, type: asked.code,
                             host: address.host, port: address.port, timeout: timeout > .zero ? timeout : Self.defaultTimeout)
        var steps = [CheckTrace.Step(.request, "\(fqdn) IN \(asked.rawValue) to \(terminalSafe(server))",
                                     lines: ["recursion desired; UDP, retried over TCP when the answer is truncated",
                                             "timeout \(query.timeout.goDescription)"])]
        let started = CheckResult.now()
        let exchange = await DNSResolver.shared.exchange(query)
        if let lookup = exchange.serverLookup {
            steps.insert(CheckTrace.Step(.resolve, "the server's name \(terminalSafe(address.host)) resolved in \(lookup.goDescription)"), at: 0)
        }
        let error = problem(exchange.outcome, timeout: query.timeout)
        let attempt = Attempt(rtt: exchange.rtt, error: error, nameLookup: exchange.serverLookup)
        switch exchange.outcome {
        case .records(let records):
            steps.append(CheckTrace.Step(.response, "NOERROR, \(records.count) \(asked.rawValue) record\(records.count == 1 ? "" : "s")",
                                         lines: records.map { "\(fqdn) IN \(asked.rawValue) \(terminalSafe($0.text))" }))
        case .noRecords: steps.append(CheckTrace.Step(.response, "NOERROR, no \(asked.rawValue) records (NODATA)"))
        case .rcode(let rcode): steps.append(CheckTrace.Step(.response, rcode))
        case .timedOut: steps.append(CheckTrace.Step(.response, "no answer within \(query.timeout.goDescription)"))
        case .failed(let message): steps.append(CheckTrace.Step(.response, "failed: \(terminalSafe(message))"))
        case .cancelled: throw CancellationError()
        }
        steps.append(WireSteps.timing(attempt, threshold: thresholdRTT))
        if hostname.isEmpty {
            steps.append(CheckTrace.Step(.assertion, "the server replies to . NS (any reply counts)", passed: error == nil))
        } else {
            let answered = { if case .records = exchange.outcome { true } else { false } }()
            steps.append(CheckTrace.Step(.assertion, "the answer holds \(asked.rawValue) records for \(fqdn)", passed: answered))
            if answered, case .records(let records) = exchange.outcome {
                for value in expect {
                    let found = records.contains { matches($0, value) }
                    steps.append(CheckTrace.Step(.assertion, "expect \(terminalSafe(value)): \(found ? "in" : "not in") the answer", passed: found))
                }
            }
        }
        if error == nil, let step = WireSteps.thresholdStep(attempt.rtt, thresholdRTT) { steps.append(step) }
        var result = CheckResult(title: name, endpoint: server, timestamp: started, times: [attempt], threshold: thresholdRTT)
        result.conclude()
        return CheckTrace(name: name, type: Self.typeName, steps: steps, result: result, configuredAttempts: max(1, attempts))
    }
}
