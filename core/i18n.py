"""Which language custbook speaks, and its words in that language (gettext catalogues).

Every user-facing sentence is written in English in the source, wrapped in `_()` (or `ngettext()` for a count,
`N_()` where the text is a module constant translated where it is shown), extracted with Babel into
`core/locale/custbook.pot`, translated in `core/locale/LANG/LC_MESSAGES/custbook.po` and compiled to `.mo` when the
package is built or installed (setup.py). The language is chosen once per process (cli.md: `--lang`, then
`$CUSTBOOK_LANG`, the user's stored choice, the locale, English) and can be switched for a while on one thread
(`using_language`: the job worker writes each job's results in its submitter's language).

Placeholders are named (`{count}`, `{name}`) and filled after translation, so that a translation may move them.
Pure standard library (gettext): Babel is imported only to format numbers and dates (core.regional). A `.po`
newer than its `.mo` (a source checkout, a translator at work) is read directly by `_PoCatalogue`, also without
Babel, so a dry run never pays for it.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

LANGUAGES = ("en", "fr")
DOMAIN = "custbook"
LOCALE_DIR = Path(__file__).with_name("locale")

_process_language = "en"
_local = threading.local()  # a thread's own language while `using_language` runs on it
_catalogues: dict[str, _gettext.NullTranslations] = {}
_lock = threading.Lock()


def N_(message: str) -> str:
    """Marks a module constant for extraction; it is translated where it is shown, with `_()`."""
    return message


def current_language() -> str:
    return getattr(_local, "language", None) or _process_language


def set_language(language: str) -> None:
    """The language of the whole process from now on (checked: `en` or `fr`)."""
    global _process_language
    _process_language = checked_language(language)


@contextmanager
def using_language(language: str) -> Iterator[None]:
    """Speak `language` on this thread for a while (a queued job's results, in its submitter's language)."""
    previous = getattr(_local, "language", None)
    _local.language = checked_language(language)
    try:
        yield
    finally:
        _local.language = previous


def checked_language(language: str) -> str:
    code = (language or "").strip().lower().replace("-", "_").split("_")[0]
    if code not in LANGUAGES:
        from core.errors import UsageError

        raise UsageError(
            _("'{language}' is not a language custbook speaks").format(language=language),
            _("Use --lang en (English) or --lang fr (French)"),
        )
    return code


def language_of_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the locale asks for (LC_ALL, LC_MESSAGES, LANG, as the C library reads them), if custbook
    speaks it: 'fr_BE.UTF-8' is French; C, POSIX and languages custbook lacks give None."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            code = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return code if code in LANGUAGES else None
    return None


def resolve_language(
    option: str | None = None, stored: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """cli.md's order: `--lang`, else $CUSTBOOK_LANG, else the user's stored choice, else the locale, else English.
    An explicit choice that custbook does not speak is a usage error; a stored or locale one is passed over."""
    env = os.environ if environ is None else environ
    if option:
        return checked_language(option)
    if env.get("CUSTBOOK_LANG"):
        return checked_language(env["CUSTBOOK_LANG"])
    if stored and stored in LANGUAGES:
        return stored
    return language_of_locale(env) or "en"


def _catalogue(language: str) -> _gettext.NullTranslations:
    found = _catalogues.get(language)
    if found is not None:
        return found
    with _lock:
        if language not in _catalogues:
            _catalogues[language] = _load(language)
        return _catalogues[language]


def _load(language: str) -> _gettext.NullTranslations:
    """The language's catalogues: `custbook.po` and any other `.po` beside it (a part being translated), each
    from its compiled `.mo` when that is up to date, else compiled in memory (a source checkout at work)."""
    if language == "en":
        return _gettext.NullTranslations()
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    sources = sorted(folder.glob("*.po"), key=lambda p: (p.stem != DOMAIN, p.name))
    compiled = [mo for mo in sorted(folder.glob("*.mo")) if not mo.with_suffix(".po").exists()]
    chain: _gettext.NullTranslations | None = None
    for path in [*sources, *compiled]:
        one = _one_catalogue(path)
        if chain is None:
            chain = one
        else:
            chain.add_fallback(one)
    return chain or _gettext.NullTranslations()


def _one_catalogue(path: Path) -> _gettext.NullTranslations:
    mo = path.with_suffix(".mo")
    po = path.with_suffix(".po")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as stream:
            return _gettext.GNUTranslations(stream)
    return _compiled(po)


def _compiled(po: Path) -> _gettext.NullTranslations:
    """A .po read directly (a source checkout whose .po changed since it was built), without Babel: a process that
    only reads must not pay Babel's import. Untranslated and fuzzy entries are left out, as the compiler does."""
    return _PoCatalogue(po.read_text(encoding="utf-8"))


