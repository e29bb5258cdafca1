"""Plain words for why a file cannot be read, in English and Chinese, instead of a library's own
text ("Cfb error: Sector 4294967039", "Relationships", "File is not a zip file").

The library's text is kept in the finding's `detail` parameter (for --json and --debug), never
in the message people read.
"""
from __future__ import annotations

import errno

from ..errors import Bilingual
from ..i18n import TEXT


def _words(key: str) -> Bilingual:
    return Bilingual(*TEXT[f"reason.{key}"])


def detail(exc: object) -> str:
    """The first line of a library's message, short (kept for people who debug)."""
    text = str(exc).strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


def plain_reason(exc: object) -> Bilingual:
    """What went wrong, in words a department can act on."""
    if isinstance(exc, MemoryError):
        return _words("too_big")
    if isinstance(exc, PermissionError) or getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM):
        return _words("denied")
    if isinstance(exc, OSError) and not str(exc).lower().startswith(("bad", "file is not")):
        return _words("io")
    lower = detail(exc).lower()
    if any(word in lower for word in ("cfb", "ole", "sector", "biff", "fat ", "codepage", "xls")):
        return _words("ole")
    if any(word in lower for word in ("zip", "crc", "deflate", "compress", "cut short", "header", "offset",
                                      "central directory", "truncat", "eof", "end of")):
        return _words("zip")
    if any(word in lower for word in ("xml", "tag", "attribute", "utf", "encoding", "syntax")):
        return _words("xml")
    if any(word in lower for word in ("relationship", "missing", "not found", "part", "sheet", "workbook")):
        return _words("parts")
    return _words("format")
