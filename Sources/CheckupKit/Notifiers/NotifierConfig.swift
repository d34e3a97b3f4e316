import Foundation

/// An `AlertSender` that can be read from and written to `checkup.json`.
protocol ConfigurableSender: AlertSender {
    static var typeName: String { get }
    var configObject: JSONObject { get }
    init(config: ConfigReader) throws(CheckupError)
}

extension SlackSender: ConfigurableSender {
    static let typeName = "slack"
    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("username", username, omitEmpty: false)
        w.string("channel", channel, omitEmpty: false)
        w.string("webhook", webhook, omitEmpty: false)
        return w.object
    }
    init(config c: ConfigReader) throws(CheckupError) {
        self.init(username: try c.string("username") ?? "", channel: try c.string("channel") ?? "",
                  webhook: try c.httpURL("webhook"))
    }
}

extension DiscordSender: ConfigurableSender {
    static let typeName = "discord"
    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("webhook", webhook, omitEmpty: false)
        return w.object
    }
    init(config c: ConfigReader) throws(CheckupError) { self.init(webhook: try c.httpURL("webhook")) }
}

extension MailgunSender: ConfigurableSender {
    static let typeName = "mailgun"
    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("from", from, omitEmpty: false)
        w.strings("to", to, omitEmpty: false)
        w.string("subject", subject)
        w.string("apikey", apiKey, omitEmpty: false)
        w.string("domain", domain, omitEmpty: false)
        if apiBase != "https://api.mailgun.net/v3" { w.string("api_base", apiBase) }
        return w.object
    }
    init(config c: ConfigReader) throws(CheckupError) {
        self.init(from: try c.requiredString("from"), to: try c.recipients("to"), subject: try c.string("subject") ?? "",
                  apiKey: try c.requiredString("apikey"), domain: try c.requiredString("domain"),
                  apiBase: c.object["api_base"] == nil ? "https://api.mailgun.net/v3" : try c.httpURL("api_base"))
    }
}

extension PushoverSender: ConfigurableSender {
    static let typeName = "pushover"
    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("token", token, omitEmpty: false)
        w.string("recipient", recipient, omitEmpty: false)
        w.string("subject", subject)
        if apiBase != "https://api.pushover.net/1" { w.string("api_base", apiBase) }
        return w.object
    }
    init(config c: ConfigReader) throws(CheckupError) {
        self.init(token: try c.requiredString("token"), recipient: try c.requiredString("recipient"),
                  subject: try c.string("subject") ?? "",
                  apiBase: c.object["api_base"] == nil ? "https://api.pushover.net/1" : try c.httpURL("api_base"))
    }
}

extension WebhookSender: ConfigurableSender {
    static let typeName = "webhook"
    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("url", url, omitEmpty: false)
        w.stringListMap("headers", headers)
        w.object.append("template", template)
        w.duration("timeout", timeout)
        return w.object
    }
    init(config c: ConfigReader) throws(CheckupError) {
        var template: JSONValue?
        switch c.object["template"] {
        case nil, .null?: template = nil
        case .object?, .array?: template = try Self.substituted(c.object["template"]!, c, path: "template")  // matched non-nil
        case let other?: throw c.error("template", "\(other.asFound), expected a JSON object")
        }
        self.init(url: try c.httpURL("url"), headers: try c.headers(), templateValue: template)
        timeout = try c.duration("timeout")
    }

    /// The template with `$VAR` replaced in its strings, like every string of the config.
    static func substituted(_ value: JSONValue, _ c: ConfigReader, path: String) throws(CheckupError) -> JSONValue {
        switch value {
        case .string(let s): return .string(try c.substitute(s, key: path))
        case .array(let items):
            var out: [JSONValue] = []
            for (i, item) in items.enumerated() { out.append(try substituted(item, c, path: "\(path)[\(i)]")) }
            return .array(out)
        case .object(let o):
            var pairs: [(String, JSONValue)] = []
            for (k, v) in o.pairs { pairs.append((k, try substituted(v, c, path: "\(path).\(k)"))) }
            return .object(JSONObject(pairs))
        default: return value
        }
    }
}

extension ConfigReader {
    /// A required http(s) URL; the value is not repeated in errors (webhook URLs are secrets).
    func httpURL(_ key: String) throws(CheckupError) -> String {
        let url = try requiredString(key)
        if let problem = httpURLProblem(url) { throw error(key, "the URL \(problem) (not repeated here: it may hold a secret)") }
        return url
    }

    /// `to`: an array of addresses, or one string (the original's older form).
    func recipients(_ key: String) throws(CheckupError) -> [String] {
        if case .string? = object[key] { return [try requiredString(key)] }
        let list = try stringArray(key)
        if list.isEmpty { throw error(key, object[key] == nil ? "is missing; it is required" : "is empty; it needs at least one address") }
        return list
    }
}

extension AlertingNotifier {
    static let senderTypes: [String: any ConfigurableSender.Type] = [
        SlackSender.typeName: SlackSender.self, DiscordSender.typeName: DiscordSender.self,
        MailgunSender.typeName: MailgunSender.self, PushoverSender.typeName: PushoverSender.self,
        WebhookSender.typeName: WebhookSender.self, MailSender.typeName: MailSender.self,
    ]

    /// Reads one element of `notifiers`: the sender's keys plus `notify`, `failure_threshold`,
    /// `success_threshold` and `remind_every`.
    init(config c: ConfigReader, type: String, stateStore: (any NotificationStateStore)?, stateKey: String,
         statusPageURL: String) throws(CheckupError) {
        // The discriminator was checked against senderTypes.
        let sender = try Self.senderTypes[type]!.init(config: c)
        let modeText = try c.string("notify") ?? ""
        let mode: Mode
        switch modeText.lowercased() {
        case "", "change": mode = .stateChange
        case "always": mode = .always
        default: throw c.error("notify", "\(c.shown("notify")) is not one of change, always")
        }
        self.init(sender: sender, mode: mode, failureThreshold: try c.nonNegativeInt("failure_threshold"),
                  successThreshold: try c.nonNegativeInt("success_threshold"), remindEvery: try c.duration("remind_every"),
                  stateStore: stateStore, stateKey: stateKey, statusPageURL: statusPageURL)
    }

    /// The element's JSON: type, the sender's keys, then the alerting keys that differ from the defaults.
    var configElement: JSONObject? {
        guard let sender = sender as? any ConfigurableSender else { return nil }
        var o = JSONObject([("type", .string(type(of: sender).typeName))] + sender.configObject.pairs)
        if mode == .always { o.append("notify", .string("always")) }
        if failureThreshold > 1 { o.append("failure_threshold", .int(Int64(failureThreshold))) }
        if successThreshold > 1 { o.append("success_threshold", .int(Int64(successThreshold))) }
        if remindEvery > .zero { o.append("remind_every", .int(remindEvery.nanoseconds)) }
        return o
    }
}
