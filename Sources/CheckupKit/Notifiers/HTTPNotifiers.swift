import Foundation

/// POSTs one body and demands a 2xx answer; errors name the notifier and the status, never the
/// URL (webhook URLs are secrets) or a credential.
func postNotification(_ type: String, url: String, body: [UInt8], contentType: String, headers: [String] = [],
                      username: String? = nil, password: String? = nil, timeout: Duration = .seconds(10)) async throws {
    var request = TransferRequest(url: url)
    request.method = "POST"
    request.body = body
    request.headers = ["Content-Type: \(contentType)"] + headers
    request.username = username
    request.password = password
    request.timeout = timeout
    let response = try await CurlEngine.shared.perform(request)
    guard response.succeeded else {
        // libcurl's messages name the host at most, never the path or query.
        throw CheckupError(.service, "\(type): \(response.errorMessage)")
    }
    guard (200...299).contains(response.status) else {
        throw CheckupError(.service, "\(type): the service answered \(HTTPStatus.text(response.status, reason: response.reason))")
    }
}

extension Alert {
    /// The colour chat services show: red for down, yellow for degraded, green for resolved.
    var colour: (name: String, rgb: Int) {
        switch (kind, result.status) {
        case (.resolved, _): ("good", 0x2EB67D)
        case (_, .degraded): ("warning", 0xECB22E)
        default: ("danger", 0xE01E5A)
        }
    }
}

/// Slack incoming webhook (`"type": "slack"`: `username`, `channel`, `webhook`): one message per
/// alert with the original's attachment fields (title → endpoint, Status) and the alert's text.
public struct SlackSender: AlertSender, Equatable {
    public var typeName: String { "slack" }
    /// The name messages are posted under.
    public var username: String
    /// The channel, e.g. `#ops`.
    public var channel: String
    /// The incoming-webhook URL (a secret).
    public var webhook: String

    /// Creates a Slack sender.
    public init(username: String = "", channel: String = "", webhook: String) {
        self.username = username
        self.channel = channel
        self.webhook = webhook
    }

    public func send(_ alerts: [Alert]) async throws {
        for alert in alerts {
            let attachment = JSONValue.object(JSONObject([
                ("color", .string(alert.colour.name)),
                ("text", .string(alert.text)),
                ("fields", .array([
                    .object(JSONObject([("title", .string(alert.result.title)), ("value", .string(alert.result.endpoint))])),
                    .object(JSONObject([("title", .string("Status")), ("value", .string(alert.result.status.rawValue.uppercased()))])),
                ])),
            ]))
            var o = JSONObject([("text", .string(alert.headline))])
            o.append("username", username.isEmpty ? nil : .string(username))
            o.append("channel", channel.isEmpty ? nil : .string(channel))
            o.append("attachments", .array([attachment]))
            try await postNotification(typeName, url: webhook, body: [UInt8](JSONValue.object(o).encoded()), contentType: "application/json")
        }
    }
}

/// Discord webhook (`"type": "discord"`: `webhook`): one embed per alert; any 2xx is success.
public struct DiscordSender: AlertSender, Equatable {
    public var typeName: String { "discord" }
    /// The webhook URL (a secret).
    public var webhook: String

    /// Creates a Discord sender.
    public init(webhook: String) { self.webhook = webhook }

    public func send(_ alerts: [Alert]) async throws {
        for alert in alerts {
            let fields: [JSONValue] = [("Name", alert.result.title), ("Status", "**\(alert.result.status.rawValue.uppercased())**"),
                                       ("Endpoint", alert.result.endpoint)].map {
                .object(JSONObject([("name", .string($0.0)), ("value", .string($0.1)), ("inline", .bool(true))]))
            }
            let embed = JSONValue.object(JSONObject([
                ("title", .string(alert.headline)), ("description", .string(alert.reason)),
                ("color", .int(Int64(alert.colour.rgb))), ("fields", .array(fields)),
            ]))
            let body = JSONValue.object(JSONObject([("username", .string("Checkup")), ("content", .string(alert.headline)),
                                                    ("embeds", .array([embed]))]))
            try await postNotification(typeName, url: webhook, body: [UInt8](body.encoded()), contentType: "application/json")
        }
    }
}

