import Foundation
import Testing
@testable import CheckupKit

@Suite struct HTTPCheckerTests {
    @Test func healthyEndpointEchoesTitleEndpointAndRecordsEveryAttempt() async throws {
        let before = CheckResult.now()
        let result = try await HTTPChecker(name: "Test", url: peerURL("/"), attempts: 2).check()
        #expect(result.status == .healthy)
        #expect(result.title == "Test" && result.endpoint == peerURL("/"))
        #expect(result.times.count == 2)
        #expect(result.times.allSatisfy { $0.error == nil && $0.rtt > .zero && $0.connect != nil && $0.firstByte != nil })
        #expect(result.timestamp >= before && result.timestamp - before < 5_000_000_000)
    }

    @Test func serverErrorIsDownWithTheStatusLine() async throws {
        let result = try await HTTPChecker(name: "500", url: peerURL("/status/500")).check()
        #expect(result.status == .down)
        #expect(result.times.first?.error == "response status 500 Internal Server Error")
    }

    @Test func twoHundredToTwoHundredFourAreUpByDefault() async throws {
        for code in [200, 201, 202, 203, 204] {
            #expect(try await HTTPChecker(name: "c", url: peerURL("/status/\(code)")).check().status == .healthy)
        }
        #expect(try await HTTPChecker(name: "c", url: peerURL("/status/205")).check().status == .down)
    }

    @Test func upStatusDemandsExactlyThatCode() async throws {
        #expect(try await HTTPChecker(name: "c", url: peerURL("/"), upStatus: 201).check().status == .down)
        #expect(try await HTTPChecker(name: "c", url: peerURL("/status/201"), upStatus: 201).check().status == .healthy)
    }

    @Test func redirectIsNotFollowedAndIsDownUnlessUpStatusMatches() async throws {
        let down = try await HTTPChecker(name: "r", url: peerURL("/status/302")).check()
        #expect(down.status == .down)
        #expect(down.times.first?.error == "response status 302 Found")
        let up = try await HTTPChecker(name: "r", url: peerURL("/status/302"), upStatus: 302).check()
        #expect(up.status == .healthy)
    }

    @Test func bodyMustAndMustNotContain() async throws {
        #expect(try await HTTPChecker(name: "b", url: peerURL("/"), mustContain: "up").check().status == .healthy)
        let missing = try await HTTPChecker(name: "b", url: peerURL("/"), mustContain: "online").check()
        #expect(missing.status == .down)
        #expect(missing.times.first?.error == "response does not contain 'online'")
        #expect(try await HTTPChecker(name: "b", url: peerURL("/"), mustNotContain: "down").check().status == .healthy)
        let present = try await HTTPChecker(name: "b", url: peerURL("/"), mustNotContain: "I").check()
        #expect(present.status == .down)
        #expect(present.times.first?.error == "response contains 'I'")
    }

    @Test func headersAreSentAndAreNotPartOfTheBody() async throws {
        let echo = try await HTTPChecker(name: "h", url: peerURL("/echo"), mustContain: "X-Checkup: Echo, Again",
                                         headers: ["X-Checkup": ["Echo", "Again"]]).check()
        #expect(echo.status == .healthy)
        let notInBody = try await HTTPChecker(name: "h", url: peerURL("/"), mustContain: "Echo",
                                              headers: ["X-Checkup": ["Echo"]]).check()
        #expect(notInBody.status == .down)
        let host = try await HTTPChecker(name: "h", url: peerURL("/echo"), mustContain: "Host: http.check.local",
                                         headers: ["Host": ["http.check.local"]]).check()
        #expect(host.status == .healthy)
    }

