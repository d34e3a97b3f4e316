import Foundation

/// Internationalized host names in their ASCII form: RFC 3492 Punycode and the `xn--` labels of
/// IDNA (RFC 5891), as a browser or Go's `net/http` sends them.
///
/// The mapping before encoding is the simple one: lower case and Unicode NFC. That covers names
/// as people write them (`bücher.example`, `пример.испытание`); IDNA's full tables (UTS #46) are
/// not applied, so a name that needs them may differ from what a browser sends.
enum Punycode {
    // RFC 3492 §5: the bootstring parameters for Punycode.
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    /// The Punycode of `input` (RFC 3492 §6.3), without the `xn--` prefix; nil on overflow.
    static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output = scalars.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < scalars.count {
            // The smallest code point not yet handled.
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            let (step, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, delta <= Int(Int32.max) - step else { return nil }
            delta += step
            n = m
            for c in scalars {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta, k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(output)
    }

    /// `host` with each non-ASCII label as `xn--` and its Punycode, after lower case and NFC;
    /// nil when a label cannot be encoded or is longer than 63 octets.
    static func asciiHost(_ host: String) -> String? {
        if host.unicodeScalars.allSatisfy(\.isASCII) { return host }
        let mapped = host.lowercased().precomposedStringWithCanonicalMapping
        var labels: [String] = []
        for label in mapped.split(separator: ".", omittingEmptySubsequences: false) {
            if label.unicodeScalars.allSatisfy(\.isASCII) {
                labels.append(String(label))
                continue
            }
            guard let code = encode(String(label)) else { return nil }
            labels.append("xn--" + code)
        }
        guard labels.allSatisfy({ $0.utf8.count <= 63 }) else { return nil }
        return labels.joined(separator: ".")
    }

    /// `url` with its host in ASCII form (see `asciiHost`); nil when the host cannot be encoded.
    static func asciiURL(_ url: String) -> String? {
        let parts = URLRedaction.Parts(url)
        guard !parts.hostAndPort.unicodeScalars.allSatisfy(\.isASCII) else { return url }
        var host = parts.hostAndPort, port = ""
        if let colon = host.lastIndex(of: ":"), host[host.index(after: colon)...].allSatisfy(\.isNumber) {
            port = String(host[colon...])
            host = String(host[..<colon])
        }
        guard let ascii = asciiHost(host), let schemeEnd = URLRedaction.Parts.schemeEnd(Substring(url)) else { return nil }
        // The host as `Parts` finds it: after any user-info, before the path, query or fragment.
        let authorityEnd = url[schemeEnd...].firstIndex { "/?#".contains($0) } ?? url.endIndex
        let hostStart = url[schemeEnd..<authorityEnd].lastIndex(of: "@").map { url.index(after: $0) } ?? schemeEnd
        return url.replacingCharacters(in: hostStart..<authorityEnd, with: ascii + port)
    }

    private static func digit(_ d: Int) -> Character {
        // 0–25 are a–z, 26–35 are 0–9.
        Character(Unicode.Scalar(UInt8(d < 26 ? 97 + d : 22 + d)))
    }

    // RFC 3492 §6.1.
    private static func adapt(_ delta: Int, _ count: Int, _ first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
