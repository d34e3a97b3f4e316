import Foundation
import Synchronization
import Testing
@testable import CheckupKit

/// The requests the HTTP peer recorded under `key` (POST /hook/<key>).
func hooks(_ key: String) async throws -> [JSONObject] {
    let (_, body, _) = try await httpGet(peerURL("/hooks/\(key)"))
    return try body.split(separator: "\n").compactMap { try JSONValue.parse(Data($0.utf8)).objectValue }
}

func hookBody(_ hook: JSONObject) throws -> JSONObject {
    try #require(try JSONValue.parse(Data((hook["body"]?.stringValue ?? "").utf8)).objectValue)
}

func down(_ title: String = "Website", error: String = "response status 503 Service Unavailable") -> CheckResult {
    var r = CheckResult(title: title, endpoint: "https://example.test/", times: [Attempt(rtt: .milliseconds(5), error: error)])
    r.conclude()
    return r
}

func up(_ title: String = "Website") -> CheckResult {
    var r = CheckResult(title: title, endpoint: "https://example.test/", times: [Attempt(rtt: .milliseconds(5))])
    r.conclude()
    return r
}

@Suite struct NotifierTests {
    @Test func slackGetsTheOriginalsFieldsAndAReadableText() async throws {
        let key = UUID().uuidString
        try await SlackSender(username: "checkup", channel: "#ops", webhook: peerURL("/hook/\(key)"))
            .send([Alert(kind: .problem, result: down(), since: 1_472_688_000_000_000_000, statusPageURL: "https://status.example.test/")])
        let body = try hookBody(try #require(try await hooks(key).first))
        #expect(body["text"]?.stringValue == "Website is DOWN")
        #expect(body["username"]?.stringValue == "checkup" && body["channel"]?.stringValue == "#ops")
        let attachment = try #require(body["attachments"]?.arrayValue?.first?.objectValue)
        #expect(attachment["color"]?.stringValue == "danger")
        let text = attachment["text"]?.stringValue ?? ""
        #expect(text.contains("Reason: response status 503 Service Unavailable"))
        #expect(text.contains("Since: 2016-09-01T00:00:00Z") && text.contains("Status page: https://status.example.test/"))
        let fields = attachment["fields"]?.arrayValue?.compactMap { $0.objectValue?["value"]?.stringValue }
        #expect(fields == ["https://example.test/", "DOWN"])
    }

    @Test func discordAcceptsAny2xx() async throws {
        let key = UUID().uuidString
        try await DiscordSender(webhook: peerURL("/hook/\(key)/204")).send([Alert(kind: .resolved, result: up(), since: 0)])
        let body = try hookBody(try #require(try await hooks(key).first))
        #expect(body["content"]?.stringValue == "Website has recovered")
        let embed = try #require(body["embeds"]?.arrayValue?.first?.objectValue)
        #expect(embed["color"] == .int(0x2EB67D))
    }

    @Test func mailgunAndPushoverPostForms() async throws {
        let key = UUID().uuidString
        try await MailgunSender(from: "checkup@example.test", to: ["ops@example.test", "dev@example.test"], apiKey: "key-s3cr3t",
                                domain: "mg.example.test", apiBase: peerURL("/hook/\(key)"))
            .send([Alert(kind: .problem, result: down(), since: 0)])
        let mail = try #require(try await hooks(key).first)
        #expect(mail["path"]?.stringValue == "/hook/\(key)/mg.example.test/messages")
        let form = mail["body"]?.stringValue ?? ""
        #expect(form.contains("to=ops%40example.test&to=dev%40example.test") && form.contains("subject=Checkup%3A%20Website%20is%20DOWN"))
        #expect(form.contains("html=") && form.contains("text="))
        let auth = mail["headers"]?.objectValue?["Authorization"]?.stringValue
        #expect(auth == "Basic " + Data("api:key-s3cr3t".utf8).base64EncodedString())

        let key2 = UUID().uuidString
        try await PushoverSender(token: "tok", recipient: "user1", apiBase: peerURL("/hook/\(key2)"))
            .send([Alert(kind: .problem, result: down(), since: 0)])
        let push = try #require(try await hooks(key2).first)
        #expect(push["path"]?.stringValue == "/hook/\(key2)/messages.json")
        #expect((push["body"]?.stringValue ?? "").hasPrefix("token=tok&user=user1&title=Checkup%3A%20Website%20is%20DOWN&message="))
    }

    @Test func webhookPostsTheDocumentedJSONWithCustomHeaders() async throws {
        let key = UUID().uuidString
        try await WebhookSender(url: peerURL("/hook/\(key)"), headers: ["Authorization": ["Bearer abc"]])
            .send([Alert(kind: .problem, result: down(), since: 1_472_688_000_000_000_000)])
        let hook = try #require(try await hooks(key).first)
        #expect(hook["headers"]?.objectValue?["Authorization"]?.stringValue == "Bearer abc")
        let body = try hookBody(hook)
        #expect((hook["body"]?.stringValue ?? "").hasPrefix(#"{"kind":"problem","title":"Website","endpoint":"https://example.test/","status":"down","reason":"response status 503 Service Unavailable","since":"2016-09-01T00:00:00Z","headline":"Website is DOWN","text":"#))
        #expect(body["kind"]?.stringValue == "problem" && body["status"]?.stringValue == "down")
        #expect(body["since"]?.stringValue == "2016-09-01T00:00:00Z")
        #expect(body["result"]?.objectValue?["down"] == .bool(true))
    }

    @Test func webhookTemplateShapesTheBodyForPagerDuty() async throws {
        let key = UUID().uuidString
        let sender = try WebhookSender(url: peerURL("/hook/\(key)"), template: #"{"routing_key":"R0UT1NG","event_action":"{{pagerduty_action}}","dedup_key":"{{id}}","payload":{"summary":"{{headline}}: {{reason}}","source":"{{endpoint}}","severity":"{{severity}}"}}"#)
        try await sender.send([Alert(kind: .problem, result: down(), since: 0), Alert(kind: .resolved, result: up(), since: 0)])
        let bodies = try await hooks(key).map { $0["body"]?.stringValue ?? "" }
        #expect(bodies.count == 2)
        let docs = try bodies.map { try #require(try JSONValue.parse(Data($0.utf8)).objectValue) }
        #expect(docs[0]["routing_key"] == .string("R0UT1NG") && docs[0]["event_action"] == .string("trigger"))
        #expect(docs[0]["dedup_key"]?.stringValue?.hasPrefix("checkup-") == true)
        #expect(docs[0]["payload"] == .object(JSONObject([
            ("severity", .string("critical")), ("source", .string("https://example.test/")),
            ("summary", .string("Website is DOWN: response status 503 Service Unavailable")),
        ])))
        #expect(docs[1]["event_action"] == .string("resolve"))
        #expect(docs[0]["dedup_key"] == docs[1]["dedup_key"])  // one incident key, so PagerDuty resolves what it opened
    }

