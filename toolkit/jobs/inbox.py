"""The drop folder: take each settled workbook once, accept or reject it, tell the submitter.

    settle(inbox, watch, now, settings) -> files ready to take (size and mtime unchanged for
                                           `inbox.stable_seconds`, and the file opens as a workbook)
    process_inbox(settings, as_of, ...) -> InboxResult: every ready file accepted, rejected or
                                           found to be a duplicate; the master is NOT re-consolidated
    consolidate_accepted(settings, as_of, ...) -> the Run of one consolidation for every accepted
                                           file the master has not taken in yet (one per burst)

A file is processed exactly once, whatever happens: it is first moved into `inbox/.processing/`
(so the inbox never shows it twice), its effects are made idempotently (an input already holding
its content is not replaced again, a rejected copy goes to a fixed path), and then one row of the
ledger (`inbox_files`, keyed by the content's sha256) commits it. After a crash the files left
in `.processing/` are finished on the next start; content already in the ledger is a duplicate.

Accepted: the workbook replaces its department's input in `paths.inputs` (the previous version
is kept under `<paths.archive>/versions/<department>/`); findings, when there are any, go back to
the submitter with an annotated copy. Rejected (unreadable, no tracker sheet, or with the strict
setting `inbox.reject = "errors"` any error): `inbox/rejected/<date>/` gets the file, a reason
file in the user's language and an annotated copy, and the submitter can be mailed the reasons.
The submitter is the department's addresses in Team (`Email` of its members).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from fnmatch import fnmatch
from pathlib import Path

from ..config import Settings
from ..errors import FileRejected, Finding, ToolkitError
from ..i18n import text
from ..inputs.reader import read_workbook
from ..inputs.safe_open import SPREADSHEET_SUFFIXES, detect_file, discover_inputs
from ..model import Batch, WorkbookData
from ..validate import sort_findings, validate_batch
from .ledger import InboxEntry, Ledger

log = logging.getLogger("toolkit.jobs.inbox")

STAGING = ".processing"
REJECTED = "rejected"
ACCEPTED = "accepted"
VERSIONS = "versions"
SKIPPED_PATTERNS = ("~$*", ".~lock.*#", "~WRL*.tmp", "*.part", ".*", "*.crdownload", "*.tmp")
_COPY_SUFFIX = re.compile(r"(\s*[\(（]\d+[\)）]|\s*-\s*(copy|副本)|\s+copy)$", re.IGNORECASE)


def is_skipped(name: str) -> bool:
    """Lock, temporary and hidden files: never taken (Excel, LibreOffice, Word, downloads)."""
    return any(fnmatch(name, pattern) for pattern in SKIPPED_PATTERNS)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------ settling

@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float            # monotonic time the size and mtime were first seen as they are


@dataclass
class Settling:
    """What the watcher remembers between scans: each file's size, mtime and since when."""

    files: dict[str, _Seen] = field(default_factory=dict)

    @property
    def waiting(self) -> int:
        return len(self.files)


def candidates(inbox: Path) -> list[Path]:
    """The files directly in the inbox that may be workbooks (sub-folders are the toolkit's own)."""
    try:
        entries = sorted(inbox.iterdir())
    except FileNotFoundError:
        return []
    return [p for p in entries if not is_skipped(p.name) and p.is_file() and not p.is_symlink()]


def settle(inbox: Path, settling: Settling, now: float, settings: Settings) -> list[Path]:
    """The inbox files ready to take at monotonic time `now`.

    A file is ready when its size and mtime have not changed for `stable_seconds` and it opens
    as a workbook; one that is stable but does not open is given `unreadable_grace_seconds`
    more (a slow copy that paused), then taken anyway, to be rejected with its reason.
    """
    cfg = settings.inbox
    ready = []
    present = set()
    for path in candidates(inbox):
        try:
            stat = path.stat()
        except OSError:
            continue
        present.add(path.name)
        seen = settling.files.get(path.name)
        if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
            settling.files[path.name] = _Seen(stat.st_size, stat.st_mtime_ns, now)
            if cfg.stable_seconds > 0:
                continue
            seen = settling.files[path.name]
        quiet = now - seen.since
        if quiet < cfg.stable_seconds:
            continue
        if _opens(path, settings) or quiet >= cfg.stable_seconds + cfg.unreadable_grace_seconds:
            ready.append(path)
    for gone in set(settling.files) - present:
        del settling.files[gone]
    return ready


