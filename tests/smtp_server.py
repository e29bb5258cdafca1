"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, a random free port, optional
STARTTLS / implicit TLS with a certificate from a throw-away CA made here (cryptography),
optional AUTH, and scripted answers (e.g. "451" once, then accept; "550" always).

Shared by the email tests and the nightly-job / drop-folder tests:

    with SmtpServer() as server:            # plain SMTP
        ...send to server.port...
    server.messages                         # list of email.message.EmailMessage received
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class ServerCA:
    ca_file: Path          # the CA certificate (PEM) a client verifies against
    cert_file: Path        # the server certificate (localhost, 127.0.0.1), signed by the CA
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_ca(folder: Path) -> ServerCA:
    """A throw-away CA and a server certificate for localhost / 127.0.0.1, valid for a day."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Toolkit test CA")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address(HOST))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca = ServerCA(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    ca.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    ca.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    ca.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    return ca


@dataclass
class Handler:
    """Keeps what arrives. `data_answers` / `rcpt_answers` are popped one per command (None or
    an exhausted list: accept); `refuse` maps a recipient to the answer given to it always."""

    data_answers: list[str | None] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    data_calls: int = 0
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd's hook names
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_calls += 1
            answer = self.data_answers.pop(0) if self.data_answers else None
            if answer:
                return answer
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.messages.append(email.message_from_bytes(envelope.original_content,
                                                          policy=email.policy.default))
        return "250 Message accepted"


class SmtpServer:
    """aiosmtpd on 127.0.0.1:`port`. `tls`: None, "starttls" (offered and required) or "ssl"
    (implicit TLS); `users`: {login: password} turns on AUTH (required); other keywords go
    to aiosmtpd's SMTP (e.g. `data_size_limit`)."""

    def __init__(self, *, port: int | None = None, tls: str | None = None, ca: ServerCA | None = None,
                 users: dict[str, str] | None = None, handler: Handler | None = None, **smtp_kwargs):
        self.port = port or free_port()
        self.handler = handler or Handler()
        self.users = users or {}
        kwargs: dict = dict(smtp_kwargs)   # more aiosmtpd.smtp.SMTP parameters, e.g. data_size_limit
        if tls == "starttls":
            kwargs.update(tls_context=ca.server_context(), require_starttls=True)
        elif tls == "ssl":
            kwargs.update(ssl_context=ca.server_context())
        if self.users:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=tls == "starttls")   # implicit TLS is TLS, aiosmtpd cannot tell
        self.controller = Controller(self.handler, hostname=HOST, port=self.port, ready_timeout=10,
                                     server_hostname="localhost", **kwargs)
        self.running = False

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and self.users.get(auth_data.login.decode()) == auth_data.password.decode())
        if ok:
            self.handler.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)   # handled=False: aiosmtpd answers 535

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self.handler.messages

    def start(self) -> SmtpServer:
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