/// Mailgun's HTTP API (`"type": "mailgun"`: `from`, `to`, `subject`, `apikey`, `domain`, and
/// checkup's `api_base`): one message per round listing every alert, text and HTML.
public struct MailgunSender: AlertSender, Equatable {
    public var typeName: String { "mailgun" }
    /// One message per round lists every alert.
    public var batchesAlerts: Bool { true }
    public var from: String
    public var to: [String]
    public var subject: String
    /// The API key (a secret).
    public var apiKey: String
    public var domain: String
    /// The API's base URL; `https://api.mailgun.net/v3` by default (`https://api.eu.mailgun.net/v3` in the EU).
    public var apiBase: String

    /// Creates a Mailgun sender.
    public init(from: String, to: [String], subject: String = "", apiKey: String, domain: String,
                apiBase: String = "https://api.mailgun.net/v3") {
        self.from = from
        self.to = to
        self.subject = subject
        self.apiKey = apiKey
        self.domain = domain
        self.apiBase = apiBase
    }

    public func send(_ alerts: [Alert]) async throws {
        let mail = AlertMail(alerts: alerts, subject: subject)
        let fields = [("from", from)] + to.map { ("to", $0) } + [("subject", mail.subject), ("text", mail.text), ("html", mail.html)]
        try await postNotification(typeName, url: "\(apiBase)/\(domain)/messages", body: formEncode(fields),
                                   contentType: "application/x-www-form-urlencoded", username: "api", password: apiKey)
    }
}

/// Pushover (`"type": "pushover"`: `token`, `recipient`, `subject`, and checkup's `api_base`):
/// one message per round.
public struct PushoverSender: AlertSender, Equatable {
    public var typeName: String { "pushover" }
    /// One message per round lists every alert.
    public var batchesAlerts: Bool { true }
    /// The application token (a secret).
    public var token: String
    /// The user or group key.
    public var recipient: String
    public var subject: String
    /// The API's base URL; `https://api.pushover.net/1` by default.
    public var apiBase: String

    /// Creates a Pushover sender.
    public init(token: String, recipient: String, subject: String = "", apiBase: String = "https://api.pushover.net/1") {
        self.token = token
        self.recipient = recipient
        self.subject = subject
        self.apiBase = apiBase
    }

    public func send(_ alerts: [Alert]) async throws {
        let mail = AlertMail(alerts: alerts, subject: subject)
        let fields = [("token", token), ("user", recipient), ("title", mail.subject), ("message", mail.text)]
            + (alerts.contains { $0.kind != .resolved } ? [("priority", "1")] : [])
        try await postNotification(typeName, url: "\(apiBase)/messages.json", body: formEncode(fields),
                                   contentType: "application/x-www-form-urlencoded")
    }
}

/// A generic webhook (`"type": "webhook"`: `url`, `headers`, `template`): POSTs one JSON
/// document per alert. Without a template the document is
/// `{"kind","title","endpoint","status","reason","since","headline","text","status_page","result"}`,
/// where `result` is the check result as stored. With `template`, that JSON is sent instead, with
/// `{{name}}` in its strings replaced by the alert's fields (see `placeholders`), which fits
/// Teams, Mattermost, ntfy, PagerDuty Events v2 and Opsgenie (examples in the README).
public struct WebhookSender: AlertSender, Equatable {
    public var typeName: String { "webhook" }
    /// Where to POST.
    public var url: String
    /// Extra headers, e.g. `Authorization`.
    public var headers: [String: [String]]
    /// The body to send, with `{{placeholders}}`; nil sends the standard document.
    var template: JSONValue?
    /// Limit for each POST (`timeout`); zero means 10 seconds.
    public var timeout: Duration = .zero

