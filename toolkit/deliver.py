"""Email delivery: the only network code of the toolkit.

    build_message(...)           -> EmailMessage (UTF-8 subject and body, attachments, RFC 2231 names)
    send(message, settings, env) -> Sent          (outbox folder of .eml files, or SMTP with retries)
    send_report(kind, period, attachments, settings, lang, env=…, now=…) -> DeliveryResult
    send_files(files, to, settings, lang, subject=None, env=…, now=…)    -> DeliveryResult

The transport is a setting: `outbox` (the default) writes each message as an `.eml` file a
person can open in Outlook or Thunderbird, so nothing needs a server; `smtp` sends it, over
STARTTLS or SSL with the system's (or `email.ca_file`'s) certificate authorities, logging in
when `email.username` is set, with the password read from the environment mapping the entry
point passes (`env`), under the name `email.password_env`.

Temporary failures (connection refused, timeout, dropped connection, a 4xx answer) are
retried `email.retries` times, waiting `backoff_seconds × 2^(n-1)` before retry n (the
`sleep` function is a parameter, so tests wait for real but briefly). Permanent failures
(a 5xx answer, a refused login, a certificate that does not verify) end at once in one
`DeliveryError` naming the server and what it said, in English and Chinese.

Every email that leaves is recorded in a sent log, `sent-log.jsonl` in the output folder (one
JSON object a line: what, to whom, which attachments with their sha256, when, how). A weekly
report or closure summary already sent for the same project and period to the same people is
not sent again unless `force=True`: the key is kind + project + period + recipients, because a
report rendered again is never byte-identical (Word and PDF files carry their own timestamps),
so its sha256 is recorded but not part of the key. A rejected-file notice is keyed by its
attachments' sha256 as well (each rejected file gets its own notice). `send_files` (the
`toolkit send` command, an explicit request) is recorded but never held back. A lock beside
the log makes check, send and record one step across processes (the nightly job and the drop
folder may send at the same time).
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import mimetypes
import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid, parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .config import Settings
from .config_email import KINDS, TEMPLATE_FIELDS, Email, check_address
from .errors import Bilingual, ConfigError, InputError, OutputError, ToolkitError
from .i18n import text

SENT_LOG = "sent-log.jsonl"
OUTBOX = "outbox"
MAX_DELAY = 300.0          # seconds: no single backoff wait is longer, whatever the settings
LOCK_WAIT = 900.0          # seconds another process may hold the sent log before we give up
REPORT_KINDS = ("weekly", "closure")   # one per project and period: keyed without the attachments' sha256

# Office types are spelled out: mimetypes does not know them on every system.
MIME_TYPES: dict[str, tuple[str, str]] = {
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".xlsm": ("application", "vnd.ms-excel.sheet.macroEnabled.12"),
    ".pdf": ("application", "pdf"),
    ".txt": ("text", "plain"),
    ".csv": ("text", "csv"),
    ".json": ("application", "json"),
    ".png": ("image", "png"),
    ".zip": ("application", "zip"),
}

Sleep = Callable[[float], None]


class DeliveryError(ToolkitError):
    """An email could not be delivered: the server, what happened, and whether it was retried.
    `smtp_code` is the server's answer code when there was one (550, 535, …)."""

    exit_code = 3

    def __init__(self, code: str, /, *, attempts: int = 0, transient: bool = False,
                 smtp_code: int | None = None, **params: Any):
        self.host = str(params.get("host", ""))
        self.port = int(params.get("port", 0))
        self.attempts = attempts
        self.transient = transient
        self.smtp_code = smtp_code
        super().__init__(code, attempts=attempts, **params)


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def mime_type(self) -> tuple[str, str]:
        return mime_type(self.name)


