import Foundation

/// Why `url` cannot be requested, or nil when it is a usable http(s) URL with a host: for every
/// URL a config names (checkers, an S3 endpoint, webhooks). The answer is a phrase to follow the
/// value, which the caller quotes as the file has it (`"htp://x" is not an http(s) URL`), so that
/// a substituted secret is never repeated.
///
/// libcurl would refuse the same URLs on every attempt with a generic "URL using bad/illegal
/// format"; here they are refused once, at load, with the reason.
///
/// With `allowsIDN` (the http checker, which requests `Punycode.asciiURL`), a host name outside
/// ASCII is checked in its `xn--` form; elsewhere it is an error that says how to write it.
func httpURLProblem(_ url: String, allowsIDN: Bool = false) -> String? {
    if let problem = textProblem(url, spaces: "a space (write it as %20)") { return problem }
    var url = url
    if !url.unicodeScalars.allSatisfy(\.isASCII) {
        let host = URLRedaction.Parts(url).hostAndPort
        if !host.unicodeScalars.allSatisfy(\.isASCII) {
            guard allowsIDN, let ascii = Punycode.asciiURL(url) else {
                let hint = Punycode.asciiURL(url).map { " (\(URLRedaction.Parts($0).hostAndPort))" } ?? ", xn--…"
                return "has a non-ASCII host name; write it in its ASCII (IDNA) form\(hint)"
            }
            url = ascii
        }
        if !url.unicodeScalars.allSatisfy(\.isASCII) {
            return "contains non-ASCII characters; percent-encode them (é is %C3%A9)"
        }
    }
    guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
          scheme == "http" || scheme == "https" else {
        return "is not an http(s) URL"
    }
    // The host as written: `host` would decode it through ICU's IDNA, for every checker.
    guard let host = components.percentEncodedHost, !host.isEmpty else { return "has no host" }
    return nil
}

/// Why `text` cannot go into a request line, a header or a name on the wire: it contains a line
/// break, a NUL or another control character (or a space, when `spaces` says how to write one; a
/// tab only when `tabs` allows it, as in a header value); nil when it has none.
func textProblem(_ text: String, spaces: String? = nil, tabs: Bool = false) -> String? {
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x09 where tabs: continue
        case 0x0D, 0x0A: return "contains a line break (CR or LF)"
        case 0x00: return "contains a NUL character"
        case 0x20 where spaces != nil: return "contains " + (spaces ?? "")
        case 0x01..<0x20, 0x7F: return "contains a control character (U+\(String(format: "%04X", scalar.value)))"
        default: continue
        }
    }
    return nil
}