def _opens(path: Path, settings: Settings) -> bool:
    """True when the file can be opened and its bytes make a workbook (not half-copied)."""
    try:
        with open(path, "rb"):
            pass
        detect_file(path, settings.limits)
    except (OSError, FileRejected):
        return False
    return True


# ------------------------------------------------------------------ outcomes

@dataclass(frozen=True)
class Dropped:
    """What became of one dropped file."""

    name: str
    sha256: str
    status: str                        # accepted, rejected, duplicate
    department: str = ""
    target: Path | None = None         # the input it replaced, or its rejected/ folder
    findings: tuple[Finding, ...] = ()
    reason: str = ""                   # in the user's language
    notice: str = ""                   # "", sent, outbox, skipped, failed: the email to the submitter
    first_seen: str = ""               # duplicates: when and under which name the content came first

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)


@dataclass
class InboxResult:
    dropped: list[Dropped] = field(default_factory=list)
    waiting: int = 0                   # files still being written (not settled yet)

    @property
    def accepted(self) -> list[Dropped]:
        return [d for d in self.dropped if d.status == "accepted"]


@dataclass
class InputCache:
    """Accepted inputs read once and kept while their size and mtime stay the same."""

    books: dict[Path, tuple[tuple[int, int], WorkbookData]] = field(default_factory=dict)
    listing: tuple[Path, int, list[Path]] | None = None      # the inputs folder, its mtime, its files

    def files(self, inputs: Path) -> list[Path]:
        """The input files (found once while the folder's mtime stays the same)."""
        if not inputs.is_dir():
            return []
        stamp = inputs.stat().st_mtime_ns
        if self.listing is None or self.listing[:2] != (inputs, stamp):
            found, _ = discover_inputs([inputs])
            self.listing = (inputs, stamp, found)
        return list(self.listing[2])

    def read(self, path: Path, settings: Settings) -> WorkbookData:
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns)
        held = self.books.get(path)
        if held is None or held[0] != key:
            held = (key, read_workbook(path, limits=settings.limits, file_label=path.name))
            self.books[path] = held
        return held[1]


@dataclass(frozen=True)
class DropContext:
    """Everything a drop needs besides the file: settings, day, language, stamp, clock, env."""

    settings: Settings
    as_of: date
    lang: str
    now: datetime                      # dates the ledger row, folders and emails (the caller's clock)
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%d %H%M%S")


# ------------------------------------------------------------------ processing

def inbox_folder(settings: Settings) -> Path:
    return settings.resolve(settings.paths.inbox)


def process_inbox(settings: Settings, as_of: date, *, ledger: Ledger, settling: Settling, clock: float,
                  now: datetime, lang: str | None = None, env: Mapping[str, str] | None = None,
                  cache: InputCache | None = None, inbox: Path | None = None) -> InboxResult:
    """Take every settled file of the inbox (and finish any left half-done by a crash).

    Does not consolidate: the caller does that once per burst (`consolidate_accepted`).
    """
    ctx = DropContext(settings, as_of, lang or settings.language, now, dict(env or {}))
    folder = inbox or inbox_folder(settings)
    cache = cache or InputCache()
    result = InboxResult()
    for staged in _staged(folder):
        result.dropped.append(_finish_staged(staged, ctx, ledger, cache))
    for path in settle(folder, settling, clock, settings):
        outcome = take(path, ctx, ledger, cache, folder)
        if outcome is not None:
            result.dropped.append(outcome)
        settling.files.pop(path.name, None)
    _resend_notices(ctx, ledger)
    result.waiting = settling.waiting
    return result


