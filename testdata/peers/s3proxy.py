#!/usr/bin/env python3
"""An S3-compatible store without conditional writes, for checkup's tests: a proxy on 127.0.0.1
in front of an S3 server (moto) that answers every PutObject carrying If-Match or If-None-Match
the way such stores do, and passes everything else through unchanged.

Usage: s3proxy.py UPSTREAM_PORT MODE, MODE "501" (NotImplemented, as stores that know the header
but not the feature) or "412" (PreconditionFailed, always). Prints "PORT n" and exits when stdin
closes.
"""
import http.client
import http.server
import sys
import threading

UPSTREAM = int(sys.argv[1])
MODE = sys.argv[2]


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def relay(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.command == "PUT" and ("If-Match" in self.headers or "If-None-Match" in self.headers):
            code, name = (501, "NotImplemented") if MODE == "501" else (412, "PreconditionFailed")
            reply = ("<Error><Code>%s</Code><Message>conditional writes are not supported</Message></Error>" % name).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
            return
        upstream = http.client.HTTPConnection("127.0.0.1", UPSTREAM, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        self.send_response(response.status)
        for k, v in response.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        upstream.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = relay


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT", server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
