"""The `[email]` section of toolkit.toml: transport, server, addresses, templates, retries.

Checked when the settings are loaded, like every other section: addresses must be
addresses, templates may only name known fields, a login needs a password variable and TLS.
The password itself is never a setting; `toolkit.deliver` reads it from the environment
mapping its caller passes, under the name `password_env`.
"""
from __future__ import annotations

import re
import string
from email.utils import parseaddr
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# the kinds of email the toolkit sends; `files` is `toolkit send FILE --to …`
KINDS = ("weekly", "closure", "rejected", "files")

# the fields a subject or body template may use
TEMPLATE_FIELDS = frozenset({"period", "project", "scope", "files", "file", "department", "reasons"})

_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]+$")
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def check_address(value: str) -> str:
    """`value` if it is one address (`a@b.cn` or `Name 名字 <a@b.cn>`); ValueError otherwise."""
    if "\n" in value or "\r" in value:
        raise ValueError(f"not an email address: {value!r}")
    _, addr = parseaddr(value)
    if not addr or not _ADDRESS.match(addr) or ("<" in value and not value.rstrip().endswith(">")):
        raise ValueError(f"not an email address: {value!r} (the valid form is name@example.com "
                         f"or \"Name <name@example.com>\")")
    return value.strip()


def _addresses(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(check_address(v) for v in values)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EmailRecipients(_Section):
    """`[email.to]`: who gets each kind of email; an empty list falls back to `email.recipients`."""

    weekly: tuple[str, ...] = ()
    closure: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()   # copied on every rejected-file notice (the submitter is the To)

    @field_validator("weekly", "closure", "rejected")
    @classmethod
    def _check(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _addresses(value)


class EmailTemplate(_Section):
    """Subject and body of one kind of email per language; empty: the built-in text."""

    subject_en: str = ""
    subject_zh: str = ""
    body_en: str = ""
    body_zh: str = ""

    @field_validator("subject_en", "subject_zh", "body_en", "body_zh")
    @classmethod
    def _fields(cls, value: str) -> str:
        try:
            names = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
        except ValueError as exc:
            raise ValueError(f"not a valid template ({exc}); write {{{{ and }}}} for literal braces") from exc
        unknown = sorted(n for n in names if n not in TEMPLATE_FIELDS)
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join('{' + n + '}' for n in unknown)}; "
                             f"the fields are {', '.join('{' + n + '}' for n in sorted(TEMPLATE_FIELDS))}")
        return value


class EmailTemplates(_Section):
    weekly: EmailTemplate = EmailTemplate()
    closure: EmailTemplate = EmailTemplate()
    rejected: EmailTemplate = EmailTemplate()
    files: EmailTemplate = EmailTemplate()


class Email(_Section):
    transport: Literal["outbox", "smtp"] = "outbox"   # outbox: .eml files, no server needed
    outbox: str = ""                    # empty: the folder "outbox" in the output folder
    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    tls: Literal["none", "starttls", "ssl"] = "none"
    ca_file: str = ""                   # PEM bundle to verify the server with; empty: the system's CAs
    helo: str = ""                      # name sent in EHLO; empty: this machine's fully qualified name
    sender: str = "pmo@example.com"
    recipients: tuple[str, ...] = ()    # every kind of email, unless [email.to] names others
    to: EmailRecipients = EmailRecipients()
    templates: EmailTemplates = EmailTemplates()
    username: str = ""
    password_env: str = "TOOLKIT_SMTP_PASSWORD"   # the password is read from this variable only
    retries: int = Field(3, ge=0, le=10)          # further attempts after a temporary failure
    backoff_seconds: float = Field(2.0, ge=0, le=60)   # wait before retry n: backoff × 2^(n-1), at most 5 min
    timeout: float = Field(30.0, gt=0, le=300)    # seconds per connection and per server answer

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return check_address(value)

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _addresses(value)

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not value.strip() or any(c.isspace() for c in value.strip()):
            raise ValueError(f"not a host name: {value!r}")
        return value.strip()

    @model_validator(mode="after")
    def _login(self) -> Email:
        if self.username and not self.password_env.strip():
            raise ValueError("email.username is set, so email.password_env must name the environment "
                             "variable holding the password")
        if self.username and self.tls == "none" and self.host not in _LOOPBACK:
            raise ValueError("email.username is set but email.tls is \"none\": the password would cross the "
                             "network unencrypted; set tls = \"starttls\" or \"ssl\"")
        return self