_PO_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
_PO_MORE = re.compile(r'^"(.*)"\s*$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), text)


class _PoCatalogue(_gettext.NullTranslations):
    """gettext's lookups over a .po's text: msgctxt, msgid, msgid_plural, msgstr and msgstr[N], continued lines."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._messages: dict[tuple[str | None, str], tuple[str, ...]] = {}
        self._plural: Callable[[int], int] = lambda n: int(n != 1)
        entry: dict[str, Any] = {}
        last = ""

        def flush() -> None:
            if "msgid" in entry:
                forms = tuple(entry.get("forms", {}).get(i, "") for i in range(len(entry.get("forms", {}))))
                fuzzy = entry.get("fuzzy", False)
                if entry["msgid"] == "":
                    self._header(forms[0] if forms else "")
                elif forms and all(forms) and not fuzzy:
                    self._messages[(entry.get("msgctxt"), entry["msgid"])] = forms
            entry.clear()

        for line in text.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                flush()
                entry["fuzzy"] = True
                continue
            if not line.strip() or line.startswith("#"):
                continue
            match = _PO_LINE.match(line)
            if match:
                keyword, index, value = match[1], match[2], _unquote(match[3])
                if keyword in ("msgctxt", "msgid") and "msgid" in entry and "forms" in entry:
                    fuzzy = entry.get("fuzzy") and keyword == "msgctxt"
                    flush()
                    if fuzzy:
                        entry["fuzzy"] = True
                if keyword.startswith("msgstr"):
                    entry.setdefault("forms", {})[int(index or 0)] = value
                    last = f"msgstr{int(index or 0)}"
                else:
                    entry[keyword] = value
                    last = keyword
                continue
            more = _PO_MORE.match(line)
            if more:
                value = _unquote(more[1])
                if last.startswith("msgstr"):
                    entry["forms"][int(last[6:])] += value
                else:
                    entry[last] += value
        flush()

    def _header(self, header: str) -> None:
        rule = re.search(r"plural=([^;\n]+)", header)
        if rule:
            self._plural = _gettext.c2py(rule[1].strip())

    def gettext(self, message: str) -> str:
        found = self._messages.get((None, message))
        if found:
            return found[0]
        fallback = self._next()
        return fallback.gettext(message) if fallback else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._messages.get((None, msgid1))
        if found:
            return found[min(self._plural(n), len(found) - 1)]
        fallback = self._next()
        if fallback:
            return fallback.ngettext(msgid1, msgid2, n)
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        found = self._messages.get((context, message))
        if found:
            return found[0]
        fallback = self._next()
        return fallback.pgettext(context, message) if fallback else message

    def _next(self) -> _gettext.NullTranslations | None:
        return cast("_gettext.NullTranslations | None", getattr(self, "_fallback", None))


def _(message: str) -> str:
    """`message` in the current language (itself in English, or when no translation exists)."""
    language = current_language()
    if language == "en" or not message:
        return message
    return _catalogue(language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a sentence for the count `n` in the current language (French: 0 and 1 take the singular)."""
    language = current_language()
    if language == "en":
        return singular if n == 1 else plural
    return _catalogue(language).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` where the same English word needs two translations (context 'button' vs 'title')."""
    language = current_language()
    if language == "en":
        return message
    return _catalogue(language).pgettext(context, message)


def group_digits(n: int) -> str:
    """A count with its thousands grouped as the language writes them: '24,000' in English, '24 000' in French
    (a narrow no-break space, as French typography and CLDR have it). Counts in sentences only: amounts and dates
    on screen follow the region (core.regional)."""
    text = f"{n:,}"
    return text.replace(",", "\u202f") if current_language() == "fr" else text
