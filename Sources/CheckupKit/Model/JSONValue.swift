import Foundation

/// A JSON document as plain values, with object keys kept in order.
///
/// checkup writes its files the way Go's `encoding/json` does (fields in declaration order,
/// `omitempty`, HTML-safe escaping), so that files written by either tool are byte-identical.
/// Parsing goes through Foundation's `JSONDecoder`; writing is `encoded()`.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Parses JSON text. Throws `JSONValue.ParseError` with the decoder's description on bad input.
    static func parse(_ data: Data) throws -> JSONValue {
        // Foundation's JSONSerialization parses about three times faster than decoding this enum
        // with JSONDecoder (which tries each type in turn, paying for an error each time); that
        // counts for megabyte summaries. JSONDecoder still words the error for bad input.
        var serializationError: (any Error)?
        do {
            if let value = JSONValue(foundation: try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) {
                return value
            }
        } catch {
            serializationError = error
        }
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            throw ParseError(message: "is empty; expected JSON")
        }
        // Valid JSON nested deeper than the parsers go is not "not valid JSON": say so.
        if let line = deepNestingLine(data) {
            throw ParseError(message: "arrays and objects nest more than \(maximumDepth) levels deep (at line \(line)); checkup reads at most \(maximumDepth)")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let error as DecodingError {
            var message = Self.describe(error)
            // JSONDecoder may say only "not valid JSON"; JSONSerialization's words say where.
            if !message.contains("line"), let serializationError,
               let where_ = ((serializationError as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) {
                message = "invalid JSON: " + Self.lineAndColumn(where_, in: data)
            }
            throw ParseError(message: message)
        }
    }

    /// `text` with its "around character N." (a byte offset) said as a line and column.
    static func lineAndColumn(_ text: String, in data: Data) -> String {
        guard let range = text.range(of: " around character "),
              let offset = Int(text[range.upperBound...].prefix { $0.isNumber }), offset <= data.count else { return text }
        let before = data.prefix(offset)
        let line = before.filter { $0 == 0x0A }.count + 1
        let column = before.count - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
        return text[..<range.lowerBound].lowercased() + " at line \(line), column \(column)"
    }

    /// How deep Foundation's parsers nest arrays and objects.
    static let maximumDepth = 512

    /// The line where `data` first nests arrays and objects deeper than `maximumDepth`, outside
    /// strings; nil when it never does.
    static func deepNestingLine(_ data: Data) -> Int? {
        var depth = 0, line = 1, inString = false, escaped = false
        for byte in data {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth > maximumDepth { return line }
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
        return nil
    }

    /// A value from JSONSerialization's tree; nil for anything it should not produce.
    init?(foundation object: Any) {
        // Exact type tests first: casting a Swift array, string or dictionary to NSNumber bridges
        // it to Foundation first, which costs more than the whole parse.
        let type = ObjectIdentifier(Swift.type(of: object))
        if type == Self.arrayType, let array = object as? [Any] {
            var items: [JSONValue] = []
            items.reserveCapacity(array.count)
            for item in array {
                guard let value = JSONValue(foundation: item) else { return nil }
                items.append(value)
            }
            self = .array(items)
        } else if type == Self.stringType, let string = object as? String {
            self = .string(string)
        } else if type == Self.dictionaryType, let dictionary = object as? [String: Any] {
            var pairs: [(String, JSONValue)] = []
            pairs.reserveCapacity(dictionary.count)
            for (key, item) in dictionary {
                guard let value = JSONValue(foundation: item) else { return nil }
                pairs.append((key, value))
            }
            // As decoding: sorted, so that behaviour never depends on hashing.
            pairs.sort { $0.0 < $1.0 }
            self = .object(JSONObject(pairs))
        } else if let number = object as? NSNumber {
            switch number.objCType.pointee {
            case CChar(UInt8(ascii: "c")):  // JSON true and false
                self = .bool(number.boolValue)
            case CChar(UInt8(ascii: "d")), CChar(UInt8(ascii: "f")):
                // JSONSerialization gives an NSDecimalNumber for integers beyond UInt64 and for
                // negative ones of 19 digits; its doubleValue is not correctly rounded and its
                // int64Value wraps, so its exact digits are read instead.
                let exact = Swift.type(of: number) == NSDecimalNumber.self ? number.description : nil
                if let exact, let i = Int64(exact) {
                    self = .int(i)
                    return
                }
                // As JSONDecoder did: a number written with a fraction or exponent that is whole
                // (1.0, 1e3) is an integer, if Int64 holds it.
                let d = exact.flatMap(Double.init) ?? number.doubleValue
                self = d == d.rounded() && d >= -0x1p63 && d < 0x1p63 ? .int(Int64(d)) : .double(d)
            case CChar(UInt8(ascii: "Q")):
                let u = number.uint64Value
                self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(number.doubleValue)
            default:
                self = .int(number.int64Value)
            }
        } else if let string = object as? String {
            self = .string(string)
        } else if object is NSNull {
            self = .null
        } else {
            return nil
        }
    }

    private static let arrayType = ObjectIdentifier([Any].self)
    private static let stringType = ObjectIdentifier(String.self)
    private static let dictionaryType = ObjectIdentifier([String: Any].self)

    struct ParseError: Error { var message: String }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            if let underlying = context.underlyingError {
                let text = "\(underlying)"
                if let range = text.range(of: "around line") {
                    return "invalid JSON " + text[range.lowerBound...].prefix { $0 != "\"" && $0 != ")" }
                        .trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                }
                if let description = (underlying as NSError).userInfo[NSDebugDescriptionErrorKey] as? String {
                    return "invalid JSON: " + description
                }
            }
            return "invalid JSON: " + context.debugDescription
        default:
            return "invalid JSON"
        }
    }

    /// The text Go's `json.Marshal` would produce for this value.
    func encoded() -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return Data(out)
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): Self.writeInt(i, to: &out)
        case .double(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e21 {
                out.append(contentsOf: Array(Self.wholeDigits(d).utf8))
            } else {
                out.append(contentsOf: Array((d.isFinite ? "\(d)" : "null").utf8))
            }
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in object.pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A whole number below 1e21 in plain digits, as Go's `'f'` format writes a float64: the
    /// shortest digits that read back as `d`, then zeros (`1e19` → `10000000000000000000`).
    /// Beyond Int64 (2^63) the digits come from Swift's shortest description, `1e+19`.
    static func wholeDigits(_ d: Double) -> String {
        if abs(d) < 9.2e18 { return String(Int64(d)) }
        let text = "\(d.magnitude)"
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return text }
        let mantissa = text[..<e].filter { $0 != "." }
        return (d < 0 ? "-" : "") + mantissa + String(repeating: "0", count: max(0, exponent + 1 - mantissa.count))
    }

    /// Go's `encoding/json` string escaping, HTML-safe (`<`, `>`, `&`, U+2028, U+2029 as `\u` escapes).
    /// Works on the UTF-8 bytes, which a Swift string holds valid: everything else is copied as is.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                switch b {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
                case 0x00..<0x20, 0x3C, 0x3E, 0x26: writeEscape(UInt32(b), to: &out)
                case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    writeEscape(bytes[i + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)  // U+2028, U+2029
                    i += 2
                default: out.append(b)
                }
                i += 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func writeEscape(_ v: UInt32, to out: inout [UInt8]) {
        func hex(_ n: UInt32) -> UInt8 { n < 10 ? 0x30 + UInt8(n) : 0x57 + UInt8(n) }  // 0-9, a-f
        out.append(0x5C)
        out.append(UInt8(ascii: "u"))
        out.append(hex(v >> 12 & 0xF))
        out.append(hex(v >> 8 & 0xF))
        out.append(hex(v >> 4 & 0xF))
        out.append(hex(v & 0xF))
    }

    /// Appends the decimal digits of `i`, without making a String.
    static func writeInt(_ i: Int64, to out: inout [UInt8]) {
        if i < 0 { out.append(UInt8(ascii: "-")) }
        var v = i.magnitude
        if v < 10 { out.append(0x30 + UInt8(v)); return }
        let start = out.count  // digits backwards, then turned round
        while v > 0 {
            out.append(0x30 + UInt8(v % 10))
            v /= 10
        }
        var low = start, high = out.count - 1  // in place: reversing the slice `out[start...]` copies it
        while low < high {
            out.swapAt(low, high)
            low += 1
            high -= 1
        }
    }

    var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// A short name of the JSON type, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else {
            let dict = try c.decode([String: JSONValue].self)
            // Decoding loses the file's key order; sort so that behaviour never depends on hashing.
            self = .object(JSONObject(dict.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        }
    }
}

/// A JSON object: key/value pairs in order.
struct JSONObject: Sendable, Equatable {
    var pairs: [(String, JSONValue)]

    init(_ pairs: [(String, JSONValue)] = []) { self.pairs = pairs }

    subscript(key: String) -> JSONValue? {
        pairs.first { $0.0 == key }?.1
    }

    /// Appends a key; a nil value is left out (Go's `omitempty`).
    mutating func append(_ key: String, _ value: JSONValue?) {
        if let value { pairs.append((key, value)) }
    }

    var keys: [String] { pairs.map(\.0) }

    static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}
