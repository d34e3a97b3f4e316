import Foundation
import Testing
@testable import CheckupKit

@Suite struct ConfigTests {
    func load(_ json: String, env: [String: String] = [:]) throws -> Checkup {
        try Checkup(configData: Data(json.utf8), source: "checkup.json", environment: env)
    }

    func text(_ checkup: Checkup) throws -> String {
        String(decoding: try checkup.configData(), as: UTF8.self)
    }

    /// The message of the config error that `json` produces.
    func errorMessage(_ json: String, env: [String: String] = [:]) -> String? {
        do {
            _ = try load(json, env: env)
            return nil
        } catch let error as CheckupError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func originalsGoldenConfigRoundTripsByteForByte() throws {
        let golden = try String(contentsOf: repositoryRoot.appendingPathComponent("testdata/config.json"), encoding: .utf8)
        let checkup = try load(golden)
        #expect(try text(checkup) == golden)
        let s3 = try #require(checkup.storage as? S3Storage)
        #expect(s3.bucket == "test" && s3.checkExpiry == .seconds(604_800))
        let http = try #require(checkup.checkers[1] as? HTTPChecker)
        #expect(http.name == "Example (HTTPS)" && http.thresholdRTT == .milliseconds(500) && http.attempts == 5)
    }

    @Test func seedProviderDiscriminatorIsReadAndWrittenBack() throws {
        let seed = #"{"storage":{"provider":"fs","dir":"/tmp/x","url":""},"checkers":[{"type":"http","endpoint_name":"a","endpoint_url":"http://a"}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try load(seed)
        #expect(checkup.storage as? FileSystemStorage == FileSystemStorage(directory: "/tmp/x"))
        #expect(try text(checkup) == seed)
    }

    @Test func everyHTTPKeyRoundTripsInTheOriginalsOrderWithExtensionsAfter() throws {
        let json = #"{"checkers":[{"type":"http","endpoint_name":"All","endpoint_url":"https://h/p","up_status":302,"threshold_rtt":250000000,"must_contain":"ok","must_not_contain":"error","attempts":3,"attempt_spacing":1000000000,"headers":{"Accept":["text/html","*/*"],"Host":["vhost"]},"timeout":2000000000,"tls_skip_verify":true,"tls_ca_file":"/ca.pem"}],"concurrent_checks":7,"timestamp":"2016-09-01T12:00:00Z"}"#
        let checkup = try load(json)
        #expect(try text(checkup) == json)
        #expect(try text(load(text(checkup))) == json)
        #expect(checkup.concurrentChecks == 7)
        #expect(checkup.checkers[0] as? HTTPChecker == HTTPChecker(
            name: "All", url: "https://h/p", upStatus: 302, thresholdRTT: .milliseconds(250), mustContain: "ok",
            mustNotContain: "error", attempts: 3, attemptSpacing: .seconds(1),
            headers: ["Accept": ["text/html", "*/*"], "Host": ["vhost"]], timeout: .seconds(2),
            tlsSkipVerify: true, tlsCAFile: "/ca.pem"))
    }

    @Test func durationStringsAreAcceptedAndWrittenAsNanoseconds() throws {
        let checkup = try load(#"{"checkers":[{"type":"http","endpoint_name":"a","endpoint_url":"http://a","threshold_rtt":"1h30m","attempt_spacing":"250ms"}],"storage":{"type":"fs","dir":"d","check_expiry":"168h"}}"#)
        let http = try #require(checkup.checkers[0] as? HTTPChecker)
        #expect(http.thresholdRTT == .seconds(5400))
        #expect(http.attemptSpacing == .milliseconds(250))
        #expect((checkup.storage as? FileSystemStorage)?.checkExpiry == .seconds(604_800))
        #expect(try text(checkup).contains(#""threshold_rtt":5400000000000"#))
    }

    @Test func environmentVariablesAreSubstitutedInStrings() throws {
        let checkup = try load(#"{"checkers":[{"type":"http","endpoint_name":"$NAME costs $$5","endpoint_url":"https://${HOST}/x","headers":{"Authorization":["Bearer ${TOKEN}"]}}]}"#,
                               env: ["NAME": "Shop", "HOST": "shop.example", "TOKEN": "s3cr3t"])
        let http = try #require(checkup.checkers[0] as? HTTPChecker)
        #expect(http.name == "Shop costs $5")
        #expect(http.url == "https://shop.example/x")
        #expect(http.headers["Authorization"] == ["Bearer s3cr3t"])
        #expect(errorMessage(#"{"storage":{"type":"s3","bucket":"b","secret_access_key":"$AWS_SECRET"}}"#)
                == "checkup.json: storage.secret_access_key: environment variable AWS_SECRET is not set")
    }

    @Test func zeroTimestampMeansUnsetAndARealOneOverridesResults() async throws {
        #expect(try load("{}").timestamp == nil)
        let checkup = try load(#"{"timestamp":"2016-09-01T00:00:00Z"}"#)
        #expect(checkup.timestamp == 1_472_688_000_000_000_000)
        #expect(try text(checkup) == #"{"timestamp":"2016-09-01T00:00:00Z"}"#)
    }

    @Test func legacyAndArrayNotifierKeysAreRecognised() {
        #expect(errorMessage(#"{"notifiers":[{"type":"slack","webhook":"x"}]}"#)
                == "checkup.json: notifiers[0].webhook: the URL is not an http(s) URL (not repeated here: it may hold a secret)")
        #expect(errorMessage(#"{"notifier":{"name":"carrier-pigeon"}}"#)
                == "checkup.json: notifier.name: \"carrier-pigeon\" is not a known notifier type (one of: discord, mail, mailgun, pushover, slack, webhook)")
    }

    @Test(arguments: [
        (#"{"checkers":[{"type":"http","endpoint_name":"a","endpoint_url":"http://a"},{"type":"http","endpoint_name":"b","endpoint_url":"http://b"},{"type":"http","endpoint_name":"c","endpoint_url":"htp://x"}]}"#,
         #"checkup.json: checkers[2].endpoint_url: "htp://x" is not an http(s) URL"#),
        (#"{"checkers":[{"type":"http","endpoint_name":"a"}]}"#,
         "checkup.json: checkers[0].endpoint_url: is missing; it is required"),
        (#"{"checkers":[{"type":"http","endpoint_url":"http://"}]}"#,
         #"checkup.json: checkers[0].endpoint_url: "http://" has no host"#),
        (#"{"checkers":[{"endpoint_url":"http://a"}]}"#,
         "checkup.json: checkers[0].type: is missing; say which checker this is (one of: dns, domain, exec, heartbeat, http, tcp, tls)"),
        (#"{"checkers":[{"type":"ftp","endpoint_url":"http://a"}]}"#,
         #"checkup.json: checkers[0].type: "ftp" is not a known checker type (one of: dns, domain, exec, heartbeat, http, tcp, tls)"#),
        (#"{"checkers":[{"type":"http","endpoint_url":"http://a","attempts":-1}]}"#,
         "checkup.json: checkers[0].attempts: -1 is negative; use 0 for the default"),
        (#"{"checkers":[{"type":"http","endpoint_url":"http://a","attempts":"5"}]}"#,
         #"checkup.json: checkers[0].attempts: "5" is not a whole number"#),
        (#"{"checkers":[{"type":"http","endpoint_url":"http://a","threshold_rtt":"2 seconds"}]}"#,
         #"checkup.json: checkers[0].threshold_rtt: "2 seconds" is not a duration (use nanoseconds or a string such as "10s", "1h30m")"#),
        (#"{"checkers":[{"type":"http","endpoint_url":"http://a","attempt_spacing":"-1s"}]}"#,
         #"checkup.json: checkers[0].attempt_spacing: "-1s" is negative; use 0 for the default"#),
        (#"{"checkers":[{"type":"http","endpoint_url":"http://a","up_status":1000}]}"#,
         "checkup.json: checkers[0].up_status: 1000 is not an HTTP status code"),
        (#"{"checkers":[{"type":"http","endpoint_url":"http://a","headers":{"X":[1]}}]}"#,
         "checkup.json: checkers[0].headers.X[0]: 1 is a number, expected a string"),
        (#"{"checkers":[{"type":"http","endpoint_url":"http://a","tls_skip_verify":"yes"}]}"#,
         #"checkup.json: checkers[0].tls_skip_verify: "yes" is a string, expected true or false"#),
        (#"{"checkers":{}}"#, "checkup.json: checkers: is an object, expected an array"),
        (#"{"checkers":[3]}"#, "checkup.json: checkers[0]: 3 is a number, expected an object"),
        (#"{"concurrent_checks":-2}"#, "checkup.json: concurrent_checks: -2 is negative; use 0 for the default"),
        (#"{"timestamp":"yesterday"}"#,
         #"checkup.json: timestamp: "yesterday" is not an RFC 3339 time such as "2016-09-01T12:00:00Z""#),
        (#"{"storage":{"type":"fs"}}"#, "checkup.json: storage.dir: is missing; it is required"),
        (#"{"storage":{"type":"github","dir":"x"}}"#,
         #"checkup.json: storage.type: "github" is a storage type of the original checkup that this build does not support yet"#),
        (#"{"storage":{"dir":"x"}}"#, "checkup.json: storage.type: is missing; say which storage this is (one of: fs, s3)"),
        (#"{"storage":[]}"#, "checkup.json: storage: is an array, expected an object"),
        (#"[]"#, "checkup.json: is an array, expected a JSON object"),
        (#"{"checkers":[}"#, nil),
    ] as [(String, String?)])
    func configErrorsNameFileKeyPathAndValue(json: String, message: String?) throws {
        let got = try #require(errorMessage(json))
        if let message {
            #expect(got == message)
        } else {
            #expect(got.hasPrefix("checkup.json: invalid JSON"))
            #expect(!got.contains("\n"))
        }
    }

    @Test func customCheckersCannotBeWrittenAndSaySo() {
        struct Custom: Checker {
            var name = "custom"
            func check() async throws -> CheckResult { CheckResult(title: name) }
        }
        let checkup = Checkup(checkers: [Custom()])
        #expect(throws: CheckupError(.config, "checkers[0]: Custom cannot be written to checkup.json")) {
            try checkup.configData()
        }
    }

    @Test func configFileErrorsNameThePath() {
        #expect(throws: CheckupError(.config, "/nonexistent/checkup.json: no such file (use -c to name the config file)")) {
            try Checkup(configFile: "/nonexistent/checkup.json")
        }
    }
}
