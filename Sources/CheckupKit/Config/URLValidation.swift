import Foundation

/// Why `url` cannot be requested, or nil when it is a usable http(s) URL with a host: for every
/// URL a config names (checkers, an S3 endpoint, webhooks).
func httpURLProblem(_ url: String) -> String? {
    let quoted = JSONValue.string(url).shortText
    guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
          scheme == "http" || scheme == "https" else {
        return "\(quoted) is not an http(s) URL"
    }
    guard let host = components.host, !host.isEmpty else { return "\(quoted) has no host" }
    return nil
}