@dataclass(frozen=True)
class Sent:
    """What `send` did: `transport`, how many attempts, the .eml file (outbox), refused recipients."""

    transport: str
    attempts: int
    path: Path | None = None
    refused: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one email, for the CLI, the nightly log and the drop folder."""

    status: str                      # "sent" (SMTP), "outbox" (.eml written) or "skipped" (already sent)
    kind: str
    period: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    attachments: tuple[str, ...]     # file names
    transport: str
    host: str = ""
    attempts: int = 0
    path: Path | None = None         # the .eml file, outbox transport
    message_id: str = ""
    refused: dict[str, str] = field(default_factory=dict)
    previous: str = ""               # when it was sent before (skipped)

    @property
    def delivered(self) -> bool:
        return self.status in ("sent", "outbox")

    def message(self, lang: str = "en") -> str:
        recipients = ", ".join(self.to + self.cc)
        if self.status == "skipped":
            return text("email.result.skipped", lang, kind=text(f"email.kind.{self.kind}", lang), period=self.period,
                        recipients=recipients, when=_readable(self.previous))
        if self.status == "outbox":
            line = text("email.result.outbox", lang, path=self.path, recipients=recipients)
        else:
            line = text("email.result.sent", lang, recipients=recipients, host=self.host, attempts=self.attempts)
        if self.refused:
            refused = ", ".join(f"{k} ({v})" for k, v in self.refused.items())
            line += "; " + text("email.result.refused", lang, refused=refused)
        return line


def _readable(stamp: str) -> str:
    try:
        return f"{datetime.fromisoformat(stamp):%Y-%m-%d %H:%M}"
    except ValueError:
        return stamp


# ------------------------------------------------------------------ building a message

def mime_type(name: str) -> tuple[str, str]:
    """(maintype, subtype) of a file name; application/octet-stream when unknown."""
    suffix = Path(name).suffix.lower()
    if suffix in MIME_TYPES:
        return MIME_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name, strict=False)
    if guessed and "/" in guessed:
        maintype, subtype = guessed.split("/", 1)
        return maintype, subtype
    return "application", "octet-stream"


def read_attachments(paths: Sequence[Path | str]) -> list[Attachment]:
    """The files to attach, read once (a missing or unreadable file is an InputError naming it)."""
    found = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise InputError("email_attachment_missing", path=path)
        try:
            found.append(Attachment(path.name, path.read_bytes()))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise InputError("email_attachment_unreadable", path=path, reason=reason) from exc
    return found


def _one_line(value: str) -> str:
    return " ".join(value.split())


def build_message(*, sender: str, to: Sequence[str], subject: str, body: str,
                  attachments: Sequence[Attachment | Path | str] = (), cc: Sequence[str] = (),
                  date: datetime | None = None, headers: Mapping[str, str] | None = None) -> EmailMessage:
    """One email: UTF-8 subject and plain-text body, each attachment with its MIME type and its
    name (non-ASCII names, e.g. Chinese, encoded per RFC 2231). `date` sets the Date header
    (aware datetimes keep their zone); a Message-ID in the sender's domain is always set."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = _one_line(subject)
    if date is not None:
        message["Date"] = format_datetime(date)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        message[name] = _one_line(value)
    # base64 keeps a Chinese body intact through servers without 8BITMIME
    message.set_content(body, charset="utf-8", cte=None if body.isascii() else "base64")
    items = [a if isinstance(a, Attachment) else read_attachments([a])[0] for a in attachments]
    for item in items:
        maintype, subtype = item.mime_type
        params = {}
        if maintype == "text":
            try:
                item.data.decode("utf-8")
                params["charset"] = "utf-8"
            except UnicodeDecodeError:
                pass
        message.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.name,
                               params=params)
    return message


def render(kind: str, part: str, lang: str, settings: Settings, fields: Mapping[str, str]) -> str:
    """The subject or body (`part`) of a `kind` of email: the toolkit.toml template, else the built-in."""
    template = getattr(getattr(settings.email.templates, kind), f"{part}_{'zh' if lang == 'zh' else 'en'}")
    if not template:
        template = text(f"email.template.{kind}.{part}", lang)
    values = {name: "" for name in TEMPLATE_FIELDS}
    values.update({k: str(v) for k, v in fields.items()})
    return template.format_map(values)


