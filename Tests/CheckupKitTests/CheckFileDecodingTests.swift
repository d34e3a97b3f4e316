import Foundation
import Testing
@testable import CheckupKit

/// Check files are read by the scanner or JSONDecoder when they have the usual shape, and the
/// lenient way otherwise: every way must give the same results for every file.
@Suite struct CheckFileDecodingTests {
    func typicalResults() -> [CheckResult] {
        var tls = CheckResult(title: "Cert \"x\" <b>", endpoint: "example.com:443", timestamp: 1_780_000_000_123_456_789,
                              times: [Attempt(rtt: .milliseconds(12), nameLookup: .microseconds(10), connect: .zero,
                                              tlsHandshake: .milliseconds(3), firstByte: .milliseconds(9))],
                              threshold: .milliseconds(200), healthy: true)
        tls.certificate = CertificateInfo(subject: "CN=example.com", issuer: "CN=CA", notBefore: 1_700_000_000, notAfter: 1_800_000_000)
        tls.origin = "fra-1"
        var flaky = CheckResult(title: "Ünïcode ✓ \u{2028}", endpoint: "https://x/", timestamp: -5,
                                times: [Attempt(rtt: .seconds(1), error: "timed out"), Attempt(rtt: .nanoseconds(1))],
                                degraded: true, notice: "passed on attempt 2 of 2", message: "Deploy <b>1</b>\n")
        flaky.flaky = true
        flaky.times[1].address = "[::1]:443"
        flaky.times[1].warnings = ["slow", "slower"]
        return [tls, flaky, CheckResult(title: "", endpoint: "", timestamp: 0, down: true), CheckResult()]
    }

    @Test func theUsualShapeIsDecodedTheFastWayWithTheSameResults() throws {
        let data = CheckResult.checkFileData(typicalResults())
        let fast = try #require(CheckResult.decodeTypical(data))
        #expect(fast == (try CheckResult.decodeLeniently(data, name: "f")))
        // What a check file keeps of them (a zero phase time is left out, so it reads back as none).
        #expect(fast.map(\.title) == typicalResults().map(\.title) && fast[0].certificate == typicalResults()[0].certificate)
        #expect(fast[1].times[1].warnings == ["slow", "slower"] && fast[1].flaky && fast[0].origin == "fra-1")
        // The original's own files: no checkup extensions.
        let original = Data(#"[{"title":"Testing","endpoint":"http://x","timestamp":1,"times":[{"rtt":100}],"healthy":true}]"#.utf8)
        #expect(CheckResult.decodeTypical(original) == (try CheckResult.decodeLeniently(original, name: "f")))
    }

    @Test func filesOfOtherShapesReadAsTheLenientWayReadsThem() throws {
        let odd = [
            #"[{"title":5,"healthy":"yes"}]"#, #"[{"times":[{"rtt":1.5}]}]"#, #"[{"times":[{"rtt":2.0,"lookup":3e3}]}]"#,
            #"[{"timestamp":1e18}]"#, #"[{"times":[{"warnings":[1,"a"]}]}]"#, #"[{"certificate":"x"}]"#,
            #"[{"times":[{"error":null}],"notice":null}]"#, #"[{"times":null}]"#, "[]", #"[{"extra":{"deep":[1,{}]}}]"#,
            #"[{"title":"\u00e9\ud83d\ude00"}]"#, #"[{"times":[{"error":7}]}]"#, #"[{"healthy":1}]"#,
            #"[{"certificate":{"not_after":"2026-01-02T03:04:05Z","subject":9}}]"#, #"[{"flaky":false,"down":true}]"#,
        ]
        for text in odd {
            let data = Data(text.utf8)
            let lenient = try CheckResult.decodeLeniently(data, name: "f")
            #expect(try CheckResult.decodeCheckFile(data) == lenient, "\(text)")
            if let fast = CheckResult.decodeTypical(data) { #expect(fast == lenient, "fast: \(text)") }
        }
        for bad in ["{}", #"[{"times":"x"}]"#, "[1]", #"[{"timestamp":"now"}]"#, "", "[{]"] {
            let data = Data(bad.utf8)
            #expect(CheckResult.decodeTypical(data) == nil, "\(bad)")
            #expect(throws: CheckupError.self) { try CheckResult.decodeCheckFile(data) }
        }
    }
}