def take(path: Path, ctx: DropContext, ledger: Ledger, cache: InputCache, inbox: Path) -> Dropped | None:
    """One settled file: a duplicate, or moved to `.processing/` and processed."""
    try:
        digest = sha256_of(path)
    except OSError:
        return None                            # gone or locked again: the next scan sees it
    earlier = ledger.lookup(digest)
    if earlier is not None:
        return _duplicate(path, digest, earlier, ctx, inbox, ledger)
    staged = inbox / STAGING / digest[:16] / path.name    # its own folder: the file keeps its name
    try:
        staged.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, staged)
    except OSError:
        return None
    return _process(staged, path.name, digest, ctx, ledger, cache, inbox)


def _staged(inbox: Path) -> list[Path]:
    staging = inbox / STAGING
    if not staging.is_dir():
        return []
    return sorted(p for folder in staging.iterdir() if folder.is_dir() for p in folder.iterdir() if p.is_file())


def _unstage(staged: Path) -> None:
    staged.unlink(missing_ok=True)
    try:
        staged.parent.rmdir()
    except OSError:
        pass


def _finish_staged(staged: Path, ctx: DropContext, ledger: Ledger, cache: InputCache) -> Dropped:
    """A file a crash left in `.processing/`: finish it, or drop it when the ledger has it."""
    name = staged.name
    digest = sha256_of(staged)
    done = ledger.lookup(digest)
    if done is not None:
        _unstage(staged)
        log.info("%s: finished before the restart (%s)", name, done.status)
        return Dropped(name, digest, done.status, done.department, Path(done.target), reason=done.reason)
    log.info("%s: resuming after a restart", name)
    return _process(staged, name, digest, ctx, ledger, cache, staged.parent.parent.parent)


def _process(staged: Path, name: str, digest: str, ctx: DropContext, ledger: Ledger, cache: InputCache,
             inbox: Path) -> Dropped:
    settings = ctx.settings
    inputs = settings.resolve(settings.paths.inputs)
    dropped = read_workbook(staged, limits=settings.limits, file_label=name, department=department_of_name(name))
    department = department_of(dropped)
    replaced = _inputs_of(department, inputs, settings, cache)
    others = [cache.read(p, settings) for p in cache.files(inputs) if p not in replaced]
    findings = _findings_of(dropped, others, ctx.as_of)
    reason = rejection(dropped, findings, settings.inbox.reject)
    if reason:
        return _reject(staged, name, digest, department, dropped, findings, reason, ctx, ledger, inbox)
    return _accept(staged, name, digest, department, dropped, findings, replaced, ctx, ledger, cache, inbox)


def department_of_name(name: str) -> str:
    """The department a file name stands for: `客服部 (2).xlsx` -> 客服部."""
    stem = Path(name).stem.strip()
    return _COPY_SUFFIX.sub("", stem).strip() or stem


def department_of(workbook: WorkbookData) -> str:
    """The department a workbook belongs to: the one most of its tasks name, else its file name."""
    named = Counter(r.department for t in workbook.tables_of("tasks") for r in t.records if r.department)
    if named:
        return named.most_common(1)[0][0]
    return workbook.department


def _inputs_of(department: str, inputs: Path, settings: Settings, cache: InputCache) -> list[Path]:
    """The current inputs holding `department` (by name, else by the department their tasks name)."""
    found = []
    for path in cache.files(inputs):
        if department_of_name(path.name) == department:
            found.append(path)
            continue
        book = cache.read(path, settings)
        if book.readable and department_of(book) == department:
            found.append(path)
    return found


def _findings_of(dropped: WorkbookData, others: list[WorkbookData], as_of: date) -> tuple[Finding, ...]:
    """The dropped workbook's findings, judged with the accepted set (IDs unique across files)."""
    batch = Batch(workbooks=[*others, dropped], findings=[])
    mine = list(dropped.findings) + [f for f in validate_batch(batch, as_of) if f.file == dropped.file]
    return tuple(sort_findings(mine))


def rejection(workbook: WorkbookData, findings: tuple[Finding, ...], policy: str) -> str:
    """Why a dropped workbook is rejected ("" when it is accepted): the rejection policy."""
    if not workbook.readable:
        return "unreadable"
    if not workbook.tables:
        return "no-tracker-sheet"
    if policy == "errors" and any(f.is_error for f in findings):
        return "errors"
    return ""