def recipients_for(kind: str, settings: Settings, to: Sequence[str] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(To, Cc) of a `kind` of email. Given `to` (a submitter, `--to`), the kind's own list is
    copied; otherwise the kind's list, or `email.recipients` when it has none, except for
    rejected-file notices: those never fall back to `email.recipients` (leadership)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of email {kind!r}; one of {KINDS}")
    own: tuple[str, ...] = getattr(settings.email.to, kind, ())
    explicit = tuple(_checked(a) for a in to)
    if explicit:
        cc = tuple(a for a in own if _bare(a) not in {_bare(t) for t in explicit})
        return explicit, cc
    if kind == "rejected":
        if not own:
            raise ConfigError("email_no_rejected_recipients")
        return tuple(own), ()
    chosen = own or settings.email.recipients
    if not chosen:
        raise ConfigError("email_no_recipients", kind=kind)
    return tuple(chosen), ()


def _checked(address: str) -> str:
    try:
        return check_address(address)
    except ValueError as exc:
        raise InputError("email_bad_address", value=address) from exc


def _bare(address: str) -> str:
    return parseaddr(address)[1].lower()


# ------------------------------------------------------------------ sending one message

def outbox_folder(settings: Settings) -> Path:
    em = settings.email
    if em.outbox:
        return settings.resolve(Path(em.outbox))
    return settings.resolve(settings.paths.output) / OUTBOX


def sent_log_path(settings: Settings) -> Path:
    return settings.resolve(settings.paths.output) / SENT_LOG


def send(message: EmailMessage, settings: Settings, env: Mapping[str, str], *,
         sleep: Sleep = time.sleep) -> Sent:
    """Deliver `message` by the configured transport. SMTP: retried on temporary failures;
    a permanent one, or the last temporary one, raises DeliveryError (exit code 3)."""
    em = settings.email
    if em.transport == "outbox":
        return Sent("outbox", 1, path=_write_outbox(message, outbox_folder(settings)))
    password = _password(em, env)
    context = _tls_context(em, settings) if em.tls != "none" else None
    attempt = 0
    while True:
        attempt += 1
        try:
            refused = _smtp_once(message, em, password, context)
        except (smtplib.SMTPException, OSError) as exc:
            transient, key, params, code = _classify(exc, em)
            if not transient or attempt > em.retries:
                raise _delivery_error(em, key, params, attempt, transient, code) from exc
            sleep(min(em.backoff_seconds * 2 ** (attempt - 1), MAX_DELAY))
            continue
        return Sent("smtp", attempt, refused={k: f"{c} {_decode(m)}" for k, (c, m) in refused.items()})


def _password(em: Email, env: Mapping[str, str]) -> str:
    if not em.username:
        return ""
    password = env.get(em.password_env)
    if password is None or password == "":
        raise ConfigError("email_password_missing", var=em.password_env)
    return password


def _tls_context(em: Email, settings: Settings) -> ssl.SSLContext:
    cafile = None
    if em.ca_file:
        path = settings.resolve(Path(em.ca_file))
        if not path.is_file():
            raise ConfigError("email_ca_missing", path=path)
        cafile = str(path)
    try:
        context = ssl.create_default_context(cafile=cafile)
    except ssl.SSLError as exc:
        raise ConfigError("email_ca_bad", path=cafile, reason=exc.reason or exc) from exc
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _smtp_once(message: EmailMessage, em: Email, password: str,
               context: ssl.SSLContext | None) -> dict[str, tuple[int, bytes]]:
    helo = em.helo or None
    client: smtplib.SMTP
    if em.tls == "ssl":
        client = smtplib.SMTP_SSL(em.host, em.port, local_hostname=helo, timeout=em.timeout, context=context)
    else:
        client = smtplib.SMTP(em.host, em.port, local_hostname=helo, timeout=em.timeout)
    try:
        client.ehlo()
        if em.tls == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if em.username:
            _login(client, em.username, password)
        return client.send_message(message)
    finally:
        # the message is either accepted or not by now; a failed goodbye must not cause a resend
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib.login, except that a non-ASCII user or password (smtplib only encodes ASCII)
    goes as AUTH PLAIN in UTF-8, as RFC 4616 defines it."""
    if (user + password).isascii():
        client.login(user, password)
        return
    offered = client.esmtp_features.get("auth", "").upper().split() if client.has_extn("auth") else []
    if "PLAIN" not in offered:
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN (needed for a non-ASCII password) is not offered")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, answer = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _classify(exc: BaseException, em: Email) -> tuple[bool, str, dict, int | None]:
    """(transient?, reason key, its params, SMTP code) of a failed attempt."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        detail = _decode(exc.smtp_error)
        return 400 <= exc.smtp_code < 500, "reason.auth", {"user": em.username, "code": exc.smtp_code,
                                                          "detail": detail}, exc.smtp_code
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        said = str(exc)
        key = "reason.no-starttls" if "STARTTLS" in said.upper() else "reason.no-auth" if "AUTH" in said.upper() \
            else "reason.not-supported"
        return False, key, {"detail": said}, None
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{who}: {code} {_decode(said)}" for who, (code, said) in exc.recipients.items())
        return bool(codes) and all(400 <= c < 500 for c in codes), "reason.recipients", {"detail": detail}, \
            (codes[0] if codes else None)
    if isinstance(exc, smtplib.SMTPResponseException):
        code, detail = exc.smtp_code, _decode(exc.smtp_error)
        if 400 <= code < 500:
            return True, "reason.temporary", {"code": code, "detail": detail}, code
        return False, "reason.rejected", {"code": code, "detail": detail}, code
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, TimeoutError):
        return True, "reason.timeout", {"seconds": f"{em.timeout:g}"}, None   # smtplib's name for a timeout
    if isinstance(exc, (smtplib.SMTPServerDisconnected, ssl.SSLEOFError, ConnectionResetError)):
        return True, "reason.disconnected", {}, None
    if isinstance(exc, ssl.SSLCertVerificationError):
        return False, "reason.certificate", {"detail": exc.verify_message or str(exc)}, None
    if isinstance(exc, ssl.SSLError):
        return False, "reason.tls", {"detail": exc.reason or str(exc)}, None
    if isinstance(exc, ConnectionRefusedError):
        return True, "reason.refused", {}, None
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return True, "reason.timeout", {"seconds": f"{em.timeout:g}"}, None
    if isinstance(exc, socket.gaierror):
        return exc.errno == socket.EAI_AGAIN, "reason.unknown-host", {"detail": exc.strerror or str(exc)}, None
    if isinstance(exc, smtplib.SMTPException):
        return False, "reason.not-supported", {"detail": str(exc)}, None
    return True, "reason.network", {"detail": getattr(exc, "strerror", None) or str(exc)}, None