    /// Creates a webhook sender; `template` is JSON text with `{{placeholders}}`.
    /// - Throws: `CheckupError` (`.config`) when the template is not JSON.
    public init(url: String, headers: [String: [String]] = [:], template: String? = nil) throws {
        self.url = url
        self.headers = headers
        if let template {
            do { self.template = try JSONValue.parse(Data(template.utf8)) } catch {
                throw CheckupError(.config, "webhook: template is not JSON")
            }
        }
    }

    init(url: String, headers: [String: [String]], templateValue: JSONValue?) {
        self.url = url
        self.headers = headers
        self.template = templateValue
    }

    /// The placeholders a template may use, and their values for `alert`.
    static func placeholders(_ alert: Alert) -> [String: String] {
        let severity = alert.kind == .resolved ? "info" : alert.result.status == .degraded ? "warning" : "critical"
        return [
            "kind": alert.kind.rawValue, "title": alert.result.title, "endpoint": alert.result.endpoint,
            "status": alert.result.status.rawValue, "reason": alert.reason, "since": RFC3339.format(alert.since),
            "headline": alert.headline, "text": alert.text, "status_page": alert.statusPageURL,
            "severity": severity, "pagerduty_action": alert.kind == .resolved ? "resolve" : "trigger",
            "priority": alert.kind == .resolved ? "3" : alert.result.status == .degraded ? "4" : "5",
            "id": "checkup-" + alert.endpointID,
        ]
    }

    static func fill(_ value: JSONValue, _ fields: [String: String]) -> JSONValue {
        switch value {
        case .string(let s):
            var out = s
            for (name, v) in fields where out.contains("{{") { out = out.replacingOccurrences(of: "{{\(name)}}", with: v) }
            return .string(out)
        case .array(let items): return .array(items.map { fill($0, fields) })
        case .object(let o): return .object(JSONObject(o.pairs.map { ($0.0, fill($0.1, fields)) }))
        default: return value
        }
    }

    public func send(_ alerts: [Alert]) async throws {
        for alert in alerts {
            let body: JSONValue
            if let template {
                body = Self.fill(template, Self.placeholders(alert))
            } else {
                var o = JSONObject([
                    ("kind", .string(alert.kind.rawValue)), ("title", .string(alert.result.title)),
                    ("endpoint", .string(alert.result.endpoint)), ("status", .string(alert.result.status.rawValue)),
                    ("reason", .string(alert.reason)), ("since", .string(RFC3339.format(alert.since))),
                    ("headline", .string(alert.headline)), ("text", .string(alert.text)),
                ])
                o.append("status_page", alert.statusPageURL.isEmpty ? nil : .string(alert.statusPageURL))
                o.append("result", alert.result.json)
                body = .object(o)
            }
            try await postNotification(typeName, url: url, body: [UInt8](body.encoded()), contentType: "application/json",
                                       headers: headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: ", "))" },
                                       timeout: timeout > .zero ? timeout : .seconds(10))
        }
    }
}

/// The subject, text and HTML of a round's alerts, for mail-like services.
struct AlertMail {
    static let defaultSubject = "Checkup: Service Unavailable"
    var subject: String
    var text: String
    var html: String

    init(alerts: [Alert], subject configured: String) {
        let trimmed = configured.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty {
            subject = trimmed
        } else if alerts.allSatisfy({ $0.kind == .resolved }) {
            subject = "Checkup: " + alerts.map(\.headline).joined(separator: ", ")
        } else {
            subject = alerts.count == 1 ? "Checkup: \(alerts[0].headline)" : Self.defaultSubject
        }
        text = alerts.map(\.text).joined(separator: "\n\n")
        let esc = escapeMarkup
        html = "<b>Checkup has detected the following:</b>\n<ul>\n" + alerts.map { a in
            "<li><b>\(esc(a.headline))</b> — \(esc(a.result.endpoint))<br/>\(esc(a.reason))<br/>since \(esc(RFC3339.format(a.since)))"
                + (a.statusPageURL.isEmpty ? "" : " — <a href=\"\(esc(a.statusPageURL))\">status page</a>") + "</li>"
        }.joined(separator: "\n") + "\n</ul>"
    }
}
