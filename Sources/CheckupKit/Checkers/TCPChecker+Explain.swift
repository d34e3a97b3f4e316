import Foundation

extension TCPChecker: ExplainingChecker {
    /// Makes one connection (and with `tls`, a verified handshake) as `check()` makes each, with
    /// libcurl's verbose steps recorded and, with `tls`, the certificate chain.
    public func explain(secrets: [String]) async throws -> CheckTrace {
        var request = try connectRequest().request
        request.collectCertificates = tls
        let recorder = WireRecorder()
        request.wire = recorder
        let started = CheckResult.now()
        let (attempt, response) = await Self.connect(request)
        guard let response else { throw CancellationError() }
        var steps = WireSteps.steps(recorder, secrets: secrets, certificates: response.certificatesPEM)
        steps.append(WireSteps.timing(attempt, threshold: thresholdRTT))
        let what = tls ? "the connection and a verified TLS handshake complete" : "the connection is accepted"
        steps.append(CheckTrace.Step(.assertion, what + (response.succeeded ? "" : ": \(terminalSafe(response.errorMessage))"),
                                     passed: response.succeeded))
        if attempt.error == nil, let step = WireSteps.thresholdStep(attempt.rtt, thresholdRTT) { steps.append(step) }
        var result = CheckResult(title: name, endpoint: address, timestamp: started, times: [attempt], threshold: thresholdRTT)
        result.conclude()
        return CheckTrace(name: name, type: Self.typeName, steps: steps, result: result, configuredAttempts: max(1, attempts))
    }
}
