import Foundation

extension TLSChecker: ExplainingChecker {
    /// Makes one handshake as `check()` makes each, with libcurl's verbose steps recorded, and
    /// shows the chain the server presented and each judgement of it: validity, trust, host name
    /// and the expiry threshold.
    public func explain(secrets: [String]) async throws -> CheckTrace {
        let (host, handshake) = try handshakeRequest()
        var request = handshake
        let recorder = WireRecorder()
        request.wire = recorder
        let started = CheckResult.now()
        var (attempt, response) = await TCPChecker.connect(request)
        guard let response else { throw CancellationError() }
        var steps = WireSteps.steps(recorder, secrets: secrets, certificates: response.certificatesPEM)
        var leaf: CertificateInfo?
        if !response.succeeded {
            steps.append(CheckTrace.Step(.assertion, "the handshake completes: \(terminalSafe(response.errorMessage))", passed: false))
        } else if let chain = CertificateChain(pem: response.certificatesPEM) {
            let info = CertificateInfo(subject: chain.subject, issuer: chain.issuer, notBefore: chain.notBefore, notAfter: chain.notAfter)
            leaf = info
            attempt.error = Self.problem(chain, info: info, host: host, roots: trustedRoots)
            steps.append(CheckTrace.Step(.assertion, attempt.error.map { terminalSafe($0) }
                ?? "the certificate is valid now, trusted (\(trustedRoots.isEmpty ? "system roots" : trustedRoots.joined(separator: ", "))) and valid for \(host)",
                passed: attempt.error == nil))
        } else {
            attempt.error = "no certificates presented"
            steps.append(CheckTrace.Step(.assertion, "the server presents a certificate", passed: false))
        }
        steps.insert(WireSteps.timing(attempt, threshold: thresholdRTT), at: steps.firstIndex { $0.kind == .assertion } ?? steps.endIndex)
        var result = CheckResult(title: name, endpoint: address, timestamp: started, times: [attempt], threshold: thresholdRTT)
        result.certificate = leaf
        result.conclude()
        if attempt.error == nil, let step = WireSteps.thresholdStep(attempt.rtt, thresholdRTT) { steps.append(step) }
        if !result.down, let leaf {
            let threshold = certExpiryThreshold > .zero ? certExpiryThreshold : Self.defaultExpiryThreshold
            let left = leaf.notAfter - Int64(Date().timeIntervalSince1970)
            let ok = left >= threshold.components.seconds
            steps.append(CheckTrace.Step(.assertion, "the certificate expires \(RFC3339.format(leaf.notAfter * 1_000_000_000)), "
                + "\(ok ? "after" : "within") cert_expiry_threshold \(threshold.goDescription)\(ok ? "" : " (degraded)")", passed: ok))
            if !ok {
                result.healthy = false
                result.degraded = true
                result.notice = "certificate expiring soon: expires \(RFC3339.format(leaf.notAfter * 1_000_000_000)) (in \(Duration.seconds(max(0, left)).goDescription))"
            }
        }
        return CheckTrace(name: name, type: Self.typeName, steps: steps, result: result, configuredAttempts: max(1, attempts))
    }
}
