import Foundation

/// RDAP, as the domain checker uses it: the IANA bootstrap registry for DNS (RFC 9224) names the
/// registry's base URL for a domain's TLD, and that registry's `domain/NAME` answer (RFC 9082,
/// RFC 9083) carries the registration's `expiration` event. Every answer is untrusted: bodies are
/// bounded, parsed with the project's JSON parser, and only the few values needed are read.
enum RDAP {
    /// The IANA bootstrap file for domain names.
    static let ianaBootstrap = "https://data.iana.org/rdap/dns.json"
    /// The largest bootstrap file or RDAP answer read (IANA's dns.json is about 60 KB; a domain
    /// answer a few KB).
    static let maximumBody = 1 << 20

    /// A failed lookup: what went wrong, in one line.
    struct Failure: Error {
        var reason: String
        /// The registry's HTTP status, when it answered with an error (404: no such registration).
        var status = 0
        init(_ reason: String, status: Int = 0) {
            self.reason = reason
            self.status = status
        }
    }

    /// What the registry said about the domain.
    struct Answer: Sendable, Equatable {
        /// When the registration expires, in UTC Unix nanoseconds.
        var expires: Int64
        /// The URL the answer came from.
        var source: String
    }

    /// The bootstrap file's text: from `location` (a path or an http(s) URL), bounded.
    static func bootstrap(_ location: String, timeout: Duration) async throws(Failure) -> Data {
        if location.hasPrefix("http://") || location.hasPrefix("https://") {
            return try await fetch(location, what: "the RDAP bootstrap file", timeout: timeout)
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: location),
              let size = attributes[.size] as? Int else {
            throw Failure("cannot read the RDAP bootstrap file \(location)")
        }
        guard size <= maximumBody else { throw Failure("the RDAP bootstrap file \(location) is \(size) bytes, more than \(maximumBody)") }
        guard let data = FileManager.default.contents(atPath: location) else { throw Failure("cannot read the RDAP bootstrap file \(location)") }
        return data
    }

    /// The registry base URLs for `domain` in a bootstrap file (RFC 9224 §4: the entry whose label
    /// sequence is the longest match of the domain's end), https first, and how many labels that
    /// entry has; no URLs when none serves it.
    static func baseURLs(for domain: String, bootstrap data: Data) throws(Failure) -> (urls: [String], labels: Int) {
        guard let value = try? JSONValue.parse(data), let services = value.objectValue?["services"]?.arrayValue else {
            throw Failure("the RDAP bootstrap file is not a bootstrap registry (no \"services\" array)")
        }
        let labels = domain.lowercased().split(separator: ".").map(String.init)
        var best: (length: Int, urls: [String]) = (0, [])
        for service in services {
            guard let pair = service.arrayValue, pair.count >= 2, let entries = pair[0].arrayValue, let urls = pair[1].arrayValue else { continue }
            for entry in entries.compactMap(\.stringValue) {
                let suffix = entry.lowercased().split(separator: ".").map(String.init)
                guard !suffix.isEmpty, suffix.count <= labels.count, suffix.count > best.length,
                      Array(labels.suffix(suffix.count)) == suffix else { continue }
                best = (suffix.count, urls.compactMap(\.stringValue).filter { $0.hasPrefix("https://") || $0.hasPrefix("http://") })
            }
        }
        return (best.urls.sorted { $0.hasPrefix("https://") && !$1.hasPrefix("https://") }, best.length)
    }

    /// Looks `domain` up at the registry `base` (`base` + `domain/` + the name) and reads its
    /// expiration event.
    static func lookUp(_ domain: String, base: String, timeout: Duration) async throws(Failure) -> Answer {
        let url = (base.hasSuffix("/") ? base : base + "/") + "domain/" + domain
        return Answer(expires: try expiration(try await fetch(url, what: "RDAP", timeout: timeout), domain: domain), source: url)
    }

    /// The `expiration` event's date of an RDAP domain answer (RFC 9083 §4.5 and §5.3).
    static func expiration(_ data: Data, domain: String) throws(Failure) -> Int64 {
        guard let value = try? JSONValue.parse(data), let object = value.objectValue else {
            throw Failure("the RDAP answer for \(domain) is not a JSON object")
        }
        if let name = object["ldhName"]?.stringValue, name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) != domain {
            throw Failure("the RDAP answer is for \(JSONValue.string(String(name.prefix(100))).shortText), not \(domain)")
        }
        let events = object["events"]?.arrayValue ?? []
        guard let event = events.compactMap(\.objectValue).first(where: { $0["eventAction"]?.stringValue?.lowercased() == "expiration" }) else {
            throw Failure("the RDAP answer for \(domain) has no expiration event")
        }
        guard let text = event["eventDate"]?.stringValue, let date = RFC3339.parse(text) else {
            throw Failure("the RDAP answer for \(domain) has an expiration event without an RFC 3339 eventDate")
        }
        return date
    }

    /// GETs `url` as RDAP (`Accept: application/rdap+json`), at most `maximumBody` bytes.
    private static func fetch(_ url: String, what: String, timeout: Duration) async throws(Failure) -> Data {
        var request = TransferRequest(url: url)
        request.headers = ["Accept: application/rdap+json, application/json"]
        request.captureBody = true
        request.maxBodyBytes = maximumBody
        request.timeout = timeout
        let response: TransferResponse
        do { response = try await CurlEngine.shared.perform(request) } catch {
            throw Failure("\(what) \(url): \(error)")
        }
        guard response.succeeded else { throw Failure("\(what) \(url): \(response.errorMessage)") }
        guard response.status == 200 else {
            let title = (try? JSONValue.parse(Data(response.body)))?.objectValue?["title"]?.stringValue.map { " (\(String($0.prefix(200))))" } ?? ""
            throw Failure("\(what) \(url) answered \(response.status)" + (response.status == 404 ? " Not Found: no such registration" : "") + title,
                          status: response.status)
        }
        return Data(response.body)
    }
}