# ------------------------------------------------------------------ accepted

def _accept(staged: Path, name: str, digest: str, department: str, dropped: WorkbookData,
            findings: tuple[Finding, ...], replaced: list[Path], ctx: DropContext, ledger: Ledger,
            cache: InputCache, inbox: Path) -> Dropped:
    settings = ctx.settings
    inputs = settings.resolve(settings.paths.inputs)
    inputs.mkdir(parents=True, exist_ok=True)
    target = _target(department, name, replaced, inputs)
    versions = settings.resolve(settings.paths.archive) / VERSIONS / _safe(department)
    for old in replaced:
        if old.exists() and not (old == target and sha256_of(old) == digest):   # a resumed drop: already in place
            _keep_version(old, versions, ctx.stamp, settings.inbox.versions_keep)
            if old != target:
                old.unlink(missing_ok=True)
            cache.books.pop(old, None)
    if not (target.exists() and sha256_of(target) == digest):
        _copy_into_place(staged, target)
    notes = ""
    if findings:
        notes = _write_notes(staged, name, department, findings, ctx, inbox / ACCEPTED / ctx.now.strftime("%Y-%m-%d"),
                             accepted=True)
    entry = InboxEntry(digest, name, department, "accepted", "", str(target), ctx.now, False,
                       "pending" if findings and settings.inbox.notify_submitter else "", 0)
    ledger.record(entry)
    _unstage(staged)
    log.info("%s: accepted as %s (%d finding(s))", name, target, len(findings))
    notice = _notify(entry, Path(notes) if notes else None, ctx, ledger) if entry.notice == "pending" else ""
    return Dropped(name, digest, "accepted", department, target, findings, notice=notice)


def _target(department: str, name: str, replaced: list[Path], inputs: Path) -> Path:
    suffix = Path(name).suffix.lower()
    for old in replaced:
        if old.suffix.lower() == suffix:
            return old
    return inputs / f"{_safe(department)}{suffix}"


