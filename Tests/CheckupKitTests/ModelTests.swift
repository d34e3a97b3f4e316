import Foundation
import Testing
@testable import CheckupKit

@Suite struct ModelTests {
    @Test func statsMatchTheOriginalsKnownAnswer() {
        let attempts = [7, 4, 4, 6, 6, 3].map { Attempt(rtt: .seconds($0)) }
        let s = Stats(attempts)
        #expect(s.total == .seconds(30))
        #expect(s.mean == .seconds(5))
        #expect(s.median == .seconds(5))
        #expect(s.min == .seconds(3))
        #expect(s.max == .seconds(7))
    }

    @Test func statsOfZeroAttemptsAreZeroInsteadOfCrashing() {
        let s = Stats([])
        #expect(s == Stats([Attempt(rtt: .zero)]))
        #expect(s.median == .zero && s.mean == .zero)
    }

    @Test func statsIgnoreZeroRTTForTheMinimum() {
        let s = Stats([Attempt(rtt: .zero), Attempt(rtt: .milliseconds(5)), Attempt(rtt: .milliseconds(9))])
        #expect(s.min == .milliseconds(5))
        #expect(s.median == .milliseconds(5))
    }

    @Test func statusPriorityTableHasAllSixteenPairs() {
        let order: [Status] = [.unknown, .healthy, .degraded, .down]
        for (i, a) in order.enumerated() {
            for (j, b) in order.enumerated() {
                #expect(a.hasPriority(over: b) == (i > j), "\(a) over \(b)")
            }
        }
    }

    @Test func statusResolvesInvalidFlagCombinationsToTheWorst() {
        #expect(CheckResult(healthy: true).status == .healthy)
        #expect(CheckResult(degraded: true).status == .degraded)
        #expect(CheckResult(down: true).status == .down)
        #expect(CheckResult().status == .unknown)
        #expect(CheckResult(degraded: true, down: true).status == .down)
        #expect(CheckResult(healthy: true, degraded: true).status == .degraded)
        #expect(CheckResult(healthy: true, down: true).status == .down)
    }

    @Test func concludeMarksErrorsDownSlowDegradedAndOtherwiseHealthy() {
        var r = CheckResult(times: [Attempt(rtt: .milliseconds(1)), Attempt(rtt: .milliseconds(2), error: "boom")])
        r.conclude()
        #expect(r.status == .down && r.notice.isEmpty)

        r = CheckResult(times: [Attempt(rtt: .milliseconds(600))], threshold: .milliseconds(500))
        r.conclude()
        #expect(r.status == .degraded)
        #expect(r.notice == "median round trip time exceeded threshold (500ms)")

        r = CheckResult(times: [Attempt(rtt: .milliseconds(400))], threshold: .milliseconds(500))
        r.conclude()
        #expect(r.status == .healthy && r.healthy && !r.down && !r.degraded)

        r = CheckResult(times: [])
        r.conclude()
        #expect(r.status == .down)
    }

    @Test(arguments: [
        (Int64(0), "0s"), (1, "1ns"), (1_100, "1.1µs"), (2_200_000, "2.2ms"), (81_234_567, "81.234567ms"),
        (1_500_000_000, "1.5s"), (120_000_000_000, "2m0s"), (5_400_000_000_000, "1h30m0s"),
        (-1_500_000_000, "-1.5s"), (604_800_000_000_000, "168h0m0s"), (Int64.min, "-2562047h47m16.854775808s"),
    ])
    func goDurationFormatting(ns: Int64, text: String) {
        #expect(GoDuration.format(ns) == text)
    }

    @Test(arguments: [
        ("0", Int64(0)), ("2s", 2_000_000_000), ("1h30m", 5_400_000_000_000), ("1.5s", 1_500_000_000),
        ("300ms", 300_000_000), ("-1.5h", -5_400_000_000_000), ("10us", 10_000), ("10µs", 10_000),
        ("1h2m3s4ms5us6ns", 3_723_004_005_006), (".5m", 30_000_000_000),
    ])
    func goDurationParsing(text: String, ns: Int64) {
        #expect(GoDuration.parse(text) == ns)
    }

    @Test(arguments: ["", "1", "1d", "s", "1.s5", "9999999999h", "--1s", "1 s"])
    func goDurationRejects(text: String) {
        #expect(GoDuration.parse(text) == nil)
    }

    @Test func theTextOfManyResultsKeepsTheirOrderWhenFormattedInChunks() {
        // More than one chunk of 512, and a last chunk that is not full.
        let results = (0..<1_300).map { (i: Int) -> CheckResult in
            let rtt = Duration.microseconds(Int64(i)), up = i % 3 != 0
            return CheckResult(title: "t\(i)", endpoint: "http://e\(i)", timestamp: Int64(i),
                               times: [Attempt(rtt: rtt)], healthy: up, down: !up)
        }
        let expected = results.map { $0.description(colored: false) + "\n" }.joined()
        #expect(CheckResult.text(of: results, colored: false) == expected)
        #expect(CheckResult.text(of: Array(results.prefix(3)), colored: true) == results.prefix(3).map { $0.description(colored: true) + "\n" }.joined())
        #expect(CheckResult.text(of: [], colored: false) == "")
    }

