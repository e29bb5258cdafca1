"""Every user-facing word, in English and Chinese, in one catalogue split by area.

Each module of this package is one area (`findings`, `errors`, `console`, `master`, …) and
defines `TEXT` (interface words by dotted key) and/or `FINDINGS` (finding messages by finding
code), each entry `(English, 中文)` with `str.format` parameters. They are merged here once;
a key defined in two areas is a bug and stops the import.

`text(key, lang, **params)` formats one interface entry; `finding_text(code, lang, **params)`
one finding message.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

LANGS = ("en", "zh")

TEXT: dict[str, tuple[str, str]] = {}
FINDINGS: dict[str, tuple[str, str]] = {}


def _merge(into: dict[str, tuple[str, str]], entries: dict[str, tuple[str, str]], area: str) -> None:
    twice = sorted(set(into) & set(entries))
    if twice:
        raise RuntimeError(f"i18n area {area!r} defines keys already defined elsewhere: {twice}")
    into.update(entries)


for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    _area = importlib.import_module(f"{__name__}.{_module}")
    _merge(TEXT, getattr(_area, "TEXT", {}), _module)
    _merge(FINDINGS, getattr(_area, "FINDINGS", {}), _module)


def text(key: str, lang: str = "en", /, **params: object) -> str:
    """The interface text `key` in `lang`, formatted with `params`."""
    en, zh = TEXT[key]
    template = zh if lang == "zh" else en
    return template.format(**params) if params else template


def text_in(area: str) -> Callable[..., str]:
    """`text` for the keys of one area: text_in("excel")("button.open_master", lang)."""

    def area_text(key: str, lang: str = "en", /, **params: object) -> str:
        return text(f"{area}.{key}", lang, **params)

    return area_text


def finding_text(code: str, lang: str = "en", /, **params: object) -> str:
    en, zh = FINDINGS[code]
    template = zh if lang == "zh" else en
    try:
        return template.format(**params)
    except (KeyError, IndexError):  # a missing parameter must never hide the finding
        return template
