#!/usr/bin/env python3
"""SMTP test peer for checkup's mailer: a real aiosmtpd server on 127.0.0.1.

Usage: smtpd.py. Makes a temporary directory DIR (removed on exit) and a self-signed certificate
for localhost/127.0.0.1 in DIR/cert.pem (pass it as the CA file). Serves two ports:
  starttls  plain SMTP that offers STARTTLS; AUTH PLAIN/LOGIN only after STARTTLS
  implicit  SMTP inside TLS from the first byte (SMTPS, as on port 465)
Both demand AUTH before MAIL, as USER / PASSWORD below. Every message received is written to
DIR/messages/<n>.json: envelope from and recipients, whether TLS was on, the login, the raw
message, and the parts Python's `email` package finds (subject decoded, text, html).
Prints one JSON line {"starttls": port, "implicit": port, "cert": path, "messages": path, "user":
..., "password": ...} and exits when its standard input closes.

Needs the PyPI packages aiosmtpd (which brings atpublic and attrs) and cryptography.
"""
import asyncio
import datetime
import email
import email.policy
import ipaddress
import itertools
import json
import os
import shutil
import ssl
import sys
import tempfile
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "checkup"
PASSWORD = "s3cret-pa55"


def make_certificate(directory):
    """Writes a self-signed certificate (and its key) for localhost and 127.0.0.1; returns paths."""
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
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_path, key_path


def authenticate(server, session, envelope, mechanism, auth_data):
    """Accepts only USER / PASSWORD (PLAIN and LOGIN hand over a LoginPassword)."""
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode())
    # handled=False on failure makes aiosmtpd answer "535 5.7.8 Authentication credentials invalid".
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class Recorder:
    """aiosmtpd handler that writes each message to its own JSON file."""

    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {}
        for part in parsed.walk():
            if part.get_content_maintype() == "text":
                parts.setdefault(part.get_content_subtype(), part.get_content())
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.login.decode() if session.auth_data is not None else None,
            "subject": str(parsed.get("Subject", "")),
            "from": str(parsed.get("From", "")),
            "to": str(parsed.get("To", "")),
            "content_type": parsed.get_content_type(),
            "text": parts.get("plain"),
            "html": parts.get("html"),
            "defects": [type(d).__name__ for d in parsed.defects],
            "raw": raw.decode("utf-8", "replace"),
        }
        path = os.path.join(self.directory, "%d.json" % next(self.counter))
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.replace(path + ".tmp", path)  # readers never see a half-written file
        return "250 Message accepted for delivery"


async def serve(directory):
    cert_path, key_path = make_certificate(directory)
    messages = os.path.join(directory, "messages")
    os.makedirs(messages, exist_ok=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    handler = Recorder(messages)
    loop = asyncio.get_running_loop()

    def smtp(implicit_tls):
        # aiosmtpd's auth_require_tls looks only at STARTTLS; on the SMTPS port every byte is
        # already inside TLS, so AUTH is offered from the start there.
        return SMTP(handler, hostname="checkup-test", tls_context=None if implicit_tls else context,
                    authenticator=authenticate, auth_required=True, auth_require_tls=not implicit_tls,
                    decode_data=False)

    starttls = await loop.create_server(lambda: smtp(False), "127.0.0.1", 0)
    # SMTPS: the server socket does the TLS handshake before the greeting.
    implicit = await loop.create_server(lambda: smtp(True), "127.0.0.1", 0, ssl=context)
    print(json.dumps({
        "starttls": starttls.sockets[0].getsockname()[1],
        "implicit": implicit.sockets[0].getsockname()[1],
        "cert": cert_path, "messages": messages, "user": USER, "password": PASSWORD,
    }), flush=True)
    stdin_closed = asyncio.Event()

    def wait_for_eof():
        sys.stdin.read()
        loop.call_soon_threadsafe(stdin_closed.set)
    threading.Thread(target=wait_for_eof, daemon=True).start()
    await stdin_closed.wait()


if __name__ == "__main__":
    directory = tempfile.mkdtemp(prefix="checkup-smtpd-")
    try:
        asyncio.run(serve(directory))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
