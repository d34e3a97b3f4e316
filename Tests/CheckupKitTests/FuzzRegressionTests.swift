import Foundation
import Testing
@testable import CheckupKit

/// The fuzz targets' properties (FuzzProperties.swift) over every committed input of
/// testdata/fuzz/<target>/: the seeds, and the regressions, which are inputs a fuzzer found
/// (Scripts/fuzz) and which failed before their fix. Then the fixes, one known answer each.
@Suite struct FuzzRegressionTests {
    static let root = repositoryRoot.appendingPathComponent("testdata/fuzz")

    /// The seeds and regressions of a target, by their path under testdata/fuzz.
    static func inputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for folder in ["seeds", "regressions"] {
            let dir = root.appendingPathComponent("\(target)/\(folder)")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { continue }
            for name in names.sorted() {
                out.append(("\(target)/\(folder)/\(name)", Array(try Data(contentsOf: dir.appendingPathComponent(name)))))
            }
        }
        return out
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func everySeedAndFoundInputHoldsItsTargetsProperty(_ name: String) throws {
        let target = try #require(FuzzTarget.all.first { $0.name == name })
        let inputs = try Self.inputs(name)
        #expect(inputs.count >= 5, "testdata/fuzz/\(name) has \(inputs.count) inputs")
        for input in inputs {
            let failure = target.check(input.bytes)
            #expect(failure == nil, "\(input.name): \(failure ?? "")")
        }
    }

    @Test(.timeLimit(.minutes(2))) func thePageSanitizerKeepsEverySeedAndFoundPayloadInert() async throws {
        // Scripts/fuzz-page-sanitizer --replay: headless Chromium renders testdata/fuzz/sanitizer/
        // through the page's renderMessage and checks the allow-list's property on each.
        let script = repositoryRoot.appendingPathComponent("Scripts/fuzz-page-sanitizer").path
        let run = try await offPool { try runProgram("/usr/bin/env", ["python3", script, "--replay"]) }
        #expect(run.status == 0 && run.stdout.contains("failures=0"), "\(run.stdout)\(run.stderr.suffix(2000))")
    }

    // MARK: - what the fuzzers found

    @Test func aWholeNumberBeyondInt64IsWrittenInDigitsNotACrash() throws {
        // JSONValue.encoded() converted every whole double to Int64, which traps from 2^63 on; an
        // error message about `"concurrent_checks": 1e19` crashed checkup.
        #expect(String(decoding: JSONValue.double(1e19).encoded(), as: UTF8.self) == "10000000000000000000")
        #expect(String(decoding: JSONValue.double(-1.2345678901234567e20).encoded(), as: UTF8.self) == "-123456789012345670000")
        #expect(String(decoding: JSONValue.double(9.2e18).encoded(), as: UTF8.self) == "9200000000000000000")
        #expect(String(decoding: JSONValue.double(1e21).encoded(), as: UTF8.self) == "1e+21")
        let error = #expect(throws: CheckupError.self) {
            try Checkup(configData: Data(#"{"concurrent_checks": 1e19}"#.utf8), environment: [:])
        }
        #expect(error?.message == "checkup.json: concurrent_checks: 10000000000000000000 is not a whole number")
    }

    @Test func jsonReadsLargeIntegersExactlyAndWritesThemBackTheSame() throws {
        // JSONSerialization gives NSDecimalNumbers for these; their doubleValue was taken, which
        // rounded -1472731200123456789 to ...768 and made -9200000000322273907 a double that was
        // written as digits and read back as an integer.
        let text = "[-1472731200123456789,-9200000000322273907,9223372036854775807,-9223372036854775808,123456789012345678901,12345678901234545678901234567808,9.21e18]"
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value == .array([.int(-1_472_731_200_123_456_789), .int(-9_200_000_000_322_273_907), .int(.max), .int(.min),
                                 .double(1.2345678901234568e20), .double(1.2345678901234547e31), .int(9_210_000_000_000_000_000)]))
        #expect(try JSONValue.parse(value.encoded()) == value)
    }

