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

    @Test func theScannerReadsTheUsualShapeAsJSONDecoderDoes() throws {
        let data = CheckResult.checkFileData(typicalResults())
        let scanned = try #require(CheckFileScanner.results(data))
        #expect(scanned == (try #require(CheckResult.decodeTypical(data))))
        #expect(scanned.count == 4 && scanned[1].message == "Deploy <b>1</b>\n" && scanned[1].title == "Ünïcode ✓ \u{2028}")
        let original = Data(#"[{"title":"Testing","endpoint":"http://x","timestamp":1,"times":[{"rtt":100}],"healthy":true}]"#.utf8)
        #expect(try #require(CheckFileScanner.results(original)) == CheckResult.decodeTypical(original))
    }

    @Test func theScannerTakesWhatJSONDecoderTakesTheSameWayAndLeavesTheRest() throws {
        // Taken: white space, escapes (surrogate pairs too), nulls, the extremes of Int64.
        let taken = [
            " [ { \"title\" : \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\" , \"times\" : [ { \"rtt\" : -0 } ] } ] \n",
            #"[{"times":[{"error":null,"address":null,"warnings":null}],"notice":null,"certificate":null}]"#,
            #"[{"timestamp":9223372036854775807,"threshold":-9223372036854775808}]"#,
            #"[{"certificate":{"not_after":"2026-01-02T03:04:05Z","subject":"CN=\u00e9"}},{}]"#,
            #"[{"flaky":false,"down":true,"times":[],"origin":"x"}]"#, "[]", "[{}]\n",
            #"[{"times":[{"warnings":["a", "b"],"tls":0,"first_byte":1,"lookup":2,"connect":3}]}]"#,
        ]
        for text in taken {
            let data = Data(text.utf8)
            let scanned = CheckFileScanner.results(data)
            #expect(scanned != nil, "\(text)")
            #expect(scanned == CheckResult.decodeTypical(data), "\(text)")
        }
        // Left to JSONDecoder (or the lenient way): whatever the scanner cannot be sure it reads alike.
        let left = [
            #"[{"extra":1}]"#, #"[{"title":"a","title":"b"}]"#, #"[{"ti\u0074le":"a"}]"#, #"[{"timestamp":1.0}]"#,
            #"[{"timestamp":1e3}]"#, #"[{"timestamp":01}]"#, #"[{"timestamp":9223372036854775808}]"#,
            #"[{"title":"\ud83d"}]"#, #"[{"title":"\udc00x"}]"#, #"[{"title":"\x"}]"#, "[{\"title\":\"a\u{01}\"}]",
            #"[{"times":[null]}]"#, #"[{"times":[{"warnings":[1]}]}]"#, #"[{"healthy":1}]"#, #"[{"title":5}]"#,
            "[{}] x", "[{},]", "[{\"title\":\"a\"", "", "{}", "[1]", #"[{"certificate":"x"}]"#,
        ]
        for text in left {
            #expect(CheckFileScanner.results(Data(text.utf8)) == nil, "\(text)")
        }
        #expect(CheckFileScanner.results(Data([0x5B, 0x7B, 0x22, 0x74, 0x69, 0x74, 0x6C, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D, 0x5D])) == nil)
    }
}
