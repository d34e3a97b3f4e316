import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The text of XML elements by their path (`ListBucketResult/Contents/Key`), read with
/// Foundation's `XMLParser`.
struct XMLElements {
    private var found: [(path: String, text: String)] = []

    init(_ bytes: [UInt8]) {
        // AWS answers in UTF-8; anything else is no answer. FoundationXML traps on an element
        // name that is not UTF-8 (its start-element callback force-unwraps the name), and reads
        // bytes that are not UTF-8 in text as U+FFFD, three bytes each.
        guard String(validating: bytes, as: UTF8.self) != nil else { return }
        // Nor does AWS send processing instructions, and FoundationXML dereferences NULL on one
        // without data (`<?a?>`): only the XML declaration (`<?xml version=…?>`) may open it.
        let declaration = bytes.starts(with: Array("<?xml".utf8)) && bytes.count > 5 && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[5])
        let body = declaration ? bytes.drop { $0 != UInt8(ascii: ">") } : bytes[...]
        guard body.firstRange(of: Array("<?".utf8)) == nil else { return }
        let parser = XMLParser(data: Data(bytes))
        let collector = Collector()
        parser.delegate = collector
        parser.parse()
        found = collector.found
    }

    func values(_ path: String) -> [String] { found.filter { $0.path == path }.map(\.text) }

    /// How many elements the document has (a bound the fuzz target checks).
    var count: Int { found.count }
    /// The bytes of text in all elements together.
    var textLength: Int { found.reduce(0) { $0 + $1.text.utf8.count } }

    private final class Collector: NSObject, XMLParserDelegate {
        var stack: [String] = []
        var text = ""
        var found: [(path: String, text: String)] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            found.append((stack.joined(separator: "/"), text))
            stack.removeLast()
            text = ""
        }
    }
}
