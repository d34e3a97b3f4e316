import Foundation
import Testing
@testable import CheckupKit

/// Issue 13's input defects: secrets in URLs and messages, header injection, origins that break
/// the store, a state file that overwrites anything, and inputs whose error said the wrong thing.
@Suite struct InputValidationTests {
    func load(_ json: String, env: [String: String] = [:]) throws -> Checkup {
        try Checkup(configData: Data(json.utf8), source: "checkup.json", environment: env)
    }

    func errorMessage(_ json: String, env: [String: String] = [:]) -> String? {
        do {
            _ = try load(json, env: env)
            return nil
        } catch {
            return (error as? CheckupError)?.message ?? "\(error)"
        }
    }

    func http(_ url: String, _ extra: String = "") -> String {
        #"{"checkers":[{"type":"http","endpoint_name":"a","endpoint_url":\#(String(decoding: JSONValue.string(url).encoded(), as: UTF8.self))\#(extra)}]}"#
    }

    // MARK: Secrets in URLs

    @Test func publicFormDropsUserInfoAndRedactsEveryPartThatHoldsASecret() {
        #expect(URLRedaction.publicForm("https://user:pass@h.test/p?q=1#f") == "https://h.test/p?q=1#f")
        #expect(URLRedaction.publicForm("https://h.test:8443/a/s3cret/b?token=s3cret&x=1&flag", secrets: ["s3cret"])
                == "https://h.test:8443/a/REDACTED/b?token=REDACTED&x=1&flag")
        #expect(URLRedaction.publicForm("http://h.test/?k=abc-s3cret-def#s3cret", secrets: ["s3cret"]) == "http://h.test/?k=REDACTED#REDACTED")
        // A secret across separators takes the whole rest; the host and port always stay.
        #expect(URLRedaction.publicForm("http://h.test/a/b?c", secrets: ["a/b"]) == "http://h.test/REDACTED")
        #expect(URLRedaction.publicForm("http://s3cret.test/", secrets: ["s3cret"]) == "http://s3cret.test/")
        // Relative store addresses keep an @ that is not user-info.
        #expect(URLRedaction.withoutUserInfo("../store@2/") == "../store@2/")
        #expect(URLRedaction.withoutUserInfo("https://k:s@bucket.test/") == "https://bucket.test/")
    }

    @Test func httpResultsCarryThePublicURLAndRequestTheRealOne() async throws {
        let checkup = try load(http("\(peerURL("/"))?token=${TOKEN}&page=2".replacingOccurrences(of: "http://", with: "http://me:${PASS}@")),
                               env: ["TOKEN": "tok-123456", "PASS": "pw-654321"])
        let checker = try #require(checkup.checkers[0] as? HTTPChecker)
        #expect(checker.url.contains("tok-123456") && checker.url.contains("me:pw-654321@"))
        #expect(checker.endpoint == "\(peerURL("/"))?token=REDACTED&page=2")
        let result = try await checker.check()
        #expect(result.healthy, "the real URL was requested: \(result.times)")
        #expect(result.endpoint == checker.endpoint)
    }

    @Test func errorsQuoteValuesAsTheFileWritesThemNeverTheSubstitutedSecret() {
        let env = ["TOKEN": "tok-123456", "MODE": "sometimes-secret"]
        let url = errorMessage(http("htp://h.test/?t=${TOKEN}"), env: env)
        #expect(url == #"checkup.json: checkers[0].endpoint_url: "htp://h.test/?t=${TOKEN}" is not an http(s) URL"#)
        let spaced = errorMessage(http("https://h.test/a b?t=$TOKEN"), env: env) ?? ""
        #expect(spaced.contains(#""https://h.test/a b?t=$TOKEN" contains a space"#) && !spaced.contains("tok-123456"))
        let notify = errorMessage(#"{"notifiers":[{"type":"discord","webhook":"https://d.test/","notify":"${MODE}"}]}"#, env: env)
        #expect(notify == #"checkup.json: notifiers[0].notify: "${MODE}" is not one of change, always"#)
        let webhook = errorMessage(#"{"notifiers":[{"type":"discord","webhook":"https://d.test/$TOKEN x"}]}"#, env: env) ?? ""
        #expect(webhook.hasPrefix("checkup.json: notifiers[0].webhook: the URL contains a space") && !webhook.contains("tok-123456"))
        // The safety net: a message that would repeat a substituted value writes its name instead.
        let reader = ConfigReader(object: JSONObject([("k", .string("$TOKEN"))]), path: "", file: "f", environment: env)
        #expect((try? reader.string("k")) == "tok-123456")
        #expect(reader.error("k", "tok-123456 is wrong").message == "f: k: ${TOKEN} is wrong")
    }

    @Test func anS3EndpointWithUserInfoIsRefusedAndNeverPublished() throws {
        let message = errorMessage(#"{"storage":{"type":"s3","bucket":"b","endpoint":"http://key:${SECRET}@127.0.0.1:9000"}}"#,
                                   env: ["SECRET": "very-secret"])
        #expect(message == #"checkup.json: storage.endpoint: "http://key:${SECRET}@127.0.0.1:9000" has user-info (user:password@); S3 signs with access_key_id and secret_access_key instead"#)
        #expect(errorMessage(#"{"storage":{"type":"s3","bucket":"b","endpoint":"http://127.0.0.1:9000/prefix"}}"#)?
            .hasSuffix("has a path; an S3 endpoint is scheme://host[:port] only") == true)
        // Made in code, it still never reaches the page's config.js.
        let s3 = S3Storage(bucket: "b", endpoint: "http://key:very-secret@127.0.0.1:9000")
        #expect(s3.bucketURL == "http://127.0.0.1:9000/b/")
        let export = StatusPageExport(pageDirectory: "", storageURL: "https://u:very-secret@store.test/", storageType: "fs")
        let script = try export.configScript(template: "x = {\n  storage: {\n    type: 'fs'\n  }\n}")
        #expect(script.contains("https://store.test/") && !script.contains("very-secret"))
    }

    // MARK: Headers, URLs and names on the wire

    @Test func headerNamesAndValuesThatWouldInjectAHeaderAreRefusedAtLoad() {
        let injected = errorMessage(http("https://h.test/", #","headers":{"X-A":["v\r\nX-Injected: 1"]}"#))
        #expect(injected == "checkup.json: checkers[0].headers.X-A[0]: contains a line break (CR or LF), which would end the header; not allowed in a header value")
        #expect(errorMessage(http("https://h.test/", #","headers":{"X-A":"a\u0000b"}"#))?.contains("NUL") == true)
        #expect(errorMessage(http("https://h.test/", #","headers":{"X-A\r\nB":["v"]}"#))?.contains("is not a header name") == true)
        #expect(errorMessage(http("https://h.test/", #","headers":{"":["v"]}"#))?.contains(#""" is not a header name"#) == true)
        #expect(errorMessage(http("https://h.test/", #","headers":{"X-A":["tab\tis fine"]}"#)) == nil)
        let hook = errorMessage(#"{"notifiers":[{"type":"webhook","url":"https://w.test/","headers":{"Authorization":["k\nX: 1"]}}]}"#)
        #expect(hook?.hasPrefix("checkup.json: notifiers[0].headers.Authorization[0]: contains a line break") == true)
    }

    @Test func urlsThatLibcurlWouldRefuseOnEveryAttemptAreRefusedAtLoadWithTheReason() {
        let cases: [(String, String)] = [
            ("http://h.test/a\r\nb", "contains a line break (CR or LF)"),
            ("http://h.test/a\tb", "contains a control character (U+0009)"),
            ("http://h.test/a b", "contains a space (write it as %20)"),
            ("http://h.test/é", "contains non-ASCII characters; percent-encode them (é is %C3%A9)"),
            ("ftp://h.test/", "is not an http(s) URL"),
        ]
        for (url, problem) in cases {
            #expect(errorMessage(http(url))?.hasSuffix(problem) == true, "\(url)")
        }
        #expect(errorMessage(#"{"checkers":[{"type":"tcp","endpoint_name":"a","endpoint_url":"db\r.test:5432"}]}"#)?
            .hasSuffix("contains a line break (CR or LF)") == true)
        #expect(errorMessage(#"{"checkers":[{"type":"tls","endpoint_name":"a","endpoint_url":"bücher.test:443"}]}"#)?
            .contains("non-ASCII host name") == true)
        #expect(errorMessage(#"{"status_page_url":"https://status.test/\nx"}"#)?.hasPrefix("checkup.json: status_page_url:") == true)
        // Where the URL is not sent as xn--, the error says what to write.
        #expect(errorMessage(#"{"notifiers":[{"type":"discord","webhook":"https://bücher.test/x"}]}"#)?
            .contains("write it in its ASCII (IDNA) form (xn--bcher-kva.test)") == true)
    }

    @Test func punycodeMatchesRFC3492sSamplesAndHTTPChecksSendTheASCIIHost() throws {
        func scalars(_ codes: [UInt32]) -> String { String(String.UnicodeScalarView(codes.compactMap(Unicode.Scalar.init))) }
        // RFC 3492 §7.1 (A), (B), (L), (R) and (S).
        #expect(Punycode.encode(scalars([0x644, 0x64A, 0x647, 0x645, 0x627, 0x628, 0x62A, 0x643, 0x644, 0x645, 0x648, 0x634,
                                         0x639, 0x631, 0x628, 0x64A, 0x61F])) == "egbpdaj6bu4bxfgehfvwxn")
        #expect(Punycode.encode(scalars([0x4ED6, 0x4EEC, 0x4E3A, 0x4EC0, 0x4E48, 0x4E0D, 0x8BF4, 0x4E2D, 0x6587])) == "ihqwcrb4cv8a8dqg056pqjye")
        #expect(Punycode.encode(scalars([0x33, 0x5E74, 0x42, 0x7D44, 0x91D1, 0x516B, 0x5148, 0x751F])) == "3B-ww4c5e180e575a65lsy2b")
        #expect(Punycode.encode(scalars([0x305D, 0x306E, 0x30B9, 0x30D4, 0x30FC, 0x30C9, 0x3067])) == "d9juau41awczczp")
        #expect(Punycode.encode("-> $1.00 <-") == "-> $1.00 <--")
        #expect(Punycode.asciiHost("Bücher.Example") == "xn--bcher-kva.example")
        #expect(Punycode.asciiHost("u\u{308}ber.test") == "xn--ber-goa.test")  // NFC first: the same as über
        #expect(Punycode.asciiHost("пример.испытание") == "xn--e1afmkfd.xn--80akhbyknj4f")
        #expect(Punycode.asciiHost(String(repeating: "ü", count: 60) + ".test") == nil)  // a label over 63 octets
        #expect(Punycode.asciiURL("https://me:pw@bücher.test:8443/ü?q=ü") == "https://me:pw@xn--bcher-kva.test:8443/ü?q=ü")

        let checkup = try load(http("https://bücher.test:8443/status"))
        let checker = try #require(checkup.checkers[0] as? HTTPChecker)
        #expect(checker.endpoint == "https://bücher.test:8443/status")  // shown as written
        #expect(checker.makeRequest().url == "https://xn--bcher-kva.test:8443/status")
        #expect(errorMessage(http("https://bücher.test/ü"))?.hasSuffix("contains non-ASCII characters; percent-encode them (é is %C3%A9)") == true)
    }

    @Test func aNULInAnyStringIsAnErrorNotASilentlyShorterName() {
        let dns = errorMessage(#"{"checkers":[{"type":"dns","endpoint_name":"a","endpoint_url":"127.0.0.1:53","hostname_fqdn":"example.test\u0000.evil"}]}"#)
        #expect(dns == "checkup.json: checkers[0].hostname_fqdn: contains a NUL character")
        #expect(DNSChecker.hostnameProblem("a\u{0}b.test") == #""a\u0000b.test" contains a NUL character"#)
        #expect(DNSChecker.hostnameProblem("bücher.test")?.hasSuffix("ASCII (IDNA) form (xn--bcher-kva.test)") == true)
        #expect(errorMessage(#"{"checkers":[{"type":"exec","name":"a","command":"true","arguments":["x\u0000y"]}]}"#)
                == "checkup.json: checkers[0].arguments[0]: contains a NUL character")
    }

    // MARK: Counts, origins, state

    @Test func attemptsAreCappedAtAHundred() async throws {
        for type in ["http", "tcp", "tls", "dns"] {
            let url = type == "http" ? "http://h.test/" : "127.0.0.1:53"
            let json = #"{"checkers":[{"type":"\#(type)","endpoint_name":"a","endpoint_url":"\#(url)","attempts":1000000000}]}"#
            #expect(errorMessage(json) == "checkup.json: checkers[0].attempts: 1000000000 is more than 100, the most attempts one result may take")
        }
        #expect(errorMessage(#"{"checkers":[{"type":"exec","name":"a","command":"true","attempts":101}]}"#)?.contains("more than 100") == true)
        #expect(errorMessage(http("http://h.test/", #","attempts":100"#)) == nil)
        // Made in code: at most a hundred are run.
        let checker = ExecChecker(name: "t", command: "true", attempts: 1_000_000_000)
        #expect(await checker.runAttempts(checker.attempts, spacing: .zero) { Attempt(rtt: .zero) }.count == 100)
    }

    @Test func originsThatWouldBreakTheStoreAreRefusedOnceAtLoad() throws {
        let long = String(repeating: "a", count: 65)
        let refused: [(String, String)] = [
            ("index", "is the name of the summaries manifest (summaries/index.json); choose another"),
            ("INDEX", "is the name of the summaries manifest"),
            ("fra-1.latest", "ends in .latest, which names a node's latest round; choose another"),
            (".hidden", "must start with a letter or digit"),
            ("-x", "must start with a letter or digit"),
            ("a/b", "may hold only letters, digits, '.', '_' and '-'"),
            ("zürich", "may hold only letters"),
            (long, "is 65 characters long; an origin has at most 64"),
        ]
        for (origin, problem) in refused {
            let message = errorMessage(#"{"origin":"\#(origin)"}"#) ?? ""
            #expect(message.hasPrefix("checkup.json: origin: \(JSONValue.string(origin).shortText) \(problem)"), "\(origin): \(message)")
        }
        for origin in ["fra-1", "node_2.example", String(repeating: "b", count: 64), "latest", "index2"] {
            #expect(try load(#"{"origin":"\#(origin)"}"#).resolvedOrigin == origin)
        }
        // Summary keys stay apart from the manifest's and the latest rounds'.
        #expect(StatusSummaries.key(for: "index2") != StatusSummaries.manifestKey)
        let location = errorMessage(#"{"location":"Fra\nnkfurt"}"#)
        #expect(location == #"checkup.json: location: "Fra\nnkfurt" contains a line break (CR or LF)"#)
    }

    @Test func aStateFileThatIsNotNotifierStateIsNeverReplaced() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let config = dir + "/checkup.json"
        let text = #"{"state_file":"\#(config)","notifiers":[{"type":"discord","webhook":"\#(peerURL("/hook/x"))"}]}"#
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let message: String
        do {
            _ = try Checkup(configFile: config)
            message = ""
        } catch {
            message = (error as? CheckupError)?.message ?? "\(error)"
        }
        #expect(message == "checkup.json: state_file: \(JSONValue.string(config).shortText) is not checkup's notifier state; not replacing it (name a new file)")
        #expect(errorMessage(#"{"state_file":"\#(dir)"}"#)?.hasSuffix("is a directory, not a notifier state file") == true)

        // Made in code, a notifier whose state file is someone else's fails and leaves it alone.
        let store = FileStateStore(path: config)
        let notifier = AlertingNotifier(sender: DiscordSender(webhook: peerURL("/hook/\(UUID().uuidString)")), stateStore: store)
        await #expect(throws: CheckupError.self) { try await notifier.notify([down()]) }
        #expect(try String(contentsOfFile: config, encoding: .utf8) == text)
        // Its own state, an empty file and no file at all are ours.
        #expect(FileStateStore.isNotifierState(Data(#"{"0:slack":{"Web\u001fhttps://w/":{"bad":1,"good":0,"since":5,"last_sent":5,"alerted":"down"}}}"#.utf8)))
        #expect(FileStateStore.isNotifierState(Data()) && FileStateStore.isNotifierState(Data("{}\n".utf8)))
        #expect(FileStateStore.problem(path: dir + "/none.json") == nil)
        #expect(!FileStateStore.isNotifierState(Data(#"{"checkers":[]}"#.utf8)) && !FileStateStore.isNotifierState(Data("x".utf8)))
    }

    // MARK: Messages that said the wrong thing

    @Test func deeplyNestedJSONAndOutOfRangeTimesSayWhatIsWrong() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(errorMessage("{\n\"checkers\": \(deep)}") ==
                "checkup.json: arrays and objects nest more than 512 levels deep (at line 2); checkup reads at most 512")
        #expect(errorMessage(String(repeating: "[", count: 300) + String(repeating: "]", count: 300)) == "checkup.json: is an array, expected a JSON object")
        #expect(errorMessage(#"{"timestamp":"0001-01-02T00:00:00Z"}"#) ==
                #"checkup.json: timestamp: "0001-01-02T00:00:00Z" is out of range (checkup's times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z)"#)
        #expect(errorMessage(#"{"timestamp":"2016-13-01T00:00:00Z"}"#)?.hasSuffix("is not an RFC 3339 time such as \"2016-09-01T12:00:00Z\"") == true)
        #expect(RFC3339.isOutOfRange("9999-12-31T23:59:59Z") && !RFC3339.isOutOfRange("2016-09-01T12:00:00Z") && !RFC3339.isOutOfRange("x"))
    }
}
