import Foundation
import Testing
@testable import CheckupKit

/// No configured secret reaches anything checkup publishes or prints: check files, summaries,
/// latest rounds, notifier state, claims, the exported page (its `js/config.js` included),
/// standard output and error, and the notifiers' payloads.
@Suite(.timeLimit(.minutes(2))) struct SecretsTests {
    static let secrets = ["PASS": "pw-Secret-1a", "TOKEN": "tok-Secret-2b", "HEADER_TOKEN": "hdr-Secret-3c",
                          "HOOK_KEY": "hook-Secret-4d", "VIEWER": "viewer-Secret-5e"]

    @Test func noSecretAppearsInAnyArtefactOutputOrPayload() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let hook = UUID().uuidString
        let base = peerURL("/").dropFirst("http://".count)
        let config = """
            {"origin": "node-1", "status_page_url": "https://status.test/",
             "checkers": [
              {"type": "http", "endpoint_name": "Up", "endpoint_url": "http://me:${PASS}@\(base)?token=${TOKEN}&page=2",
               "headers": {"Authorization": ["Bearer ${HEADER_TOKEN}"]}},
              {"type": "http", "endpoint_name": "Down", "endpoint_url": "http://\(base)status/503/$TOKEN?key=${TOKEN}#${PASS}"}],
             "storage": {"type": "fs", "dir": "checks", "url": "https://viewer:${VIEWER}@status.test/checks/"},
             "notifiers": [{"type": "webhook", "url": "\(peerURL("/hook/\(hook)"))", "headers": {"X-Key": ["${HOOK_KEY}"]}}]}
            """
        try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let page = repositoryRoot.appendingPathComponent("statuspage").path
        var outputs: [String] = []
        func run(_ arguments: [String], _ file: String = "checkup.json") async throws -> CLIRun {
            let run = try await offPool { try runCLI(["-c", file] + arguments, in: dir, environment: Self.secrets) }
            outputs += [run.stdout, run.stderr]
            return run
        }
        #expect(try await run([]).status == 1)  // Down is down
        #expect(try await run(["--store"]).status == 0)
        #expect(try await run(["message", "--about=Up", "Deploying"]).status == 0)
        #expect(try await run(["summarize"]).status == 0)
        // Incidents, maintenance and their feeds are built from titles and texts only.
        let opened = try await run(["incident", "open", "--about=Up,Down", "--impact=major", "Errors"])
        #expect(opened.status == 0)
        #expect(try await run(["incident", "resolve", String(opened.stdout.suffix(14).prefix(13)), "Fixed"]).status == 0)
        let soon = RFC3339.format(CheckResult.now() + 3_600_000_000_000), later = RFC3339.format(CheckResult.now() + 7_200_000_000_000)
        #expect(try await run(["maintenance", "add", "--about=Down", "--from=\(soon)", "--until=\(later)", "Patching"]).status == 0)
        #expect(try await run(["statuspage", "--out", "site", "--statuspage", page]).status == 0)
        // Errors quote the file's text, never the value put in.
        try config.replacingOccurrences(of: "\"http://me:", with: "\"htp://me:").write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let bad = try await run([], "bad.json")
        #expect(bad.status == 1 && bad.stderr.contains("${PASS}") && bad.stderr.contains("${TOKEN}"))

        // The notifier was told (its payload is what the receiver keeps); the request itself
        // carries its own key, as it must.
        let received = try await hooks(hook)
        #expect(!received.isEmpty)
        outputs += received.map { $0["body"]?.stringValue ?? "" }

        var artefacts = try Self.files(dir, skipping: ["checkup.json", "bad.json"])
        #expect(artefacts.keys.contains("site/js/config.js") && artefacts.keys.contains("checks/summaries/node-1.latest.json"))
        #expect(artefacts.keys.contains { $0.hasPrefix("checks/.checkup-notifier-state") })
        #expect(artefacts.keys.contains { $0.hasSuffix("-check.json") })
        #expect(Set(PublicFileKey.all.keys.map { "checks/" + $0 }).isSubset(of: artefacts.keys))
        #expect(artefacts.keys.contains("checks/summaries/_incidents.json") && artefacts.keys.contains("checks/summaries/_maintenance.json"))
        #expect(artefacts.keys.contains("checks/badges/up.svg") && artefacts.keys.contains("checks/badges/down.json"))  // the badges too
        // The page index in the manifest (copies of the views and the components) is searched too.
        let manifest = try #require(artefacts["checks/summaries/index.json"])
        let parts = try JSONValue.parse(Data(manifest.utf8)).objectValue?["page"]?.objectValue
        #expect(Set(parts?.keys ?? []) == ["incidents", "windows", "components"])
        #expect(manifest.contains("\"Errors\"") && manifest.contains("\"Patching\"") && manifest.contains("\"Down\""))
        // And every page `checkup serve` serves: the page, its settings, the public files, the badges.
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in Self.secrets { environment[k] = v }
        let serve = try ServeProcess(in: dir, environment: environment)
        let badges = artefacts.keys.filter { $0.hasPrefix("checks/badges/") }.map { String($0.dropFirst("checks/".count)) }
        for name in ["", "js/config.js", "summaries/index.json", "summaries/node-1.json"] + PublicFileKey.all.keys.sorted() + badges.sorted() {
            let got = try await httpGet(serve.base + "/" + name)
            #expect(got.status == 200, "\(name): \(got.status)")
            artefacts["served /" + name] = got.body
        }
        withExtendedLifetime(serve) {}
        for (index, text) in outputs.enumerated() { artefacts["output \(index)"] = text }
        for (name, text) in artefacts {
            for (variable, value) in Self.secrets {
                #expect(!text.contains(value), "\(name) holds \(variable)")
            }
        }
        // What is published instead.
        let latest = try #require(artefacts["checks/summaries/node-1.latest.json"])
        #expect(latest.contains("\(peerURL("/"))?token=REDACTED\\u0026page=2"))  // & as Go escapes it
        #expect(latest.contains("\(peerURL("/status/503/REDACTED"))?key=REDACTED#REDACTED"))
        #expect(artefacts["site/js/config.js"]?.contains("https://status.test/checks/") == true)
        #expect(outputs.contains { $0.contains("it reads the store at https://status.test/checks/") })
    }

    /// Every file under `dir` as text, by relative path.
    static func files(_ dir: String, skipping: Set<String>) throws -> [String: String] {
        var files: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: dir)
        while let name = walker?.nextObject() as? String {
            if !skipping.contains(name), let data = FileManager.default.contents(atPath: dir + "/" + name) {
                files[name] = String(decoding: data, as: UTF8.self)
            }
        }
        return files
    }
}
