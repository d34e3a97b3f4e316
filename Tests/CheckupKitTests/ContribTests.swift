import Foundation
import Testing
@testable import CheckupKit

/// contrib/: the systemd units pass `systemd-analyze verify`, the web server snippets carry the
/// page's policy (and nginx's passes `nginx -t`), the cron line and the Kubernetes CronJob run
/// `checkup --store` on a config checkup and the schema accept.
@Suite(.timeLimit(.minutes(2))) struct ContribTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The Content-Security-Policy the README gives for hosting the page.
    static func readmePolicy() throws -> String {
        let line = try #require(try text("README.md").split(separator: "\n").first { $0.hasPrefix("add_header Content-Security-Policy") })
        return String(line.split(separator: "\"")[1])
    }

    @Test(arguments: ["checkup-every.service", "checkup-serve.service"])
    func systemdUnitPassesVerifyWithItsHardening(_ unit: String) throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let text = try Self.text("contrib/systemd/" + unit)
        // verify wants the programs to exist: the built binary stands in for the installed one.
        try Data(text.replacingOccurrences(of: "/usr/local/bin/checkup", with: checkupBinary).utf8)
            .write(to: URL(fileURLWithPath: "\(dir)/\(unit)"))
        let run = try runTool("systemd-analyze", ["verify", "--man=no", "./" + unit], in: dir)
        #expect(run.status == 0 && run.stderr.isEmpty && run.stdout.isEmpty, "\(run.stdout)\(run.stderr)")

        let settings = Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }.map { String($0) })
        for setting in ["DynamicUser=yes", "ProtectSystem=strict", "StateDirectory=checkup", "WorkingDirectory=/var/lib/checkup",
                        "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                        "SystemCallFilter=@system-service", "User=checkup", "CapabilityBoundingSet="] {
            #expect(settings.contains(setting), "\(unit) lacks \(setting)")
        }
        let command = unit == "checkup-every.service" ? "every 1m" : "serve --listen 127.0.0.1:3000"
        #expect(settings.contains("ExecStart=/usr/local/bin/checkup \(command) -c /etc/checkup/checkup.json"))
        if unit == "checkup-every.service" {
            #expect(settings.contains("ExecReload=/bin/kill -HUP $MAINPID"))  // every reloads its config on SIGHUP
        }
    }

    @Test func systemdAnalyzeVerifyReportsAMistake() throws {
        // So that the test above, which wants no output, can fail: a misspelt option is a warning.
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try Data("[Service]\nExecStart=/bin/true\nProtectSystem=strictly\n".utf8).write(to: URL(fileURLWithPath: dir + "/bad.service"))
        let run = try runTool("systemd-analyze", ["verify", "--man=no", "./bad.service"], in: dir)
        #expect(run.stderr.contains("bad.service:3") && run.stderr.contains("strictly"), "\(run.stderr)")
    }

    @Test func webServerSnippetsSendThePagesPolicy() async throws {
        let policy = try Self.readmePolicy()
        #expect(try Self.text("contrib/nginx/checkup.conf").contains("add_header Content-Security-Policy \"\(policy)\" always;"))
        #expect(try Self.text("contrib/caddy/Caddyfile").contains("Content-Security-Policy \"\(policy)\""))
        // The one `checkup serve` sends, which also allows plain http: for a page on http://.
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try Data(#"{"storage": {"type": "fs", "dir": "store"}}"#.utf8).write(to: URL(fileURLWithPath: dir + "/checkup.json"))
        try FileManager.default.createDirectory(atPath: dir + "/store", withIntermediateDirectories: true)
        let serve = try ServeProcess(in: dir)
        let page = try await httpGet(serve.base + "/")
        let sent = page.response.headers.first { $0.name.lowercased() == "content-security-policy" }?.value
        #expect(sent?.replacingOccurrences(of: " http: https:", with: " https:") == policy)
    }

    @Test func nginxSnippetPassesNginxTest() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let cert = try runTool("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=status.example.com",
                                           "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "1"])
        try #require(cert.status == 0, "\(cert.stderr)")
        let site = try Self.text("contrib/nginx/checkup.conf")
            .replacingOccurrences(of: "/etc/letsencrypt/live/status.example.com/fullchain.pem", with: dir + "/cert.pem")
            .replacingOccurrences(of: "/etc/letsencrypt/live/status.example.com/privkey.pem", with: dir + "/key.pem")
        try Data(site.utf8).write(to: URL(fileURLWithPath: dir + "/site.conf"))
        let main = "pid \(dir)/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n  include \(dir)/site.conf;\n}\n"
        try Data(main.utf8).write(to: URL(fileURLWithPath: dir + "/nginx.conf"))
        let run = try runTool("nginx", ["-t", "-q", "-p", dir, "-e", "stderr", "-c", dir + "/nginx.conf"])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
    }

    @Test func cronLineStoresEveryFiveMinutes() throws {
        let lines = try Self.text("contrib/cron/checkup").split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count == 1)
        let fields = lines[0].split(separator: " ", omittingEmptySubsequences: true)
        #expect(fields.prefix(6).map(String.init) == ["*/5", "*", "*", "*", "*", "checkup"])
        #expect(lines[0].hasSuffix("/usr/local/bin/checkup --store -c /etc/checkup/checkup.json"))
    }

    @Test func kubernetesCronJobStoresAConfigCheckupAccepts() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let script = """
        import json, sys, yaml
        docs = list(yaml.safe_load_all(open(sys.argv[1])))
        config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]["checkup.json"]
        job = next(d for d in docs if d["kind"] == "CronJob")
        container = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        open(sys.argv[2], "w").write(config)
        print(json.dumps({"schedule": job["spec"]["schedule"], "args": container["args"]}))
        """
        let run = try runTool("python3", ["-c", script, repositoryRoot.appendingPathComponent("contrib/kubernetes/cronjob.yaml").path, dir + "/checkup.json"])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == #"{"schedule": "*/5 * * * *", "args": ["--store", "-c", "/etc/checkup/checkup.json"]}"# + "\n")
        let validate = try runCLI(["validate"], in: dir, environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(validate.status == 0, "\(validate.stdout)")
        let config = try String(contentsOfFile: dir + "/checkup.json", encoding: .utf8)
        #expect(try SchemaTests.validate([("cronjob", config, nil)]) == ["cronjob": []])
        #expect(try Checkup(configFile: dir + "/checkup.json", environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"]).storage is S3Storage)
    }

    @Test func readmeLinksEveryContribFile() throws {
        let readme = try Self.text("README.md")
        for path in ["contrib/systemd/checkup-every.service", "contrib/systemd/checkup-serve.service", "contrib/cron/checkup",
                     "contrib/kubernetes/cronjob.yaml", "contrib/nginx/checkup.conf", "contrib/caddy/Caddyfile",
                     "contrib/checkup.schema.json", "contrib/checkup.1"] {
            #expect(readme.contains("(\(path))"), "README does not link \(path)")
        }
    }
}
