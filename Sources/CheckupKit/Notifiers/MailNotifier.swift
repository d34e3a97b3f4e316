import Foundation

/// E-mail over SMTP through libcurl (`"type": "mail"`: `from`, `to`, `subject`, `smtp` {`server`,
/// `port` (default 25), `username`, `password`}, and checkup's `smtp.tls` (`starttls`,
/// `implicit`, `none`; by default implicit on port 465, required STARTTLS with a login, and
/// STARTTLS when offered otherwise), `smtp.tls_skip_verify`
/// and `smtp.tls_ca_file`): one message per round listing every alert, as text and HTML.
public struct MailSender: AlertSender, Equatable {
    public var typeName: String { "mail" }
    /// One message per round lists every alert.
    public var batchesAlerts: Bool { true }
    /// The sender, `Name <address>` or a bare address.
    public var from: String
    /// The recipients.
    public var to: [String]
    /// The subject; empty means one that names the alert (or the original's default for several).
    public var subject: String
    /// The SMTP server's host name.
    public var server: String
    /// The SMTP port (25 by default; 465 means implicit TLS).
    public var port: Int
    /// SMTP AUTH login; empty for none.
    public var username: String
    /// SMTP AUTH password (a secret).
    public var password: String
    /// `starttls`, `implicit`, `none`, or empty for what the port implies.
    public var tls: String
    /// Accept any certificate.
    public var tlsSkipVerify: Bool
    /// A PEM file of CA certificates to trust instead of the system's.
    public var tlsCAFile: String

    /// Creates a mail sender.
    public init(from: String, to: [String], subject: String = "", server: String, port: Int = 0, username: String = "",
                password: String = "", tls: String = "", tlsSkipVerify: Bool = false, tlsCAFile: String = "") {
        self.from = from
        self.to = to
        self.subject = subject
        self.server = server
        self.port = port
        self.username = username
        self.password = password
        self.tls = tls
        self.tlsSkipVerify = tlsSkipVerify
        self.tlsCAFile = tlsCAFile
    }

    var mailer: SMTPMailer {
        let mode: SMTPMailer.TLSMode? = switch tls.lowercased() {
        case "starttls": .startTLS
        case "implicit": .implicit
        case "none": SMTPMailer.TLSMode.none
        // Unset: TLS from the start on 465; demanded when there is a login to protect;
        // otherwise used when offered, like the original (relays on port 25 often have none).
        default: port == 465 ? .implicit : username.isEmpty ? .opportunistic : .startTLS
        }
        return SMTPMailer(server: server, port: port == 0 ? 25 : port, username: username.isEmpty ? nil : username,
                          password: password.isEmpty ? nil : password, tls: mode, tlsSkipVerify: tlsSkipVerify,
                          tlsCAFile: tlsCAFile.isEmpty ? nil : tlsCAFile)
    }

    public func send(_ alerts: [Alert]) async throws {
        let mail = AlertMail(alerts: alerts, subject: subject)
        try await mailer.send(MailMessage(from: from, to: to, subject: mail.subject, text: mail.text, html: mail.html))
    }
}

extension MailSender: ConfigurableSender {
    static let typeName = "mail"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("from", from, omitEmpty: false)
        w.strings("to", to, omitEmpty: false)
        w.string("subject", subject)
        var smtp = ConfigWriter()
        smtp.string("server", server, omitEmpty: false)
        smtp.int("port", port)
        smtp.string("username", username)
        smtp.string("password", password)
        smtp.string("tls", tls)
        smtp.bool("tls_skip_verify", tlsSkipVerify)
        smtp.string("tls_ca_file", tlsCAFile)
        w.object.append("smtp", .object(smtp.object))
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        guard case .object(let smtpObject)? = c.object["smtp"] else { throw c.error("smtp", "is missing; it needs at least \"server\"") }
        let smtp = c.child(smtpObject, at: c.keyPath("smtp"))
        let tls = try smtp.string("tls") ?? ""
        guard ["", "starttls", "implicit", "none"].contains(tls.lowercased()) else {
            throw smtp.error("tls", "\(smtp.shown("tls")) is not one of starttls, implicit, none")
        }
        let port = try smtp.nonNegativeInt("port")
        if port > 65535 { throw smtp.error("port", "\(port) is not a port number") }
        self.init(from: try c.requiredString("from"), to: try c.recipients("to"), subject: try c.string("subject") ?? "",
                  server: try smtp.requiredString("server"), port: port, username: try smtp.string("username") ?? "",
                  password: try smtp.string("password") ?? "", tls: tls, tlsSkipVerify: try smtp.bool("tls_skip_verify"),
                  tlsCAFile: try smtp.string("tls_ca_file") ?? "")
    }
}