    @Test func aDollarInAStringIsWrittenDoubledSoItReadsBackTheSame() throws {
        // `$$` reads as `$`; configData() wrote that `$` alone, so reading the file it wrote
        // substituted a variable (or failed: `environment variable b is not set`).
        let config = #"{"location": "$$HOME at a$$b for 5$", "checkers": [{"type": "tcp", "endpoint_name": "$$1", "endpoint_url": "127.0.0.1:1"}]}"#
        let checkup = try Checkup(configData: Data(config.utf8), environment: ["HOME": "/root"])
        #expect(checkup.location == "$HOME at a$b for 5$")
        let written = try checkup.configData()
        let text = String(decoding: written, as: UTF8.self)
        #expect(text.contains(#""location":"$$HOME at a$$b for 5$$""#) && text.contains(#""endpoint_name":"$$1""#))
        let again = try Checkup(configData: written, environment: [:])
        #expect(again.location == "$HOME at a$b for 5$" && again.checkers.first?.name == "$1")
    }

    @Test func xmlThatIsNotUTF8IsNoAnswerNotACrash() {
        // FoundationXML trapped on an element name with bytes that are not UTF-8, and made each
        // such byte in text a three-byte U+FFFD (438 bytes of text from a 312-byte answer).
        var body = Array("<ListBucketResult><IsTruncated>true</IsTruncated><I".utf8) + [0xFF, 0xFE] + Array("x></ListBucketResult>".utf8)
        #expect(XMLElements(body).count == 0)
        body = Array("<Error><Code>SlowDown</Code></Error>".utf8)
        #expect(XMLElements(body).values("Error/Code") == ["SlowDown"])
    }

    @Test func xmlWithAProcessingInstructionIsNoAnswerNotACrash() {
        // FoundationXML's processing-instruction callback ran strlen on NULL for `<?xm?>`.
        #expect(XMLElements(Array("<?xm?>\n<Error><Code>x</Code></Error>".utf8)).count == 0)
        #expect(XMLElements(Array("<Error><?pi data?><Code>x</Code></Error>".utf8)).count == 0)
        let declared = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<Error><Code>SlowDown</Code></Error>"
        #expect(XMLElements(Array(declared.utf8)).values("Error/Code") == ["SlowDown"])
    }

    @Test func rfc3339AcceptsOnlyDaysTheMonthHas() {
        // February 29 of a common year read as March 1 (Go's time.Parse: "day out of range").
        #expect(RFC3339.parse("2015-02-29T00:00:00Z") == nil)
        #expect(RFC3339.parse("2016-04-31T00:00:00Z") == nil)
        #expect(RFC3339.parse("1900-02-29T00:00:00Z") == nil)
        #expect(RFC3339.parse("2000-02-29T00:00:00Z") == RFC3339.parse("2000-03-01T00:00:00Z").map { $0 - 86_400_000_000_000 })
        #expect(RFC3339.parse("2016-02-29T12:00:00Z") != nil && RFC3339.parse("2016-12-31T12:00:00Z") != nil)
        #expect(!RFC3339.isOutOfRange("2015-02-29T00:00:00Z") && RFC3339.isOutOfRange("2300-01-01T00:00:00Z"))
    }

    @Test func rfc3339ReadsEveryInstantInt64HoldsAndNoneBeyond() {
        // The first second Int64 holds (1677-09-21T00:12:43.145224192Z on) overflowed on the way
        // and read as nil; the last fraction of 2262-04-11T23:47:16 past Int64.max must not trap.
        for n in [Int64.min, .min + 1, .min + 999_999_999, -1, 0, .max - 1, .max] {
            #expect(RFC3339.parse(RFC3339.format(n)) == n, "\(n)")
        }
        #expect(RFC3339.format(.min) == "1677-09-21T00:12:43.145224192Z")
        #expect(RFC3339.parse("1677-09-21T00:12:43.145224191Z") == nil)
        #expect(RFC3339.parse("2262-04-11T23:47:16.854775808Z") == nil)
        #expect(RFC3339.parse("2262-04-11T23:47:16.999999999Z") == nil)
    }

    @Test func jsonNestedTooDeeplyIsAnErrorNotAStackOverflow() {
        let deep = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(deep) }
        let error = #expect(throws: CheckupError.self) { try Checkup(configData: deep, environment: [:]) }
        #expect(error?.code == .config)
        let objects = Data((String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)).utf8)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(objects) }
    }
}
