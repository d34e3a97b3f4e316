import Foundation
import Testing
@testable import CheckupKit

extension CLITests {
    /// `checkup check NAME --explain` against the real peers: the steps it prints, and secrets
    /// never. Nested in CLITests, so its runs of the binary take turns with CLITests' own: one at a
    /// time keeps the rest of the suite from starving on a two-core machine.
    @Suite struct ExplainTests {
        static let secret = "tok-9f8e7d6c5b4a"

        @Test func httpTraceShowsEveryStepAndNeverASecret() async throws {
            // /echo answers with the request's header lines as its body: the secret comes back too.
            let checkers = #"""
                [{"type":"http","endpoint_name":"Echo","endpoint_url":"\#(peerURL("/echo"))?key=${SECRET_TOKEN}&page=2",
                  "headers":{"X-Token":["${SECRET_TOKEN}"],"Authorization":["Bearer literal-credential"],"Cookie":["session=cookie-credential"],"Accept":["text/plain"]},
                  "must_contain":"User-Agent","threshold_rtt":"5s","attempts":3}]
                """#
            let dir = try makeProject(checkers: checkers, storage: false)
            defer { removeDirectory(dir) }
            let run = try await cli(["check", "echo", "--explain"], in: dir, environment: ["SECRET_TOKEN": Self.secret])
            #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
            let out = run.stdout
            for secret in [Self.secret, "literal-credential", "cookie-credential"] {
                #expect(!out.contains(secret) && !run.stderr.contains(secret), "\(secret) in\n\(out)")
            }
            let port = httpPeer.port
            #expect(out.hasPrefix("== Echo (http) - http://127.0.0.1:\(port)/echo?key=REDACTED&page=2: one attempt of the 3 a round makes\n"))
            #expect(out.contains("\nresolve       127.0.0.1:\(port)\n"))
            #expect(out.contains("\nconnect       Connected to 127.0.0.1 (127.0.0.1) port \(port)"))
            #expect(out.contains("\nrequest       > GET /echo?key=REDACTED&page=2 HTTP/1.1\n"))
            #expect(out.contains("\n              > X-Token: REDACTED\n"))
            #expect(out.contains("\n              > Authorization: REDACTED\n"))
            #expect(out.contains("\n              > Cookie: REDACTED\n"))
            #expect(out.contains("\n              > Accept: text/plain\n"))
            #expect(out.contains("\nresponse      < HTTP/1.1 200 OK\n"))
            #expect(out.contains("\nbody          "))
            #expect(out.contains("\n              | User-Agent: checkup/"))
            #expect(out.contains("\ntiming        round trip "))
            #expect(out.contains("\n              first byte: "))
            #expect(out.contains("\nassertion     PASS  status 200 is one of 200–204\n"))
            #expect(out.contains("\nassertion     PASS  the body ("))
            #expect(out.contains("contains must_contain 'User-Agent'\n"))
            #expect(out.contains("\nassertion     PASS  round trip ") && out.contains("is within threshold_rtt 5s\n"))
            #expect(out.hasSuffix("\nresult        healthy\n"))
        }

        @Test func aFailedAssertionIsNamedAndExitsOne() async throws {
            let checkers = #"[{"type":"http","endpoint_name":"Broken","endpoint_url":"\#(peerURL("/status/503"))"}]"#
            let dir = try makeProject(checkers: checkers, storage: false)
            defer { removeDirectory(dir) }
            let run = try await cli(["check", "BROKEN", "-v"], in: dir)
            #expect(run.status == 1)
            #expect(run.stdout.contains("\nresponse      < HTTP/1.1 503 Service Unavailable\n"))
            #expect(run.stdout.contains("\nbody          not read: the check ends when the headers are in"))
            #expect(run.stdout.contains("\nassertion     FAIL  status 503 is not one of 200–204\n"))
            #expect(run.stdout.hasSuffix("\nresult        down: response status 503 Service Unavailable\n"))

            // Without --explain, the one checker's result in the chosen format.
            let plain = try await cli(["check", "broken", "--format", "json"], in: dir)
            #expect(plain.status == 1)
            #expect(try CheckResult.decodeCheckFile(Data(plain.stdout.utf8)).map(\.title) == ["Broken"])
        }

        @Test func anUnknownNameIsAnErrorThatListsTheCheckers() async throws {
            let checkers = #"[{"type":"http","endpoint_name":"Up","endpoint_url":"\#(peerURL("/"))"},{"type":"exec","name":"Disk","command":"true"}]"#
            let dir = try makeProject(checkers: checkers, storage: false)
            defer { removeDirectory(dir) }
            let run = try await cli(["check", "nope", "--explain"], in: dir)
            #expect(run.status == 2 && run.stdout.isEmpty)
            #expect(run.stderr.hasPrefix(#"checkup: no checker named "nope"; the checkers are "Up", "Disk""#))
            #expect(try await cli(["check"], in: dir).status == 2)
            #expect(try await cli(["check", "up", "--explain", "--format", "json"], in: dir).status == 2)
        }

        @Test func tlsTraceShowsTheHandshakeTheChainAndEachJudgement() async throws {
            let checkers = #"""
                [{"type":"tls","endpoint_name":"Good","endpoint_url":"\#(tlsPeers.address("good"))","trusted_roots":["\#(tlsPeers.caFile)"]},
                 {"type":"tls","endpoint_name":"Expired","endpoint_url":"\#(tlsPeers.address("expired"))","trusted_roots":["\#(tlsPeers.caFile)"]}]
                """#
            let dir = try makeProject(checkers: checkers, storage: false)
            defer { removeDirectory(dir) }
            let good = try await cli(["check", "good", "--explain"], in: dir)
            #expect(good.status == 0, "\(good.stdout)")
            #expect(good.stdout.contains("\ntls           TLSv1."))
            #expect(good.stdout.contains("\ncertificate   [0] "))
            #expect(good.stdout.contains("\n              issuer: "))
            #expect(good.stdout.contains("\n              valid: "))
            #expect(good.stdout.contains("\n              tls: "))  // the handshake's own time
            #expect(good.stdout.contains("\nassertion     PASS  the certificate is valid now, trusted ("))
            #expect(good.stdout.contains("\nassertion     PASS  the certificate expires "))
            #expect(good.stdout.hasSuffix("\nresult        healthy\n"))

            let expired = try await cli(["check", "expired", "--explain"], in: dir)
            #expect(expired.status == 1)
            #expect(expired.stdout.contains("\nassertion     FAIL  certificate expired "))
            #expect(expired.stdout.contains("\nresult        down: certificate expired "))
        }

        @Test func dnsTraceShowsTheQueryAndTheAnswerSection() async throws {
            let peer = try await offPool { try DNSPeer.start() }
            defer { peer.stop() }
            let checkers = #"""
                [{"type":"dns","endpoint_name":"WWW","endpoint_url":"\#(peer.server)","hostname_fqdn":"www.test","expect":["192.0.2.1"]},
                 {"type":"dns","endpoint_name":"Missing","endpoint_url":"\#(peer.server)","hostname_fqdn":"nosuch.test"}]
                """#
            let dir = try makeProject(checkers: checkers, storage: false)
            defer { removeDirectory(dir) }
            let run = try await cli(["check", "www", "--explain"], in: dir)
            #expect(run.status == 0, "\(run.stdout)")
            #expect(run.stdout.contains("\nrequest       > www.test. IN A to \(peer.server)\n"))
            #expect(run.stdout.contains("\nresponse      < NOERROR, 1 A record\n              < www.test. IN A 192.0.2.1\n"))
            #expect(run.stdout.contains("\nassertion     PASS  the answer holds A records for www.test.\n"))
            #expect(run.stdout.contains("\nassertion     PASS  expect 192.0.2.1: in the answer\n"))

            let missing = try await cli(["check", "missing", "--explain"], in: dir)
            #expect(missing.status == 1)
            #expect(missing.stdout.contains("\nresponse      < NXDOMAIN\n"))
            #expect(missing.stdout.contains("\nassertion     FAIL  the answer holds A records for nosuch.test.\n"))
            #expect(missing.stdout.hasSuffix("\nresult        down: dns: NXDOMAIN for nosuch.test. (A)\n"))
        }

        @Test func execTraceShowsTheCommandItsStatusAndItsOutput() async throws {
            let checkers = #"[{"type":"exec","name":"Script","command":"sh","arguments":["-c","echo one; echo \"two\u001b[2K\"; exit 3"]}]"#
            let dir = try makeProject(checkers: checkers, storage: false)
            defer { removeDirectory(dir) }
            let run = try await cli(["check", "script", "--explain"], in: dir)
            #expect(run.status == 1)
            #expect(run.stdout.contains("\ncommand       sh -c 'echo one; echo \"two\\x1b[2K\"; exit 3'\n"))
            #expect(run.stdout.contains("\ncommand       exit status 3\n"))
            #expect(run.stdout.contains("\nbody          output, "))
            #expect(run.stdout.contains("\n              | one\n              | two\\x1b[2K\n"))
            #expect(!run.stdout.contains("\u{1B}"))
            #expect(run.stdout.contains("\nassertion     FAIL  the program does not exit 0: exit status 3\n"))
        }
    }
}

extension CLITests.ExplainTests {
    @Test func userInfoNeverShowsAndTCPTracesTheConnection() async throws {
        let checkers = #"""
            [{"type":"http","endpoint_name":"Basic","endpoint_url":"http://operator:hunter2pass@127.0.0.1:\#(httpPeer.port)/echo"},
             {"type":"tcp","endpoint_name":"Port","endpoint_url":"127.0.0.1:\#(httpPeer.port)"},
             {"type":"tcp","endpoint_name":"Closed","endpoint_url":"127.0.0.1:\#(closedPort())"}]
            """#
        let dir = try makeProject(checkers: checkers, storage: false)
        defer { removeDirectory(dir) }
        let basic = try await cli(["check", "basic", "--explain"], in: dir)
        #expect(basic.status == 0)
        let credential = Data("operator:hunter2pass".utf8).base64EncodedString()
        for hidden in ["hunter2pass", "operator", credential] { #expect(!basic.stdout.contains(hidden), "\(hidden) in\n\(basic.stdout)") }
        #expect(basic.stdout.contains("\n              > Authorization: REDACTED\n"))

        let port = try await cli(["check", "port", "-v"], in: dir)
        #expect(port.status == 0)
        #expect(port.stdout.contains("\nconnect       Connected to 127.0.0.1 (127.0.0.1) port \(httpPeer.port)"))
        #expect(port.stdout.contains("\nassertion     PASS  the connection is accepted\n"))

        let closed = try await cli(["check", "closed", "-v"], in: dir)
        #expect(closed.status == 1)
        #expect(closed.stdout.contains("\nresolve       127.0.0.1:") && closed.stdout.contains("\n              no address accepted a connection\n"))
        #expect(closed.stdout.contains("\nassertion     FAIL  the connection is accepted: "))
    }
}
