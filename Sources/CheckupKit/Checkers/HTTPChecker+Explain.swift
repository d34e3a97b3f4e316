import Foundation

extension HTTPChecker: ExplainingChecker {
    /// Makes one request as `check()` makes each, with libcurl's verbose steps recorded (and, for
    /// https, the certificate chain), and says which condition passed or failed. The body is read
    /// only when `mustContain` or `mustNotContain` needs it, as in a check.
    public func explain(secrets: [String]) async throws -> CheckTrace {
        if let problem = httpURLProblem(url, allowsIDN: true) {
            throw CheckupError(.config, "\(name): endpoint_url: \(JSONValue.string(endpoint).shortText) \(problem)")
        }
        var request = makeRequest()
        let recorder = WireRecorder()
        request.wire = recorder
        request.collectCertificates = request.url.lowercased().hasPrefix("https:")
        let started = CheckResult.now()
        let response = try await CurlEngine.shared.perform(request)
        let attempt = judged(response, request)
        var steps = WireSteps.steps(recorder, secrets: secrets + self.secrets + userInfo, certificates: response.certificatesPEM)
        if request.captureBody == false, response.succeeded {
            steps.append(CheckTrace.Step(.body, "not read: the check ends when the headers are in (no must_contain or must_not_contain)"))
        }
        steps.append(WireSteps.timing(attempt, threshold: thresholdRTT))
        steps += assertions(response, request, attempt)
        var result = CheckResult(title: name, endpoint: endpoint, timestamp: started, times: [attempt], threshold: thresholdRTT)
        result.conclude()
        return CheckTrace(name: name, type: Self.typeName, steps: steps, result: result, configuredAttempts: max(1, attempts))
            .redacting(userInfo)
    }

    /// The user name and password of the URL's user-info, which output never shows (libcurl
    /// mentions the user, and sends both as `Authorization: Basic`, which is hidden by name).
    private var userInfo: [String] {
        guard let scheme = url.range(of: "://") else { return [] }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return [] }
        return authority[..<at].split(separator: ":", maxSplits: 1).map(String.init).filter { !$0.isEmpty }
    }

    /// The conditions of `judged`, in its order, each passed or failed; those after a failure
    /// are not judged (the check stops at the first).
    private func assertions(_ response: TransferResponse, _ request: TransferRequest, _ attempt: Attempt) -> [CheckTrace.Step] {
        guard response.succeeded else {
            return [CheckTrace.Step(.assertion, "the request completes: \(terminalSafe(response.errorMessage))", passed: false)]
        }
        var steps: [CheckTrace.Step] = []
        let wanted = upStatus > 0 ? "\(upStatus) (up_status)" : "one of 200–204"
        let accepted = upStatus > 0 ? response.status == upStatus : (200...204).contains(response.status)
        steps.append(CheckTrace.Step(.assertion, "status \(response.status) is \(accepted ? "" : "not ")\(wanted)", passed: accepted))
        guard accepted else { return steps }
        if request.captureBody {
            let body = String(decoding: response.body, as: UTF8.self)
            if !mustContain.isEmpty {
                let ok = body.contains(mustContain)
                steps.append(CheckTrace.Step(.assertion, "the body (\(response.body.count) bytes) \(ok ? "contains" : "does not contain") must_contain '\(terminalSafe(mustContain))'", passed: ok))
                if !ok { return steps }
            }
            if !mustNotContain.isEmpty {
                let ok = !body.contains(mustNotContain)
                steps.append(CheckTrace.Step(.assertion, "the body \(ok ? "does not contain" : "contains") must_not_contain '\(terminalSafe(mustNotContain))'", passed: ok))
                if !ok { return steps }
            }
        }
        if attempt.error == nil, let step = WireSteps.thresholdStep(attempt.rtt, thresholdRTT) { steps.append(step) }
        return steps
    }
}
