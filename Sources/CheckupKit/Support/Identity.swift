import Foundation

/// The version of checkup.
public let checkupVersion = "0.1.0"

/// This machine's name, for per-node state and the default `origin` (`gethostname`), cleaned to
/// letters, digits, `-` and `.`; `node` when it has none.
func nodeName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count) == 0 else { return "node" }
    let name = String(cString: buffer).filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
    return name.isEmpty ? "node" : name
}
