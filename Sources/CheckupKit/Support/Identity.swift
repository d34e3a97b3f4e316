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

/// This machine's name, for per-node state and the default `origin` (`gethostname`), cleaned to
/// letters, digits, `-` and `.`; `node` when it has none.
func nodeName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count) == 0 else { return "node" }
    let name = String(cString: buffer).filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
    return name.isEmpty ? "node" : name
}