def _delivery_error(em: Email, key: str, params: dict, attempts: int, transient: bool,
                    smtp_code: int | None) -> DeliveryError:
    what = Bilingual(text(f"email.{key}", "en", **params), text(f"email.{key}", "zh", **params))
    return DeliveryError("email_gave_up" if transient else "email_permanent", host=em.host, port=em.port,
                         what=what, attempts=attempts, transient=transient, smtp_code=smtp_code)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def _write_outbox(message: EmailMessage, folder: Path) -> Path:
    """Write `message` as `<date> <subject>.eml` (CRLF lines, as on the wire); never overwrites."""
    stem = _UNSAFE.sub("_", str(message.get("Subject", "email"))).strip(" ._")[:80] or "email"
    if message.get("Date"):
        with contextlib.suppress(TypeError, ValueError):       # an unreadable Date: no date in the name
            stem = f"{parsedate_to_datetime(str(message['Date'])):%Y%m%d-%H%M%S} {stem}"
    # X-Unsent: Outlook opens the file as a message ready to send (the other mail programs ignore it)
    data = b"X-Unsent: 1\r\n" + message.as_bytes(policy=SMTP_POLICY)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(1, 1000):
            target = folder / (f"{stem}.eml" if n == 1 else f"{stem} ({n}).eml")
            try:
                with open(target, "xb") as handle:    # exclusive: two runs never write one file
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                return target
            except FileExistsError:
                continue
        raise FileExistsError(f"{folder / stem}.eml and 998 numbered copies exist")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError("email_outbox", path=folder, reason=reason) from exc


# ------------------------------------------------------------------ reports and the sent log

def send_report(kind: str, period: str, attachments: Sequence[Path | str], settings: Settings, lang: str, *,
                env: Mapping[str, str], now: datetime, project: str = "", to: Sequence[str] = (),
                fields: Mapping[str, str] | None = None, force: bool = False,
                sleep: Sleep = time.sleep) -> DeliveryResult:
    """Email one report (`kind`: weekly, closure or rejected) for `period` (e.g. "2026-W48"),
    unless the sent log shows it already went to the same people (then status "skipped";
    `force=True` sends anyway). `project` narrows a report to one project (empty: all);
    `to` replaces the configured recipients (a submitter), who are then copied; `fields`
    fill the other template fields (file, department, reasons). `now` dates the message."""
    if kind not in REPORT_KINDS + ("rejected",):
        raise ValueError(f"send_report sends weekly, closure or rejected emails, not {kind!r}")
    items = read_attachments(attachments)
    to_list, cc_list = recipients_for(kind, settings, to)
    names = [a.name for a in items]
    values = {"period": period, "project": project,
              "scope": project or text("email.scope.all", lang), "files": text("email.files.sep", lang).join(names)}
    unknown = set(fields or {}) - TEMPLATE_FIELDS
    if unknown:
        raise ValueError(f"unknown template fields {sorted(unknown)}; known: {sorted(TEMPLATE_FIELDS)}")
    values.update(fields or {})
    message = build_message(sender=settings.email.sender, to=to_list, cc=cc_list,
                            subject=render(kind, "subject", lang, settings, values),
                            body=render(kind, "body", lang, settings, values), attachments=items, date=now,
                            headers={"Auto-Submitted": "auto-generated",
                                     "X-Toolkit-Report": f"{kind} {project} {period}".replace("  ", " ")})
    return _deliver_logged(message, kind, project, period, to_list, cc_list, items, settings, env, now,
                           hold_back=not force, sleep=sleep)


