#!/usr/bin/env python3
"""A line-based banner server for checkup's tcp send/expect tests, on 127.0.0.1 and a free port.

Prints "PORT <n>" when ready and exits when its standard input closes. Each connection gets
"220 banner.test ready\\r\\n" at once, then per line received:
  PING      "+PONG\\r\\n"
  QUIT      "221 bye\\r\\n" and the connection closes
  anything  "500 what?\\r\\n"
"""
import socket
import sys
import threading


def handle(conn):
    with conn:
        conn.sendall(b"220 banner.test ready\r\n")
        data = b""
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
            while b"\n" in data:
                line, data = data.split(b"\n", 1)
                word = line.strip().upper()
                if word == b"PING":
                    conn.sendall(b"+PONG\r\n")
                elif word == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"500 what?\r\n")


def main():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)

    def serve():
        while True:
            conn, _ = sock.accept()
            threading.Thread(target=handle, args=(conn,), daemon=True).start()
    threading.Thread(target=serve, daemon=True).start()
    print("PORT %d" % sock.getsockname()[1], flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
