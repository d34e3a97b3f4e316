import Foundation

/// The version of checkup.
public let checkupVersion = "0.1.0"

/// A node's name as results, summaries and keys carry it: `configured` (the config's `origin`),
/// else the host name, keeping letters, digits, `.`, `_` and `-` (anything else becomes `-`).
func originName(_ configured: String) -> String {
    let name = configured.isEmpty ? nodeName() : configured
    let cleaned = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" })
    if cleaned.isEmpty || cleaned.allSatisfy({ $0 == "." }) { return "node" }
    // Not a name the summaries folder uses for itself (the manifest, latest rounds).
    return cleaned == "index" || cleaned.hasSuffix(".latest") ? cleaned + "_" : cleaned
}

/// The longest `origin`: it names objects (`summaries/<origin>.latest.json`) and shows on the page.
let maximumOriginLength = 64

/// Why `origin` cannot name a node, or nil when it can: 1 to 64 letters, digits, `.`, `_` and
/// `-`, starting with a letter or digit, and not a name the summaries folder uses for itself
/// (`index`, the manifest; a name ending in `.latest`, a node's latest round). Checked once, at
/// load; a host name used by default is cleaned by `originName` instead.
func originProblem(_ origin: String) -> String? {
    guard origin.count <= maximumOriginLength else {
        return "is \(origin.count) characters long; an origin has at most \(maximumOriginLength)"
    }
    guard origin.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
        return "may hold only letters, digits, '.', '_' and '-'"
    }
    guard let first = origin.first, first.isLetter || first.isNumber else { return "must start with a letter or digit" }
    let lower = origin.lowercased()
    if lower == "index" { return "is the name of the summaries manifest (summaries/index.json); choose another" }
    if lower.hasSuffix(".latest") { return "ends in .latest, which names a node's latest round; choose another" }
    return nil
}

/// This machine's name, for per-node state and the default `origin` (`gethostname`), cleaned to
/// letters, digits, `-` and `.`; `node` when it has none.
func nodeName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count) == 0 else { return "node" }
    let name = String(cString: buffer).filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
    return name.isEmpty ? "node" : name
}
