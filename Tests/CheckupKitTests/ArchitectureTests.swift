import Foundation
import Testing

/// The import rule of ARCHITECTURE.md, read from its tables and checked over the sources: a grep
/// over the names each folder declares, with comments and string text left out.
@Suite struct ArchitectureTests {
    static let library = repositoryRoot.appendingPathComponent("Sources/CheckupKit")

    /// A folder's row of one of ARCHITECTURE.md's tables, by the table's second heading.
    static func table(_ heading: String) throws -> [String: Set<String>] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("ARCHITECTURE.md"), encoding: .utf8)
        var rows: [String: Set<String>] = [:]
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count == 2 && cells[1] == heading { inside = true; continue }
            guard inside else { continue }
            guard line.hasPrefix("|") else { break }
            if cells.first?.hasPrefix("---") == true { continue }
            let allowed = cells.count > 1 ? cells[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } : []
            rows[cells[0]] = Set(allowed.filter { $0 != "—" && !$0.isEmpty })
        }
        return rows
    }

    /// Swift files below `root`, by path relative to it.
    static func swiftFiles(_ root: URL) -> [String: String] {
        var files: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: root.path)
        while let relative = walker?.nextObject() as? String {
            guard relative.hasSuffix(".swift"),
                  let text = try? String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8) else { continue }
            files[relative] = text
        }
        return files
    }

    /// The folder a library file lives in; `(root)` for Checkup.swift and its neighbours.
    static func folder(_ relative: String) -> String {
        relative.contains("/") ? String(relative.split(separator: "/")[0]) : "(root)"
    }

    /// Names a file declares at the top level and other files can see (not private).
    static func declarations(_ text: String) -> Set<String> {
        let kinds: Set = ["struct", "enum", "class", "protocol", "actor", "typealias", "func", "let", "var"]
        let modifiers: Set = ["public", "internal", "package", "final", "nonisolated", "indirect"]
        var names: Set<String> = []
        for line in text.split(separator: "\n") where !(line.first?.isWhitespace ?? true) && !line.hasPrefix("/") {
            let words = line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "@") }).map(String.init)
            var i = 0
            while i < words.count, words[i].hasPrefix("@") || modifiers.contains(words[i]) { i += 1 }
            guard i + 1 < words.count, kinds.contains(words[i]) else { continue }
            names.insert(words[i + 1])
        }
        return names
    }

    /// The identifiers of a file's code: comments dropped, string literals dropped except their
    /// interpolations.
    static func identifiers(_ text: String) -> Set<String> {
        let chars = Array(text.unicodeScalars)
        var code = String.UnicodeScalarView()
        var i = 0
        var inString = false, hashes = 0, depth = 0  // depth: open parentheses of an interpolation
        var quotes = 1  // 3 in a multi-line string
        var stack: [(hashes: Int, depth: Int, quotes: Int)] = []
        func at(_ k: Int) -> Unicode.Scalar? { k < chars.count ? chars[k] : nil }
        while i < chars.count {
            let c = chars[i]
            if inString {
                if c == "\\" {
                    var k = i + 1, n = 0
                    while at(k) == "#" { n += 1; k += 1 }
                    if n == hashes, at(k) == "(" {  // an interpolation: code until its parenthesis closes
                        stack.append((hashes, depth, quotes))
                        inString = false
                        depth = 1
                        code.append(" ")
                        i = k + 1
                        continue
                    }
                    i += 2
                    continue
                }
                if c == "\"", quotes == 1 || (at(i + 1) == "\"" && at(i + 2) == "\"") {
                    var k = i + quotes, n = 0
                    while at(k) == "#" && n < hashes { n += 1; k += 1 }
                    if n == hashes { inString = false; i = k; code.append(" "); continue }
                }
                i += 1
                continue
            }
            if c == "/" && at(i + 1) == "/" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && at(i + 1) == "*" {
                i += 2
                while i < chars.count && !(chars[i] == "*" && at(i + 1) == "/") { i += 1 }
                i += 2
                continue
            }
            if c == "#" || c == "\"" {
                var k = i, n = 0
                while at(k) == "#" { n += 1; k += 1 }
                if at(k) == "\"" {
                    inString = true
                    hashes = n
                    quotes = at(k + 1) == "\"" && at(k + 2) == "\"" ? 3 : 1
                    i = k + quotes
                    continue
                }
            }
            if !stack.isEmpty {
                if c == "(" { depth += 1 }
                if c == ")" {
                    depth -= 1
                    if depth == 0 {
                        let outer = stack.removeLast()
                        inString = true
                        hashes = outer.hashes
                        depth = outer.depth
                        quotes = outer.quotes
                        i += 1
                        continue
                    }
                }
            }
            code.append(c)
            i += 1
        }
        let words = String(code).split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
        return Set(words.map(String.init))
    }

    @Test func everyLibraryFileUsesOnlyTheFoldersItsRowAllows() throws {
        let rules = try Self.table("may use")
        #expect(rules["Support"] == [] && rules["Model"] == ["Support"], "the table of ARCHITECTURE.md was not read")
        let files = Self.swiftFiles(Self.library)
        var declaredIn: [String: Set<String>] = [:]  // name -> folders
        for (path, text) in files {
            for name in Self.declarations(text) { declaredIn[name, default: []].insert(Self.folder(path)) }
        }
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let folder = Self.folder(path)
            let allowed = try #require(rules[folder], "\(folder)/ has no row in ARCHITECTURE.md's table")
            for name in Self.identifiers(text).sorted() {
                guard let homes = declaredIn[name], !homes.contains(folder) else { continue }
                let forbidden = homes.subtracting(allowed)
                #expect(forbidden.isEmpty, "\(path) uses \(name) from \(forbidden.sorted().joined(separator: ", ")), which \(folder) may not use")
            }
        }
    }

    @Test func everyFileImportsOnlyWhatItsRowAllows() throws {
        let rules = try Self.table("may import")
        let everyone: Set = ["Foundation", "FoundationEssentials", "FoundationXML", "Dispatch", "Synchronization"]
        var sources = Self.swiftFiles(Self.library).map { (folder: Self.folder($0.key), path: "CheckupKit/" + $0.key, text: $0.value) }
        sources += Self.swiftFiles(repositoryRoot.appendingPathComponent("Sources/checkup")).map { ("checkup", "checkup/" + $0.key, $0.value) }
        #expect(sources.contains { $0.folder == "checkup" })
        for file in sources {
            for line in file.text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(where: { $0 == "import" }), i + 1 < words.count,
                      words[..<i].allSatisfy({ ["@testable", "internal", "public", "private", "@preconcurrency"].contains($0) }) else { continue }
                let module = String(words[i + 1])
                #expect(!words.contains("@testable"), "\(file.path): \(line)")
                #expect(everyone.contains(module) || rules[file.folder, default: []].contains(module),
                        "\(file.path) imports \(module), which \(file.folder) may not import")
            }
        }
    }

    @Test func noSourceFileIsLongerThan400Lines() throws {
        var files = Self.swiftFiles(repositoryRoot.appendingPathComponent("Sources")).map { ("Sources/" + $0.key, $0.value) }
        let js = repositoryRoot.appendingPathComponent("statuspage/js")
        for name in try FileManager.default.contentsOfDirectory(atPath: js.path) where name.hasSuffix(".js") {
            files.append(("statuspage/js/" + name, try String(contentsOf: js.appendingPathComponent(name), encoding: .utf8)))
        }
        #expect(files.count > 20)
        for (path, text) in files {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - (text.hasSuffix("\n") ? 1 : 0)
            #expect(lines <= 400, "\(path) has \(lines) lines")
        }
    }

    @Test func theCheckerCatchesAUseFromAForbiddenFolder() {
        // The grep itself: a name in an interpolation counts, one in a comment or a string does not.
        let ids = Self.identifiers(##"let a = "S3Storage \(HTTPServer.x) \#(b) Checkup" // StatusSummaries"##)
        #expect(ids.contains("HTTPServer") && !ids.contains("S3Storage") && !ids.contains("StatusSummaries") && !ids.contains("Checkup"))
        let raw = Self.identifiers(##"let b = #"x \(Hidden) \#(Shown)"# + y"##)
        #expect(raw.contains("Shown") && !raw.contains("Hidden") && raw.contains("y"))
        let multi = Self.identifiers("let c = \"\"\"\n \"Quoted\" \\(Used)\n\"\"\" + z")
        #expect(multi.contains("Used") && !multi.contains("Quoted") && multi.contains("z"))
        #expect(Self.declarations("public struct A {}\nprivate enum B {}\n    struct C {}\n@usableFromInline func d() {}") == ["A", "d"])
    }
}
