#!/usr/bin/env python3
"""An RDAP test peer for checkup's domain checker: a registry and its bootstrap on 127.0.0.1.

Usage: rdapd.py. Serves, on a free port:
  /dns.json                 an RFC 9224 bootstrap registry: "test" and "localhost" at /rdap/,
                            "sub.test" at /sub/
  /rdap/domain/NAME         RFC 9083 domain answers with fixed dates (see DOMAINS), a 404 RDAP
                            error for any other name
  /sub/domain/NAME          the registry of sub.test (for the longest-match rule)
  /count                    how many times each domain path was asked for, as JSON
Prints "PORT <n>" and exits when its standard input closes.
"""
import collections
import http.server
import json
import sys
import threading


def answer(name, events, ldh=None):
    return {"objectClassName": "domain", "ldhName": (ldh or name).upper(), "rdapConformance": ["rdap_level_0"],
            "status": ["active"], "events": events}


def expiring(date):
    return [{"eventAction": "registration", "eventDate": "2001-02-03T04:05:06Z"},
            {"eventAction": "expiration", "eventDate": date},
            {"eventAction": "last update of RDAP database", "eventDate": "2026-01-01T00:00:00.000Z"}]


DOMAINS = {
    "/rdap/domain/fresh.test": answer("fresh.test", expiring("2030-01-01T00:00:00Z")),
    "/rdap/domain/cached.test": answer("cached.test", expiring("2029-03-04T05:06:07Z")),
    "/rdap/domain/soon.test": answer("soon.test", expiring("2026-12-20T04:00:00.000Z")),
    "/rdap/domain/expired.test": answer("expired.test", expiring("2026-11-01T00:00:00Z")),
    "/rdap/domain/noexpiry.test": answer("noexpiry.test", [{"eventAction": "registration", "eventDate": "2001-02-03T04:05:06Z"}]),
    "/rdap/domain/other.test": answer("other.test", expiring("2030-01-01T00:00:00Z"), ldh="evil.test"),
    "/sub/domain/x.sub.test": answer("x.sub.test", expiring("2031-05-06T07:08:09Z")),
    # Registrations below "localhost" (libcurl connects every *.localhost to loopback), for the
    # http and tcp checkers' domain_expiry_threshold.
    "/rdap/domain/soon.localhost": answer("soon.localhost", expiring("2026-12-20T04:00:00Z")),
    "/rdap/domain/expired.localhost": answer("expired.localhost", expiring("2026-11-01T00:00:00Z")),
    "/rdap/domain/fresh.localhost": answer("fresh.localhost", expiring("2030-01-01T00:00:00Z")),
    "/rdap/domain/soon.co.localhost": answer("soon.co.localhost", expiring("2026-12-20T04:00:00Z")),
}
counts = collections.Counter()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/rdap+json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        path = self.path.lower()
        if path == "/dns.json":
            base = "http://127.0.0.1:%d" % port
            bootstrap = {"version": "1.0", "publication": "2026-01-01T00:00:00Z", "services": [
                [["example", "test", "localhost"], [base + "/rdap/"]], [["sub.test"], [base + "/sub"]]]}
            return self.send(200, json.dumps(bootstrap).encode(), "application/json")
        if path == "/count":
            with lock:
                return self.send(200, json.dumps(counts).encode(), "application/json")
        with lock:
            counts[path] += 1
        if path == "/rdap/domain/huge.test":
            return self.send(200, b'{"events":[' + b'{"eventAction":"x"},' * 150000 + b'{}]}')
        if path == "/rdap/domain/garbage.test":
            return self.send(200, b"<html>not RDAP</html>", "text/html")
        if path in DOMAINS:
            return self.send(200, json.dumps(DOMAINS[path]).encode())
        self.send(404, json.dumps({"errorCode": 404, "title": "Not Found", "description": ["no such domain"]}).encode())


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
