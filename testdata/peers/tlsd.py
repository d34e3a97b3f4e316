#!/usr/bin/env python3
"""TLS test peers for checkup: makes a test CA and certificates, then serves each on its own
127.0.0.1 port, completing the handshake and closing.

Usage: tlsd.py DIR. Writes DIR/ca.pem (the test CA) and prints one JSON line with the ports:
  good        leaf for localhost/127.0.0.1 signed by the CA, valid for 90 days
  expired     expired two days ago
  soon        expires in two days
  mismatch    valid, but for other.example only
  selfsigned  a self-signed certificate for localhost
  stall       accepts TCP and never answers the handshake
  slow        the good certificate, each handshake answered only after 1.2 s
Exits when its standard input closes.
"""
import datetime
import ipaddress
import json
import os
import socket
import ssl
import sys
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "checkup tests")])


def make_cert(subject_cn, issuer_cert, issuer_key, not_before, not_after, sans, is_ca=False):
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder()
               .subject_name(name(subject_cn))
               .issuer_name(issuer_cert.subject if issuer_cert is not None else name(subject_cn))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
    if sans:
        alt = [x509.IPAddress(ipaddress.ip_address(s)) if s[0].isdigit() else x509.DNSName(s) for s in sans]
        builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
    if is_ca:
        builder = builder.add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                                      data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                                      crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
    cert = builder.sign(issuer_key if issuer_key is not None else key, hashes.SHA256())
    return cert, key


def write(path, cert, key=None):
    with open(path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
        if key is not None:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def serve(sock, context, delay=0.0):
    while True:
        conn, _ = sock.accept()

        def handle(conn=conn):
            try:
                time.sleep(delay)  # "slow": the handshake starts only after the delay
                conn.settimeout(5)
                tls = context.wrap_socket(conn, server_side=True)
                tls.close()
            except Exception:
                conn.close()
        threading.Thread(target=handle, daemon=True).start()


def main():
    out = sys.argv[1]
    day = datetime.timedelta(days=1)
    ca, ca_key = make_cert("checkup test CA", None, None, NOW - day, NOW + 365 * day, [], is_ca=True)
    write(os.path.join(out, "ca.pem"), ca)
    local = ["localhost", "127.0.0.1"]
    specs = {
        "good": make_cert("localhost", ca, ca_key, NOW - day, NOW + 90 * day, local),
        "expired": make_cert("localhost", ca, ca_key, NOW - 30 * day, NOW - 2 * day, local),
        "soon": make_cert("localhost", ca, ca_key, NOW - day, NOW + 2 * day, local),
        "mismatch": make_cert("other.example", ca, ca_key, NOW - day, NOW + 90 * day, ["other.example"]),
        "selfsigned": make_cert("localhost", None, None, NOW - day, NOW + 90 * day, local),
    }
    ports = {}
    for label, (cert, key) in specs.items():
        chain = os.path.join(out, label + ".pem")
        write(chain, cert, key)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        ports[label] = sock.getsockname()[1]
        threading.Thread(target=serve, args=(sock, context), daemon=True).start()
        if label == "good":  # the same certificate, with each handshake held back 1.2 s
            slow = socket.socket()
            slow.bind(("127.0.0.1", 0))
            slow.listen(128)
            ports["slow"] = slow.getsockname()[1]
            threading.Thread(target=serve, args=(slow, context, 1.2), daemon=True).start()
    stall = socket.socket()
    stall.bind(("127.0.0.1", 0))
    stall.listen(128)  # never accepted: connects complete, handshakes never do
    ports["stall"] = stall.getsockname()[1]
    print(json.dumps(ports), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