def send_files(files: Sequence[Path | str], to: Sequence[str], settings: Settings, lang: str,
               subject: str | None = None, *, env: Mapping[str, str], now: datetime, body: str | None = None,
               sleep: Sleep = time.sleep) -> DeliveryResult:
    """`toolkit send FILE… --to ADDRESS…`: email files to people (`to` empty: the configured
    recipients). Recorded in the sent log, never held back by it: the user asked for it."""
    items = read_attachments(files)
    to_list, cc_list = recipients_for("files", settings, to)
    values = {"files": text("email.files.sep", lang).join(a.name for a in items), "period": f"{now:%Y-%m-%d}"}
    if subject is None:
        subject = render("files", "subject", lang, settings, values)
    if body is None:
        body = render("files", "body", lang, settings, values)
    message = build_message(sender=settings.email.sender, to=to_list, cc=cc_list, subject=subject, body=body,
                            attachments=items, date=now)
    return _deliver_logged(message, "files", "", values["period"], to_list, cc_list, items, settings, env, now,
                           hold_back=False, sleep=sleep)


def sent_key(kind: str, project: str, period: str, recipients: Sequence[str], sha256s: Sequence[str],
             transport: str = "smtp") -> str:
    """The sent-log key: reports by kind + project + period + recipients; other kinds also by
    content. The transport is part of it: an .eml left in the outbox reached nobody, so it does
    not hold back the same report sent by SMTP later."""
    parts: dict[str, object] = {"kind": kind, "project": project, "period": period, "transport": transport,
                                "recipients": sorted({_bare(r) for r in recipients})}
    if kind not in REPORT_KINDS:
        parts["attachments"] = sorted(sha256s)
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def read_sent_log(settings: Settings) -> list[dict]:
    """Every record of the sent log, oldest first (a torn last line from a crash is skipped)."""
    path = sent_log_path(settings)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise _log_error(path, exc) from exc
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def _log_error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError("email_sent_log", path=path, reason=reason)


def _deliver_logged(message: EmailMessage, kind: str, project: str, period: str, to: tuple[str, ...],
                    cc: tuple[str, ...], items: list[Attachment], settings: Settings, env: Mapping[str, str],
                    now: datetime, *, hold_back: bool, sleep: Sleep) -> DeliveryResult:
    log = sent_log_path(settings)
    key = sent_key(kind, project, period, to + cc, [a.sha256 for a in items], settings.email.transport)
    smtp = settings.email.transport == "smtp"
    base = DeliveryResult(status="", kind=kind, period=period, to=to, cc=cc,
                          attachments=tuple(a.name for a in items), transport=settings.email.transport,
                          host=settings.email.host if smtp else "")
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(log) + ".lock", timeout=LOCK_WAIT)
        lock.acquire()
    except Timeout as exc:
        raise OutputError("email_sent_log_busy", seconds=int(LOCK_WAIT), path=exc.lock_file) from exc
    except OSError as exc:
        raise _log_error(log, exc) from exc
    try:
        if hold_back:
            earlier = [r for r in read_sent_log(settings) if r.get("key") == key]
            if earlier:
                return replace(base, status="skipped", previous=str(earlier[-1].get("sent_at", "")),
                               message_id=str(earlier[-1].get("message_id", "")))
        sent = send(message, settings, env, sleep=sleep)
        record = {"key": key, "kind": kind, "project": project, "period": period, "to": list(to), "cc": list(cc),
                  "attachments": [{"name": a.name, "sha256": a.sha256, "bytes": len(a.data)} for a in items],
                  "transport": sent.transport, "host": base.host, "attempts": sent.attempts,
                  "message_id": str(message["Message-ID"]), "sent_at": now.isoformat(timespec="seconds"),
                  "path": str(sent.path) if sent.path else None, "refused": sent.refused}
        _append(log, record)
        return replace(base, status="sent" if smtp else "outbox", attempts=sent.attempts, path=sent.path,
                       message_id=str(message["Message-ID"]), refused=sent.refused)
    finally:
        lock.release()


def _append(path: Path, record: dict) -> None:
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        with open(path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell():
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":       # a torn line from a crash: start a fresh one
                    line = "\n" + line
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise _log_error(path, exc) from exc


__all__ = ["Attachment", "DeliveryError", "DeliveryResult", "Sent", "build_message", "mime_type",
           "outbox_folder", "read_attachments", "read_sent_log", "recipients_for", "render", "send",
           "send_files", "send_report", "sent_key", "sent_log_path"]
