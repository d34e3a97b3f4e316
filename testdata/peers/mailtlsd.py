#!/usr/bin/env python3
"""IMAP and POP3 STARTTLS test peers for checkup's tls checker (SMTP has smtpd.py, aiosmtpd).

Usage: mailtlsd.py DIR. Writes a self-signed certificate for localhost and 127.0.0.1 to
DIR/cert.pem (pass it as a trusted root) and serves, on 127.0.0.1:
  imap         IMAP4rev1 (RFC 9051) that offers STARTTLS: greeting, CAPABILITY, STARTTLS, then the
               TLS handshake with the certificate, then CAPABILITY again and LOGOUT
  pop3         POP3 (RFC 2595): +OK greeting, CAPA with STLS, STLS, the handshake, CAPA, QUIT
  imap_plain   IMAP that does not offer STARTTLS and refuses it (BAD)
Any other command gets an error reply, and a line over 1000 bytes ends the connection.
Prints one JSON line {"imap": port, "pop3": port, "imap_plain": port, "cert": path} and exits
when its standard input closes.

Needs the PyPI package cryptography.
"""
import asyncio
import datetime
import ipaddress
import json
import os
import ssl
import sys
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_certificate(directory):
    """A self-signed certificate (and key) for localhost and 127.0.0.1; returns the paths."""
    now = datetime.datetime.now(datetime.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_path, key_path


async def lines(reader):
    """The client's lines, until it closes or sends one longer than 1000 bytes."""
    while True:
        line = await reader.readline()
        if not line or len(line) > 1000:
            return
        yield line.decode("ascii", "replace").rstrip("\r\n")


def imap(context, offers_tls):
    async def handle(reader, writer):
        writer.write(b"* OK [CAPABILITY IMAP4rev1%s] checkup test IMAP ready\r\n" % (b" STARTTLS" if offers_tls else b""))
        secure = False
        async for line in lines(reader):
            tag, _, command = line.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                caps = b"IMAP4rev1" + (b" STARTTLS LOGINDISABLED" if offers_tls and not secure else b" AUTH=PLAIN")
                writer.write(b"* CAPABILITY " + caps + b"\r\n" + tag.encode() + b" OK CAPABILITY completed\r\n")
            elif command == "STARTTLS" and offers_tls and not secure:
                writer.write(tag.encode() + b" OK Begin TLS negotiation now\r\n")
                await writer.drain()
                await writer.start_tls(context)
                secure = True
            elif command == "LOGOUT":
                writer.write(b"* BYE logging out\r\n" + tag.encode() + b" OK LOGOUT completed\r\n")
                break
            else:
                writer.write(tag.encode() + b" BAD command unknown or not allowed\r\n")
            await writer.drain()
        writer.close()
    return handle


def pop3(context):
    async def handle(reader, writer):
        writer.write(b"+OK checkup test POP3 ready\r\n")
        secure = False
        async for line in lines(reader):
            command = line.split(" ")[0].upper()
            if command == "CAPA":
                writer.write(b"+OK Capability list follows\r\n" + (b"USER\r\n" if secure else b"STLS\r\n") + b".\r\n")
            elif command == "STLS" and not secure:
                writer.write(b"+OK Begin TLS negotiation\r\n")
                await writer.drain()
                await writer.start_tls(context)
                secure = True
            elif command == "QUIT":
                writer.write(b"+OK bye\r\n")
                break
            else:
                writer.write(b"-ERR command unknown or not allowed\r\n")
            await writer.drain()
        writer.close()
    return handle


async def serve(directory):
    cert_path, key_path = make_certificate(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    servers = {
        "imap": await asyncio.start_server(imap(context, True), "127.0.0.1", 0),
        "pop3": await asyncio.start_server(pop3(context), "127.0.0.1", 0),
        "imap_plain": await asyncio.start_server(imap(context, False), "127.0.0.1", 0),
    }
    banner = {name: server.sockets[0].getsockname()[1] for name, server in servers.items()}
    banner["cert"] = cert_path
    print(json.dumps(banner), flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = asyncio.Event()

    def wait_for_eof():
        sys.stdin.read()
        loop.call_soon_threadsafe(stdin_closed.set)
    threading.Thread(target=wait_for_eof, daemon=True).start()
    await stdin_closed.wait()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
