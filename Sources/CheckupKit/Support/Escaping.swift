/// Bytes that stay as they are in a percent-encoded component (RFC 3986 §2.3, unreserved).
private let unreserved = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8))

/// `text` percent-encoded as RFC 3986 §2.1 says (upper-case hex), every byte but the unreserved
/// ones, and `/` too unless `keepSlash`: the form AWS's SigV4 canonical requests and form bodies use.
func percentEncode(_ text: String, keepSlash: Bool) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out = [UInt8]()
    out.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
        if unreserved.contains(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
            out.append(byte)
        } else {
            out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// `application/x-www-form-urlencoded` with RFC 3986 percent-encoding (as AWS's query APIs,
/// Mailgun and Pushover accept it).
func formEncode(_ fields: [(String, String)]) -> [UInt8] {
    Array(fields.map { "\(percentEncode($0.0, keepSlash: false))=\(percentEncode($0.1, keepSlash: false))" }
        .joined(separator: "&").utf8)
}

/// Escapes text for XML or HTML element content and attribute values.
func escapeMarkup(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// `text` safe to write to a terminal or a log line: control characters (C0, DEL and C1, also
/// newlines and tabs) become visible escapes such as `\x1b`, so that text from the network can
/// neither move the cursor, retitle the window nor forge a line.
public func terminalSafe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if isControl(scalar) {
            out.append(contentsOf: "\\x".unicodeScalars)
            let hex = String(scalar.value, radix: 16)
            out.append(contentsOf: ((hex.count < 2 ? "0" : "") + hex).unicodeScalars)
        } else {
            out.append(scalar)
        }
    }
    return String(out)
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
}