    @Test func attemptsAreSpacedApart() async throws {
        let key = UUID().uuidString
        let result = try await HTTPChecker(name: "s", url: peerURL("/hit/\(key)"), attempts: 3,
                                           attemptSpacing: .milliseconds(150)).check()
        #expect(result.times.count == 3 && result.status == .healthy)
        let (_, body, _) = try await httpGet(peerURL("/hits/\(key)"))
        let times = body.split(separator: "\n").compactMap { Double($0) }
        #expect(times.count == 3)
        for (a, b) in zip(times, times.dropFirst()) {
            #expect(b - a >= 0.14, "attempts \(b - a) s apart")
        }
    }

    @Test func slowEndpointAboveThresholdIsDegraded() async throws {
        let slow = try await HTTPChecker(name: "slow", url: peerURL("/slow/300"), thresholdRTT: .milliseconds(100)).check()
        #expect(slow.status == .degraded)
        #expect(slow.notice == "median round trip time exceeded threshold (100ms)")
        #expect(slow.times[0].rtt >= .milliseconds(300))
        let fast = try await HTTPChecker(name: "fast", url: peerURL("/"), thresholdRTT: .seconds(2)).check()
        #expect(fast.status == .healthy)
        #expect(try await HTTPChecker(name: "ns", url: peerURL("/"), thresholdRTT: .nanoseconds(1)).check().status == .degraded)
    }

    @Test func refusedPortIsDownForEveryAttempt() async throws {
        let result = try await HTTPChecker(name: "closed", url: "http://127.0.0.1:\(closedPort())/", attempts: 2).check()
        #expect(result.status == .down)
        #expect(result.times.count == 2)
        #expect(result.times.allSatisfy { ($0.error ?? "").contains("Couldn't connect") })
    }

    @Test func serverThatNeverAnswersEndsAtTheTimeout() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await HTTPChecker(name: "hang", url: peerURL("/hang"), timeout: .milliseconds(500)).check()
        let elapsed = clock.now - start
        #expect(result.status == .down)
        #expect((result.times.first?.error ?? "").contains("timed out"))
        #expect(elapsed >= .milliseconds(450) && elapsed < .seconds(20))
    }

    @Test func cancellingTheTaskStopsAHangingTransfer() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { try await HTTPChecker(name: "hang", url: peerURL("/hang"), timeout: .seconds(30)).check() }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = try await task.value
        #expect(result.status == .down)
        #expect(clock.now - start < .seconds(20))
    }

    @Test func invalidURLIsAConfigurationErrorNotADownResult() async {
        await #expect(throws: CheckupError(.config, #"x: endpoint_url: "file:///etc/passwd" is not an http(s) URL"#)) {
            try await HTTPChecker(name: "x", url: "file:///etc/passwd").check()
        }
    }

    @Test func hundredsOfChecksRunConcurrentlyOnTheOneLoop() async throws {
        let checkers = (0..<200).map { HTTPChecker(name: "c\($0)", url: peerURL("/slow/400")) }
        let checkup = Checkup(checkers: checkers, concurrentChecks: 200)
        let clock = ContinuousClock()
        let start = clock.now
        let results = try await checkup.check()
        let elapsed = clock.now - start
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0.status == .healthy })
        // Run one after another they would take 80 s; side by side, about one slow request.
        #expect(elapsed < .seconds(20), "200 checks of 400 ms took \(elapsed)")
    }

    @Test func methodAndBodyAreSentAsConfigured() async throws {
        let post = try await HTTPChecker(name: "post", url: peerURL("/echo"), mustContain: "POST\n{\"ping\":1}",
                                         method: "POST", body: #"{"ping":1}"#).check()
        #expect(post.status == .healthy, "\(post.times)")
        let put = try await HTTPChecker(name: "patch", url: peerURL("/echo"), mustContain: "PATCH\n", method: "PATCH").check()
        #expect(put.status == .healthy, "\(put.times)")
        let bad = #"{"checkers":[{"type":"http","endpoint_name":"m","endpoint_url":"http://h/","method":"GET /x"}]}"#
        #expect(throws: CheckupError.self) { try Checkup(configData: Data(bad.utf8)) }
    }
}