    @Test func failingReceiverIsReportedWithoutTheSecretURL() async throws {
        let secret = "T000-SECRET-\(UUID().uuidString)"
        await #expect(throws: CheckupError(.service, "slack: the service answered 500 Internal Server Error")) {
            try await SlackSender(webhook: peerURL("/hook/\(secret)/500")).send([Alert(kind: .problem, result: down(), since: 0)])
        }
        let lines = Mutex([String]())
        let good = try WebhookSender(url: peerURL("/hook/\(secret)-good"))
        let checkup = Checkup(checkers: [], notifiers: [
            AlertingNotifier(sender: SlackSender(webhook: peerURL("/hook/\(secret)/500"))), AlertingNotifier(sender: good),
        ], log: LogSink { l in lines.withLock { $0.append(l) } })
        await checkup.notify([down()])
        #expect(lines.withLock { $0 } == ["ERROR sending notifications for slack: slack: the service answered 500 Internal Server Error"])
        #expect(try await hooks("\(secret)-good").count == 1)
    }

    @Test func hangingReceiverEndsAtItsTimeoutAndDelaysNoOtherNotifier() async throws {
        let key = UUID().uuidString
        var hanging = try WebhookSender(url: peerURL("/hook/\(key)-slow/hang"))
        hanging.timeout = .seconds(40)  // long enough that a busy machine still delivers the other first
        let lines = Mutex([String]())
        let finished = Mutex(false)
        var checkup = Checkup(checkers: [], notifiers: [
            AlertingNotifier(sender: hanging), AlertingNotifier(sender: try WebhookSender(url: peerURL("/hook/\(key)"))),
        ], log: LogSink { l in lines.withLock { $0.append(l) } })
        checkup.notifyTimeout = .seconds(60)  // the receiver's own timeout ends it, not the round's bound
        let clock = ContinuousClock()
        let start = clock.now
        let round = Task { [checkup] in
            await checkup.notify([down()])
            finished.withLock { $0 = true }
        }
        var delivered = false
        while !delivered && clock.now - start < .milliseconds(36_000) {
            delivered = try await hooks(key).count == 1
            if !delivered { try await Task.sleep(for: .milliseconds(50)) }
        }
        // The good receiver got its alert while the other was still hanging.
        #expect(delivered && !finished.withLock { $0 })
        await round.value
        #expect(clock.now - start < .seconds(80))  // ended by its 40 s timeout, not hanging
        let line = lines.withLock { $0.first } ?? ""
        #expect(line.hasPrefix("ERROR sending notifications for webhook: webhook: ") && isTimeout(line), "\(line)")
        #expect(!line.contains(key))
    }

    @Test func stateChangesGiveOneAlertPerIncidentRemindersAndResolved() {
        var states: [String: AlertingNotifier.EndpointState] = [:]
        func round(_ r: CheckResult, at seconds: Int64, remind: Duration = .zero) -> [Alert.Kind] {
            AlertingNotifier.step(&states, results: [r], now: seconds * 1_000_000_000, failureThreshold: 3,
                                  successThreshold: 2, remindEvery: remind, statusPageURL: "").map(\.kind)
        }
        #expect(round(down(), at: 0) == [])
        #expect(round(down(), at: 60) == [])
        #expect(round(down(), at: 120) == [.problem])
        #expect(round(down(), at: 180) == [])
        #expect(round(down(), at: 240, remind: .seconds(600)) == [])
        #expect(round(down(), at: 720, remind: .seconds(600)) == [.reminder])
        var slow = up()
        slow.healthy = false
        slow.degraded = true
        #expect(round(slow, at: 780) == [.problem])  // down → degraded is news
        #expect(round(up(), at: 840) == [])
        #expect(round(up(), at: 900) == [.resolved])
        #expect(round(up(), at: 960) == [])
        #expect(round(down(), at: 1020) == [])  // a new incident needs three bad rounds again
    }

    @Test func notifiersSharingAStateFileKeepEachOthersState() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let store = FileStateStore(path: dir + "/state.json")
        let keys = (0..<4).map { _ in UUID().uuidString }
        let checkup = Checkup(checkers: [], notifiers: try keys.enumerated().map { i, key in
            AlertingNotifier(sender: try WebhookSender(url: peerURL("/hook/\(key)")), stateStore: store, stateKey: "\(i):webhook")
        })
        for _ in 0..<3 { await checkup.notify([down()]) }
        await checkup.notify([up()])
        for key in keys {
            let kinds = try await hooks(key).compactMap { try hookBody($0)["kind"]?.stringValue }
            #expect(kinds == ["problem", "resolved"])
        }
        let saved = try JSONValue.parse(try #require(FileManager.default.contents(atPath: dir + "/state.json")))
        #expect(saved.objectValue?.keys == ["0:webhook", "1:webhook", "2:webhook", "3:webhook"])
    }

    @Test func alwaysModeSpeaksEveryRoundForEveryUnhealthyResult() async throws {
        let key = UUID().uuidString
        let notifier = AlertingNotifier(sender: try WebhookSender(url: peerURL("/hook/\(key)")), mode: .always)
        try await notifier.notify([down("A"), up("B")])
        try await notifier.notify([down("A"), up("B")])
        #expect(try await hooks(key).count == 2)
    }

    @Test func stateSurvivesAcrossSeparateProcessesLikeCron() async throws {
        let key = UUID().uuidString
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let flag = dir + "/healthy"
        let config = #"{"checkers":[{"type":"exec","name":"Flag","command":"test","arguments":["-e","\#(flag)"]}],"storage":{"type":"fs","dir":"checks"},"notifiers":[{"type":"webhook","url":"\#(peerURL("/hook/\(key)"))"}],"status_page_url":"https://status.example.test/"}"#
        try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        for _ in 0..<3 { #expect(try runCLI(["--store"], in: dir).status == 0) }
        FileManager.default.createFile(atPath: flag, contents: nil)
        for _ in 0..<2 { #expect(try runCLI(["--store"], in: dir).status == 0) }
        let kinds = try await hooks(key).compactMap { try hookBody($0)["kind"]?.stringValue }
        #expect(kinds == ["problem", "resolved"])
        let state = try #require(FileManager.default.contentsOfDirectory(atPath: dir + "/checks").first { $0.hasPrefix(".checkup-notifier-state-") })
        #expect(state.hasSuffix(".json"))
    }

    @Test func notifierConfigRoundTripsWithTheOriginalsKeys() throws {
        let json = ##"{"notifiers":[{"type":"slack","username":"checkup","channel":"#ops","webhook":"https://hooks.slack.test/T/B/X","failure_threshold":3,"remind_every":3600000000000},{"type":"discord","webhook":"https://discord.test/api/webhooks/1/x","notify":"always"},{"type":"mailgun","from":"a@b.test","to":["c@d.test"],"subject":"Down!","apikey":"k","domain":"mg.test"},{"type":"pushover","token":"t","recipient":"u"},{"type":"webhook","url":"https://ntfy.test/checkup","headers":{"Priority":["high"]},"template":{"message":"{{text}}","topic":"ops"},"success_threshold":2}],"timestamp":"0001-01-01T00:00:00Z","state_file":"/var/lib/checkup/state.json"}"##
        let checkup = try Checkup(configData: Data(json.utf8), environment: [:])
        #expect(checkup.notifiers.count == 5)
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        let legacy = try Checkup(configData: Data(#"{"notifier":{"type":"mailgun","from":"a@b.test","to":"c@d.test","apikey":"k","domain":"mg.test"}}"#.utf8), environment: [:])
        #expect(((legacy.notifiers.first as? AlertingNotifier)?.sender as? MailgunSender)?.to == ["c@d.test"])
    }
}

@Suite struct MailNotifierTests {
    @Test func mailNotifierSendsOneMessagePerRoundWithBothParts() async throws {
        let (address, token) = uniqueRecipient("oncall")
        let json = #"{"notifiers":[{"type":"mail","from":"Checkup <checkup@example.com>","to":["\#(address)"],"smtp":{"server":"127.0.0.1","port":\#(smtpPeer.banner.starttls),"username":"\#(smtpPeer.banner.user)","password":"$SMTP_PASSWORD","tls_ca_file":"\#(smtpPeer.banner.cert)"}}],"status_page_url":"https://status.example.test/"}"#
        let checkup = try Checkup(configData: Data(json.utf8), environment: ["SMTP_PASSWORD": smtpPeer.banner.password])
        let notifier = try #require(checkup.notifiers.first as? AlertingNotifier)
        #expect(notifier.sender is MailSender)
        try await notifier.sender.send([Alert(kind: .problem, result: down("Website"), since: 0, statusPageURL: checkup.configOptions.statusPageURL),
                                        Alert(kind: .problem, result: down("API", error: "certificate expired 2h0m0s ago"), since: 0)])
        let mail = try #require(try smtpPeer.received(token).first)
        #expect(mail.tls && mail.login == smtpPeer.banner.user)
        #expect(mail.subject == "Checkup: Service Unavailable" && mail.from == "Checkup <checkup@example.com>")
        #expect(mail.text?.contains("Website is DOWN") == true && mail.text?.contains("API is DOWN") == true)
        #expect(mail.text?.contains("Reason: certificate expired 2h0m0s ago") == true)
        #expect(mail.html?.contains("<a href=\"https://status.example.test/\">status page</a>") == true)
        #expect(!mail.raw.contains(smtpPeer.banner.password))
    }

    @Test func wrongPasswordIsReportedWithoutIt() async throws {
        let (address, _) = uniqueRecipient("oncall")
        let sender = MailSender(from: "checkup@example.com", to: [address], server: "127.0.0.1", port: smtpPeer.banner.starttls,
                                username: smtpPeer.banner.user, password: "hunter2-wrong", tlsCAFile: smtpPeer.banner.cert)
        do {
            try await sender.send([Alert(kind: .resolved, result: up(), since: 0)])
            Issue.record("a wrong password was accepted")
        } catch {
            #expect("\(error)".hasPrefix("mail to \(address) via 127.0.0.1:\(smtpPeer.banner.starttls): "))
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test func mailConfigRoundTripsAndDefaultsTLSSafely() throws {
        let json = #"{"notifiers":[{"type":"mail","from":"a@b.test","to":["c@d.test"],"subject":"Down","smtp":{"server":"smtp.b.test","port":587,"username":"u","password":"p","tls":"starttls"}}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8), environment: [:])
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        #expect(MailSender(from: "a", to: ["b"], server: "relay", port: 25).mailer.tls == .opportunistic)
        #expect(MailSender(from: "a", to: ["b"], server: "relay", port: 587, username: "u").mailer.tls == .startTLS)
        #expect(MailSender(from: "a", to: ["b"], server: "relay", port: 465).mailer.tls == .implicit)
    }
}
