#!/usr/bin/env python3
"""A real HTTP/1.1 server for checkup's tests, on 127.0.0.1 (or --bind ::1) and a free port (or --port N).

Prints "PORT <n>" when ready and exits when its standard input closes (when the test process
that started it ends, however it ends). Routes:
  /                 200 "I'm up\n"
  /status/<code>    that status (3xx with Location: /)
  /slow/<ms>        waits <ms> milliseconds, then 200
  /hang             accepts and never answers
  /echo             200 with the request's header lines as the body
  /endless          200, then a body that trickles a byte every 50 ms and never ends
  /bigheader/<kb>   200 with one header field of <kb> KiB
  /reason           500 whose reason phrase carries terminal escape sequences (GET or POST)
  /hit/<key>        200, and records the time of the hit under <key>
  /hits/<key>       200 with the recorded hit times (seconds, one per line)
  POST /hook/<key>  records the request (headers and body) under <key>; 200 (or 204 for
                    /hook/<key>/204, 500 for /hook/<key>/500; /hook/<key>/hang never answers)
  /hooks/<key>      200 with the recorded requests as JSON lines {"path","headers","body"}
  /flaky/<key>      503 for the first request under <key>, 200 for every later one
  /json/<name>      200 with the JSON document <name> of JSON_BODIES (application/json)
  POST|PATCH|DELETE /echo
                    200 with "<method>\n<body>"
"""
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JSON_BODIES = {
    "health": {"status": "ok", "db": {"status": "down", "latency_ms": 12.5}, "version": "1.2.3",
               "ready": True, "items": [{"id": 7, "name": "first"}, {"id": 8, "name": "second"}], "none": None},
    "list": [1, 2, 3],
}
hits = {}
hooks = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        if path == "/":
            return self.reply(200, b"I'm up\n")
        if parts[0] == "status" and len(parts) == 2:
            code = int(parts[1])
            headers = [("Location", "/")] if 300 <= code < 400 else []
            return self.reply(code, b"status %d\n" % code, headers)
        if parts[0] == "slow" and len(parts) == 2:
            time.sleep(int(parts[1]) / 1000)
            return self.reply(200, b"slow but up\n")
        if parts[0] == "hang":
            time.sleep(3600)
            return
        if parts[0] == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                return
        if parts[0] == "bigheader" and len(parts) == 2:
            return self.reply(200, b"big\n", [("X-Big", "b" * (int(parts[1]) * 1024))])
        if parts[0] == "reason":
            self.send_response(500, "Oops\x1b]0;pwned\x07\x1b[2K")
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            return
        if parts[0] == "echo":
            lines = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
            return self.reply(200, lines.encode())
        if parts[0] == "hit" and len(parts) == 2:
            with lock:
                hits.setdefault(parts[1], []).append(time.monotonic())
            return self.reply(200, b"hit\n")
        if parts[0] == "hooks" and len(parts) == 2:
            with lock:
                body = "".join(json.dumps(h) + "\n" for h in hooks.get(parts[1], []))
            return self.reply(200, body.encode())
        if parts[0] == "flaky" and len(parts) == 2:
            with lock:
                first = parts[1] not in hits
                hits.setdefault(parts[1], []).append(time.monotonic())
            return self.reply(503 if first else 200, b"first try fails\n" if first else b"up\n")
        if parts[0] == "json" and len(parts) == 2 and parts[1] in JSON_BODIES:
            body = json.dumps(JSON_BODIES[parts[1]]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            return self.wfile.write(body)
        if parts[0] == "hits" and len(parts) == 2:
            with lock:
                body = "".join("%f\n" % t for t in hits.get(parts[1], []))
            return self.reply(200, body.encode())
        return self.reply(404, b"not found\n")

    do_HEAD = do_GET

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        if parts[0] == "reason":
            return self.do_GET()
        if parts[0] == "echo":
            return self.reply(200, ("%s\n%s" % (self.command, body)).encode())
        if parts[0] != "hook" or len(parts) < 2:
            return self.reply(404, b"not found\n")
        if parts[-1] == "hang":
            time.sleep(3600)
            return
        with lock:
            hooks.setdefault(parts[1], []).append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
        code = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 200
        return self.reply(code, b"" if code == 204 else b"ok\n")


    do_PATCH = do_DELETE = do_POST  # no PUT: SpoolTests use this server as an S3 that refuses every PUT


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


class ReusableServer(Server):
    allow_reuse_address = True


def main():
    # --port N: that port (a test that stops its target and starts it again), else a free one.
    port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 0
    bind = sys.argv[sys.argv.index("--bind") + 1] if "--bind" in sys.argv else "127.0.0.1"
    kind = ReusableServer if port else Server
    if ":" in bind:
        kind = type("Server6", (kind,), {"address_family": socket.AF_INET6})
    server = kind((bind, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # returns at EOF: the parent has gone


if __name__ == "__main__":
    main()
