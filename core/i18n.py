"""Which language custbook speaks, and its words in that language (gettext catalogues).

Every user-facing sentence is written in English in the source, wrapped in `_()` (or `ngettext()` for a count,
`N_()` where the text is a module constant translated where it is shown), extracted with Babel into
`core/locale/custbook.pot`, translated in `core/locale/LANG/LC_MESSAGES/custbook.po` and compiled to `.mo` when the
package is built or installed (setup.py). The language is chosen once per process (cli.md: `--lang`, then
`$CUSTBOOK_LANG`, the user's stored choice, the locale, English) and can be switched for a while on one thread
(`using_language`: the job worker writes each job's results in its submitter's language).

Placeholders are named (`{count}`, `{name}`) and filled after translation, so that a translation may move them.
Pure standard library (gettext): Babel is imported only to format numbers and dates (core.regional) and, when a
`.po` is newer than its compiled `.mo` (a translator at work), to compile it in memory.
"""

from __future__ import annotations

import gettext as _gettext
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
    import contextlib
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as stream, contextlib.redirect_stdout(io.StringIO()):
        catalogue = read_po(stream)  # a .po being edited may draw warnings, which Babel prints: not on our output
    drop_untranslated(catalogue)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def drop_untranslated(catalogue: Any) -> None:
    """Leave out the texts not translated yet (Babel writes an untranslated plural as empty forms, which would hide
    the English, or another catalogue's translation, behind an empty sentence)."""
    for message in list(catalogue):
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(forms) or message.fuzzy:
            catalogue.delete(message.id, message.context)


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
