import Foundation
import Testing
@testable import CheckupKit

/// contrib/checkup.schema.json, checked by a real validator (Python's jsonschema, draft 2020-12,
/// testdata/schema-check.py): every config of the repository passes, and the corpus of bad
/// configs fails, but for the problems no schema can see.
@Suite(.timeLimit(.minutes(2))) struct SchemaTests {
    static let schema = repositoryRoot.appendingPathComponent("contrib/checkup.schema.json").path

    /// Bad configs whose problem only checkup itself can find: duplicates, the environment, the
    /// file system, DNS names, an S3 endpoint's parts, a time out of range.
    static let beyondASchema: Set = [
        "36-http-duplicate.json", "39-tcp-ipv6-brackets.json", "44-dns-hostname-nul.json",
        "45-dns-hostname-long-label.json", "46-dns-hostname-idn.json", "48-dns-expect-without-hostname.json",
        "60-s3-endpoint-userinfo.json", "61-s3-endpoint-path.json", "79-timestamp-out-of-range.json",
        "93-state-file-is-config.json", "94-state-file-directory.json", "96-env-unset.json",
        "104-http-body-regex.json", "107-tcp-expect-tls.json",  // a regex's syntax; expect together with tls
        "111-domain-name.json", "112-heartbeat-no-storage.json",  // a registered domain; a heartbeat without storage
    ]

    /// The errors of each document (by name), from the validator.
    static func validate(_ cases: [(name: String, json: String, def: String?)]) throws -> [String: [String]] {
        // The cases as one JSON array, each document spliced in as it is.
        let items = cases.map { c in
            #"{"name": \#(String(decoding: JSONValue.string(c.name).encoded(), as: UTF8.self)), "instance": \#(c.json)"#
                + (c.def.map { #", "def": "\#($0)""# } ?? "") + "}"
        }
        let run = try runTool("python3", [repositoryRoot.appendingPathComponent("testdata/schema-check.py").path, schema],
                              input: "[" + items.joined(separator: ",\n") + "]")
        try #require(run.status == 0, "schema-check.py: \(run.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        var out: [String: [String]] = [:]
        for item in list { out[item["name"] as? String ?? ""] = item["errors"] as? [String] ?? ["?"] }
        try #require(out.count == cases.count, "\(run.stdout)")
        return out
    }

    /// The variables the README's examples name.
    static let readmeEnvironment = ["API_TOKEN": "t", "SLACK_WEBHOOK": "https://hooks.example/x", "DISCORD_WEBHOOK": "https://hooks.example/y",
                                    "MAILGUN_KEY": "k", "PUSHOVER_TOKEN": "t", "PUSHOVER_USER": "u", "SMTP_PASSWORD": "p"]

    static func text(_ path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The README's JSON blocks about `checkup.json`: whole configs, a fragment of top-level keys
    /// (checked in braces), or one checker or notifier a line. Check files and summaries are left out.
    static func readmeCases() throws -> [(name: String, json: String, def: String?)] {
        // An ellipsis in an example stands for the rest of a URL, such as a webhook's secret path.
        let readme = try text("README.md").replacingOccurrences(of: "…", with: "rest")
        var cases: [(String, String, String?)] = []
        func object(_ text: String) -> [String: Any]? {
            try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        }
        for (n, block) in readme.components(separatedBy: "```json\n").dropFirst().enumerated() {
            let body = block.components(separatedBy: "\n```")[0], name = "README block \(n + 1)"
            if let whole = object(body), whole["checkers"] != nil || whole["storage"] != nil {
                cases.append((name, body, nil))
            } else if body.hasPrefix("\""), object("{" + body + "}") != nil {
                cases.append((name, "{" + body + "}", nil))
            } else {
                for (i, line) in body.split(separator: "\n").enumerated() {
                    guard let element = object(String(line)), let type = element["type"] as? String else { continue }
                    let def = Checkup.checkerTypes[type] != nil ? "checker" : AlertingNotifier.senderTypes[type] != nil ? "notifier" : nil
                    if let def { cases.append(("\(name) line \(i + 1)", String(line), def)) }
                }
            }
        }
        return cases
    }

    @Test func everyConfigOfTheRepositoryPassesTheSchemaAndLoads() throws {
        var cases: [(name: String, json: String, def: String?)] = []
        for path in ["checkup.example.json", "testdata/config.json", "testdata/bad/ok.json"] {
            cases.append((path, try Self.text(path), nil))
        }
        let readme = try Self.readmeCases()
        #expect(readme.filter { $0.def == nil }.count >= 3 && readme.filter { $0.def == "checker" }.count >= 5
                && readme.filter { $0.def == "notifier" }.count >= 5)
        cases += readme
        let starter = try StarterConfig(urls: ["https://example.com/", "api.example.com/health"], schema: "contrib/checkup.schema.json")
        cases.append(("checkup init", starter.text, nil))
        for (name, errors) in try Self.validate(cases) {
            #expect(errors.isEmpty, "\(name): \(errors)")
        }
        // And checkup reads every whole config of them.
        for c in cases where c.def == nil {
            #expect(Checkup.problems(inConfigData: Data(c.json.utf8), source: c.name, environment: Self.readmeEnvironment).isEmpty, "\(c.name)")
        }
        #expect(try Self.text("checkup.example.json").contains(#""$schema": "contrib/checkup.schema.json""#))
    }

    @Test func badConfigsFailTheSchemaButForWhatOnlyCheckupCanSee() throws {
        let dir = BadInputTests.corpus
        var cases: [(name: String, json: String, def: String?)] = []
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") && $0.first?.isNumber == true }
        for file in files.sorted() + ["elements", "everything-wrong", "top-level"].map({ "multi/\($0).json" }) {
            let json = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            guard (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil else { continue }  // not JSON at all
            cases.append((file, json, nil))
        }
        #expect(cases.count >= 90)
        let results = try Self.validate(cases)
        let passing = Set(results.filter { $0.value.isEmpty }.keys)
        #expect(passing == Self.beyondASchema, "passed the schema: \(passing.sorted())")
    }

    @Test func everyCheckerKeyOfTheReadmeTableIsInTheSchema() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.text("contrib/checkup.schema.json").utf8)) as? [String: Any])
        let defs = try #require(object["$defs"] as? [String: [String: Any]])
        var rows = 0
        for line in try Self.text("README.md").split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let type = cells.first.map({ String($0.dropFirst().dropLast()) }),
                  Checkup.checkerTypes[type] != nil else { continue }
            rows += 1
            let properties = try #require(defs[type]?["properties"] as? [String: Any])
            // The keys: backticked words of the keys cell that are names (not `host:port` or values).
            let keys = cells[1].components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
                .filter { $0.allSatisfy { $0.isLowercase || $0 == "_" } && $0.contains("_") || ["tls", "name", "command", "arguments", "raise", "expect", "attempts", "headers", "timeout"].contains($0) }
            #expect(!keys.isEmpty)
            for key in keys { #expect(properties[key] != nil, "README's \(type) key \(key) is not in the schema") }
        }
        #expect(rows == 7)
    }

    @Test func theSchemaIsWhatScriptsMakeSchemaWrites() throws {
        let run = try runTool("python3", [repositoryRoot.appendingPathComponent("Scripts/make-schema").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == (try Self.text("contrib/checkup.schema.json")), "run python3 Scripts/make-schema > contrib/checkup.schema.json")
    }

    @Test func theSchemaNamesEveryKeyWithATypeAndADescription() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.text("contrib/checkup.schema.json").utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let defs = try #require(object["$defs"] as? [String: [String: Any]])
        var properties: [(String, [String: Any])] = (object["properties"] as? [String: [String: Any]] ?? [:]).map { ("top.\($0.key)", $0.value) }
        for (name, def) in defs {
            for (key, value) in def["properties"] as? [String: [String: Any]] ?? [:] { properties.append(("\(name).\(key)", value)) }
        }
        #expect(properties.count > 100)
        for (name, property) in properties {
            let target = (property["$ref"] as? String).flatMap { defs[String($0.dropFirst("#/$defs/".count))] } ?? property
            #expect(property["description"] != nil || target["description"] != nil, "\(name) has no description")
            #expect(target["type"] != nil || target["const"] != nil || target["enum"] != nil || target["anyOf"] != nil, "\(name) has no type")
        }
        // Every checker, storage and notifier type checkup knows has its definition.
        for type in Array(Checkup.checkerTypes.keys) + Array(Checkup.storageTypes.keys) + Array(AlertingNotifier.senderTypes.keys) {
            #expect(defs[type] != nil, "no $defs/\(type)")
        }
    }
}