    @Test func resultJSONFollowsGoKeyOrderAndOmitEmpty() {
        let r = CheckResult(title: "Example", endpoint: "http://www.example.com", timestamp: 1_472_688_000_123_456_789,
                            times: [Attempt(rtt: .nanoseconds(81_234_567)), Attempt(rtt: .nanoseconds(79_876_543))],
                            threshold: .milliseconds(500), healthy: true)
        let text = String(decoding: CheckResult.checkFileData([r]), as: UTF8.self)
        #expect(text == #"[{"title":"Example","endpoint":"http://www.example.com","timestamp":1472688000123456789,"times":[{"rtt":81234567},{"rtt":79876543}],"threshold":500000000,"healthy":true}]"# + "\n")
        #expect(String(decoding: CheckResult.checkFileData([CheckResult(title: "Testing", timestamp: 0)]), as: UTF8.self)
                == "[{\"title\":\"Testing\"}]\n")
    }

    @Test func attemptJSONAlwaysHasRTTAndAddsPhasesOnlyWhenMeasured() throws {
        let a = Attempt(rtt: .zero, error: "x <y> & z")
        #expect(String(decoding: a.json.encoded(), as: UTF8.self) == #"{"rtt":0,"error":"x \u003cy\u003e \u0026 z"}"#)
        let b = Attempt(rtt: .microseconds(900), nameLookup: .microseconds(10), connect: .microseconds(90),
                        tlsHandshake: nil, firstByte: .microseconds(800))
        #expect(String(decoding: b.json.encoded(), as: UTF8.self)
                == #"{"rtt":900000,"lookup":10000,"connect":90000,"first_byte":800000}"#)
        #expect(try Attempt(json: b.json) == b)
    }

    @Test func checkFilesRoundTripAndBadFilesGiveOneLineErrors() throws {
        let r = CheckResult(title: "A \"quoted\" title", endpoint: "http://x", timestamp: 5,
                            times: [Attempt(rtt: .milliseconds(3), error: "e")], down: true, notice: "n", message: "<b>hi</b>")
        let data = CheckResult.checkFileData([r, r])
        #expect(try CheckResult.decodeCheckFile(data) == [r, r])
        #expect(throws: CheckupError(.format, "f.json: is an object, not an array of results")) {
            try CheckResult.decodeCheckFile(Data("{}".utf8), name: "f.json")
        }
        #expect(throws: CheckupError(.format, "f.json: [0]: times is a string, not an array")) {
            try CheckResult.decodeCheckFile(Data(#"[{"times":"x"}]"#.utf8), name: "f.json")
        }
    }

    @Test func printedFormMatchesTheOriginal() {
        let r = CheckResult(title: "Example", endpoint: "http://x", times: [
            Attempt(rtt: .nanoseconds(81_234_567)), Attempt(rtt: .milliseconds(2), error: "oops"),
        ], threshold: .zero, down: true)
        #expect(r.description == """
            == Example - http://x
              Threshold: 0s
                    Max: 81.234567ms
                    Min: 2ms
                 Median: 41.617283ms
                   Mean: 41.617283ms
                    All: [{81.234567ms } {2ms oops}]
             Assessment: down

            """)
        #expect(r.description(colored: true).hasSuffix("\u{1B}[31m Assessment: down\n\u{1B}[0m"))
        #expect(!CheckResult().description(colored: true).contains("\u{1B}"))
    }

    @Test func printedFormAddsNoticeAndWarningsOnlyWhenThereAreAny() {
        var slow = Attempt(rtt: .milliseconds(5))
        slow.warnings = ["connect took 3ms, over max_connect 1ms", "body: \u{1B}[2J"]
        var r = CheckResult(title: "API", endpoint: "http://x", times: [slow, slow], threshold: .zero, degraded: true)
        r.notice = "passed on attempt 2 of 2 (flaky)"
        #expect(r.description.hasSuffix("""
             Assessment: degraded
                 Notice: passed on attempt 2 of 2 (flaky)
                Warning: connect took 3ms, over max_connect 1ms
                Warning: body: \\x1b[2J

            """), "\(r.description)")
    }

    @Test func rfc3339RoundTrips() {
        #expect(RFC3339.parse("2016-09-01T00:00:00Z") == 1_472_688_000_000_000_000)
        #expect(RFC3339.parse("2016-09-01T02:00:00.5+02:00") == 1_472_688_000_500_000_000)
        #expect(RFC3339.format(1_472_688_000_123_456_789) == "2016-09-01T00:00:00.123456789Z")
        #expect(RFC3339.format(1_472_688_000_100_000_000) == "2016-09-01T00:00:00.1Z")
        #expect(RFC3339.parse("2016-09-01") == nil)
        #expect(RFC3339.parse("2016-13-01T00:00:00Z") == nil)
    }
}

@Suite struct JSONParseTests {
    @Test func foundationParserGivesWhatTheDecoderGave() throws {
        let text = #"{"z":[true,false,1,0,-5,1.0,1.5,1e3,9223372036854775807,18446744073709551615,"s\u00e9",null,{"b":[]},-0.25],"a":{}}"#
        let fast = try JSONValue.parse(Data(text.utf8))
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(fast == decoded)
        let items = try #require(fast.objectValue?["z"]?.arrayValue)
        #expect(items[0] == .bool(true) && items[1] == .bool(false))
        #expect(items[2] == .int(1) && items[3] == .int(0) && items[4] == .int(-5))
        #expect(items[5] == .int(1) && items[6] == .double(1.5) && items[7] == .int(1000))
        #expect(items[8] == .int(.max) && items[9] == .double(18446744073709551615))
        #expect(items[10] == .string("sé") && items[11] == .null && items[13] == .double(-0.25))
        #expect(fast.objectValue?.keys == ["a", "z"])
    }

    @Test func badJSONStillGetsTheDecodersWording() {
        do {
            _ = try JSONValue.parse(Data("{\n \"a\": tru }".utf8))
            Issue.record("parsed")
        } catch let error as JSONValue.ParseError {
            #expect(error.message.hasPrefix("invalid JSON"), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