def _safe(name: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return cleaned or "department"


def _keep_version(old: Path, versions: Path, stamp: str, keep: int) -> None:
    if keep <= 0:
        return
    versions.mkdir(parents=True, exist_ok=True)
    kept = sorted((p for p in versions.iterdir() if p.is_file() and p.name.startswith(old.stem + " ")),
                  key=lambda p: p.stat().st_mtime_ns)
    if kept and sha256_of(kept[-1]) == sha256_of(old):
        return                                   # kept already, by a run a crash stopped before the replace
    target = versions / f"{old.stem} {stamp}{old.suffix}"
    n = 2
    while target.exists():
        target = versions / f"{old.stem} {stamp} ({n}){old.suffix}"
        n += 1
    shutil.copy2(old, target)
    kept = sorted((p for p in versions.iterdir() if p.is_file() and p.name.startswith(old.stem + " ")),
                  key=lambda p: p.stat().st_mtime_ns)
    for extra in kept[:-keep]:
        extra.unlink(missing_ok=True)


INCOMING = ".incoming-"


def remove_leftovers(inputs: Path) -> list[Path]:
    """Temporary copies a killed watcher left in the inputs folder (hidden, never read); removed
    on start, when this watcher holds the inbox lock and no copy can be in flight."""
    if not inputs.is_dir():
        return []
    found = [p for p in inputs.glob(f"{INCOMING}*") if p.is_file()]
    for path in found:
        path.unlink(missing_ok=True)
        log.info("%s: removed (left by a watcher that was stopped mid-copy)", path.name)
    return found


def _copy_into_place(source: Path, target: Path) -> None:
    """Copy to a temporary file beside `target`, then replace it in one step."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=INCOMING, suffix=target.suffix)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


# ------------------------------------------------------------------ rejected and duplicates

def _reject(staged: Path, name: str, digest: str, department: str, dropped: WorkbookData,
            findings: tuple[Finding, ...], why: str, ctx: DropContext, ledger: Ledger, inbox: Path) -> Dropped:
    folder = inbox / REJECTED / ctx.now.strftime("%Y-%m-%d")
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / name
    if not (copy.exists() and sha256_of(copy) == digest):
        copy = _free_name(folder, name)
        shutil.copy2(staged, copy)
    reason = reason_line(why, findings, ctx.lang)
    notes = _write_notes(copy, copy.name, department, findings, ctx, folder, accepted=False, why=reason)
    notify = ctx.settings.inbox.notify_submitter
    entry = InboxEntry(digest, name, department, "rejected", reason, str(copy), ctx.now, True,
                       "pending" if notify else "", 0)
    ledger.record(entry)
    _unstage(staged)
    log.warning("%s: rejected (%s) -> %s", name, reason, folder)
    notice = _notify(entry, Path(notes), ctx, ledger) if notify else ""
    return Dropped(name, digest, "rejected", department, copy, findings, reason, notice)


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    n = 2
    while target.exists():
        target = folder / f"{Path(name).stem} ({n}){Path(name).suffix}"
        n += 1
    return target


def reason_line(why: str, findings: tuple[Finding, ...], lang: str) -> str:
    """One sentence saying why a file was rejected, in `lang`."""
    first = next((f for f in findings if f.is_error), findings[0] if findings else None)
    detail = first.message(lang) if first is not None else ""
    errors = sum(f.is_error for f in findings)
    return text(f"inbox.why.{why}", lang, detail=detail, errors=errors)


def _write_notes(source: Path, name: str, department: str, findings: tuple[Finding, ...], ctx: DropContext,
                 folder: Path, *, accepted: bool, why: str = "") -> str:
    """The reason (or findings) file and, for xlsx workbooks, an annotated copy. The notes' path."""
    from ..outputs.annotate import write_annotated_copy

    folder.mkdir(parents=True, exist_ok=True)
    lang = ctx.lang
    stem = Path(name).stem
    lines = [text("inbox.notes.accepted" if accepted else "inbox.notes.rejected", lang, file=name,
                  department=department, when=ctx.now.strftime("%Y-%m-%d %H:%M"))]
    if why:
        lines += ["", text("inbox.notes.why", lang, reason=why)]
    if findings:
        lines += ["", text("inbox.notes.findings", lang, count=len(findings))]
        lines += [f"  {f.place(lang)}: {f.message(lang)}" for f in findings]
    notes = folder / f"{stem}.{text('inbox.notes.suffix', lang)}.txt"
    notes.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    try:
        write_annotated_copy(source, list(findings), folder, lang,
                             name=f"{stem}.{text('inbox.notes.annotated', lang)}{Path(name).suffix}",
                             limits=ctx.settings.limits)
    except (FileRejected, ToolkitError, OSError) as exc:
        log.info("%s: no annotated copy (%s)", name, exc)
    return str(notes)


def _duplicate(path: Path, digest: str, earlier: InboxEntry, ctx: DropContext, inbox: Path,
               ledger: Ledger) -> Dropped:
    """The same content again: moved to rejected/<date>/ with a note, counted, not processed."""
    folder = inbox / REJECTED / ctx.now.strftime("%Y-%m-%d")
    folder.mkdir(parents=True, exist_ok=True)
    first = text("inbox.first_seen", ctx.lang, name=earlier.name, when=earlier.processed.strftime("%Y-%m-%d %H:%M"),
                 status=text(f"inbox.status.{earlier.status}", ctx.lang))
    reason = text("inbox.why.duplicate", ctx.lang, first=first)
    target = _free_name(folder, path.name)
    try:
        os.replace(path, target)
    except OSError:
        return Dropped(path.name, digest, "duplicate", earlier.department, None, reason=reason, first_seen=first)
    (folder / f"{target.stem}.{text('inbox.notes.suffix', ctx.lang)}.txt").write_text(reason + "\n",
                                                                                         encoding="utf-8-sig")
    ledger.count_duplicate(digest)
    log.info("%s: duplicate of %s", path.name, first)
    return Dropped(path.name, digest, "duplicate", earlier.department, folder, reason=reason, first_seen=first)


# ------------------------------------------------------------------ telling the submitter

def submitter_addresses(department: str, settings: Settings, dropped: WorkbookData | None = None,
                        cache: InputCache | None = None) -> tuple[str, ...]:
    """The Email of every Team member of `department`, from the inputs (and the dropped file)."""
    books = []
    if dropped is not None:
        books.append(dropped)
    cache = cache or InputCache()
    books += [cache.read(p, settings) for p in cache.files(settings.resolve(settings.paths.inputs))]
    found: list[str] = []
    for book in books:
        for table in book.tables_of("team"):
            for record in table.records:
                email = str(record.values.get("email") or "").strip()
                dept = str(record.values.get("department") or record.department or "").strip()
                if email and dept == department and email not in found:
                    found.append(email)
    return tuple(found)


def _notify(entry: InboxEntry, notes: Path | None, ctx: DropContext, ledger: Ledger) -> str:
    """Email the submitter; the ledger remembers a notice still owed, so a crash only delays it."""
    from .. import deliver

    settings = ctx.settings
    # the department's own people; else whoever [email.to] rejected names; never leadership by default
    to = submitter_addresses(entry.department, settings, None) or settings.email.to.rejected
    attachments = []
    if notes is not None and notes.exists():
        attachments.append(notes)
        stem = notes.name[: -len(f".{text('inbox.notes.suffix', ctx.lang)}.txt")]
        attachments += sorted(notes.parent.glob(f"{stem}.{text('inbox.notes.annotated', ctx.lang)}.*"))[:1]
    if not to:
        ledger.set_notice(entry.sha256, "nobody")
        return "nobody"
    try:
        if entry.status == "rejected":
            result = deliver.send_report("rejected", ctx.now.strftime("%Y-%m-%d"), attachments, settings, ctx.lang,
                                         env=ctx.env, now=ctx.now.astimezone(), to=to,
                                         fields={"file": entry.name, "department": entry.department,
                                                 "reasons": entry.reason})
        else:
            result = deliver.send_files(attachments, to, settings, ctx.lang,
                                        subject=text("inbox.mail.findings.subject", ctx.lang, file=entry.name),
                                        body=text("inbox.mail.findings.body", ctx.lang, file=entry.name),
                                        env=ctx.env, now=ctx.now.astimezone())
    except ToolkitError as exc:
        log.warning("%s: the notice to %s could not be sent: %s", entry.name, ", ".join(to), exc.message("en"))
        ledger.set_notice(entry.sha256, "failed")
        return "failed"
    ledger.set_notice(entry.sha256, "sent")
    return result.status


def _resend_notices(ctx: DropContext, ledger: Ledger) -> None:
    """Notices owed from before a crash (the row was written, the email not yet sent)."""
    for entry in ledger.entries(notice="pending"):
        if entry.status == "rejected":
            folder, stem = Path(entry.target).parent, Path(entry.target).stem
        else:
            folder = inbox_folder(ctx.settings) / ACCEPTED / entry.processed.strftime("%Y-%m-%d")
            stem = Path(entry.name).stem
        notes = folder / f"{stem}.{text('inbox.notes.suffix', ctx.lang)}.txt"
        _notify(entry, notes if notes.exists() else None, ctx, ledger)


# ------------------------------------------------------------------ the burst's consolidation

def pending_consolidation(ledger: Ledger) -> list[InboxEntry]:
    return ledger.entries(status="accepted", consolidated=False)


def consolidate_accepted(settings: Settings, as_of: date, *, ledger: Ledger, stamp: str, lang: str | None = None,
                         lock_timeout: float = 600.0):
    """Re-consolidate the master once for every accepted file it has not taken in; the Run
    (None when there was nothing to take in)."""
    from .. import pipeline

    waiting = pending_consolidation(ledger)
    if not waiting:
        return None
    run = pipeline.run_consolidation(None, settings, as_of, stamp=stamp, lang=lang, lock_timeout=lock_timeout)
    ledger.mark_consolidated([e.sha256 for e in waiting])
    return run


__all__ = ["Dropped", "InboxResult", "InputCache", "Settling", "candidates", "consolidate_accepted",
           "department_of", "department_of_name", "is_skipped", "pending_consolidation", "process_inbox",
           "rejection", "settle", "sha256_of", "submitter_addresses", "take", "SPREADSHEET_SUFFIXES"]
