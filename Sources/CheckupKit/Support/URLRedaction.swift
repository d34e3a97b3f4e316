/// The public form of a URL: what check files, summaries, the page, output and error messages
/// show of a URL that checkup requests with its secrets.
///
/// The rule (README, "Secrets in URLs"): the user-info (`user:password@`) is always left out;
/// every path segment, query value and fragment that contains a secret (a value substituted
/// from the environment by `$VAR` or `${VAR}`) is shown as `REDACTED`, query names kept
/// (`?token=REDACTED`). The scheme, host and port are shown as they are: they say where the
/// check goes.
enum URLRedaction {
    /// What a redacted part is shown as.
    static let marker = "REDACTED"

    /// `url` without its user-info and with every part that contains one of `secrets` redacted.
    /// Text that is not a `scheme://` URL (a relative path) keeps any `@`.
    static func publicForm(_ url: String, secrets: [String] = []) -> String {
        publicForm(Parts(url), secrets: secrets)
    }

    /// `publicForm(_:secrets:)` of a URL already split.
    static func publicForm(_ parts: Parts, secrets: [String] = []) -> String {
        let hidden = secrets.filter { !$0.isEmpty }
        if hidden.isEmpty {  // nothing to redact: the parts as they are, without the user-info
            return parts.scheme + parts.hostAndPort + parts.path + (parts.query.map { "?" + $0 } ?? "")
                + (parts.fragment.map { "#" + $0 } ?? "")
        }
        func redacted(_ piece: Substring) -> Substring {
            hidden.contains { piece.contains($0) } ? Substring(marker) : piece
        }
        var out = parts.scheme + parts.hostAndPort
        if !parts.path.isEmpty {
            out += parts.path.split(separator: "/", omittingEmptySubsequences: false).map(redacted).joined(separator: "/")
        }
        if let query = parts.query {
            let items = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
                guard let eq = item.firstIndex(of: "=") else { return String(redacted(item)) }
                return String(item[..<eq]) + "=" + redacted(item[item.index(after: eq)...])
            }
            out += "?" + items.joined(separator: "&")
        }
        if let fragment = parts.fragment { out += "#" + redacted(Substring(fragment)) }
        // A secret can span the separators between parts; then the whole rest goes.
        if hidden.contains(where: { out.dropFirst(parts.scheme.count + parts.hostAndPort.count).contains($0) }) {
            return parts.scheme + parts.hostAndPort + "/" + marker
        }
        return out
    }

    /// `url` without its user-info, e.g. for a store's address in the page's `config.js`.
    static func withoutUserInfo(_ url: String) -> String { publicForm(url) }

    /// Whether `url` has a user-info part (`user:password@host`).
    static func hasUserInfo(_ url: String) -> Bool { Parts(url).hadUserInfo }

    /// A URL split as RFC 3986 §3 does: `scheme://[userinfo@]host[:port]path[?query][#fragment]`.
    struct Parts {
        var scheme = "", hostAndPort = "", path = "", query: String?, fragment: String?
        var hadUserInfo = false

        init(_ url: String) {
            // Searches over the UTF-8 bytes (each delimiter is ASCII, so its index is a character
            // boundary): `firstIndex(of: Character)` breaks graphemes, which costs per checker.
            func first(_ byte: Character, in text: Substring) -> Substring.Index? { text.utf8.firstIndex(of: byte.asciiValue!) }
            var rest = Substring(url)
            if let hash = first("#", in: rest) {
                fragment = String(rest[rest.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let mark = first("?", in: rest) {
                query = String(rest[rest.index(after: mark)...])
                rest = rest[..<mark]
            }
            if let separator = Self.schemeEnd(rest) {
                scheme = String(rest[..<separator])
                rest = rest[separator...]
            }
            let authorityEnd = first("/", in: rest) ?? rest.endIndex
            var authority = rest[..<authorityEnd]
            if !scheme.isEmpty, let at = authority.utf8.lastIndex(of: UInt8(ascii: "@")) {
                authority = authority[authority.index(after: at)...]
                hadUserInfo = true
            }
            hostAndPort = String(authority)
            path = String(rest[authorityEnd...])
        }

        /// Where the text after the first `://` starts; nil when there is none. A search over
        /// the UTF-8 bytes: Foundation's `range(of:)` bridges to NSString, which costs per check.
        static func schemeEnd(_ text: Substring) -> Substring.Index? {
            let bytes = text.utf8
            var i = bytes.startIndex
            while let colon = bytes[i...].firstIndex(of: UInt8(ascii: ":")) {
                let after = bytes[bytes.index(after: colon)...]
                if after.starts(with: "//".utf8) { return bytes.index(colon, offsetBy: 3) }
                i = bytes.index(after: colon)
            }
            return nil
        }
    }
}
