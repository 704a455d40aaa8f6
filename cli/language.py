"""The language the `custbook` command speaks (cli.md: `--lang`, else $CUSTBOOK_LANG, else the acting user's stored
choice, else the locale, else English), and argparse's own words in it.

The language is chosen twice: first from the arguments, the environment and the locale, before the parser is built
(so that `--help` and usage errors speak it), then, once a command knows its acting user, from the user's stored
choice when neither `--lang` nor $CUSTBOOK_LANG said otherwise.

argparse looks its module-level `_` and `ngettext` up each time it speaks ("usage:", "options:", "the following
arguments are required: %s"); `speak_argparse` points them at custbook's catalogue. Its texts are listed below with
`N_` so that extraction finds them and the French catalogue translates them (the English ones are argparse's own,
word for word).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from core.errors import UsageError
from core.i18n import N_, _, language_of_locale, ngettext, resolve_language, set_language
from core.users import User

# argparse's messages (Python 3.11), as argparse writes them: its `_()` finds them in our catalogue by these ids.
ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("%(prog)s: error: %(message)s\n"),
)


def _argparse_plurals(n: int) -> tuple[str, ...]:
    """Never called: argparse's plural messages, written as ngettext calls so that extraction finds both forms."""
    return (
        ngettext("expected %s argument", "expected %s arguments", n),
        ngettext("conflicting option string: %s", "conflicting option strings: %s", n),
    )


def speak_argparse() -> None:
    """argparse's words from custbook's catalogue, in the current language."""
    setattr(argparse, "_", _)  # noqa: B010  (typeshed does not declare argparse's module-level `_`)
    setattr(argparse, "ngettext", ngettext)  # noqa: B010


def asked_language(words: Sequence[str]) -> str | None:
    """The value of the last `--lang X` or `--lang=X` among the arguments, read before argparse reads them."""
    asked = None
    for i, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and i + 1 < len(words):
            asked = words[i + 1]
        elif word.startswith("--lang="):
            asked = word.partition("=")[2]
    return asked


def choose_first(asked: str | None) -> None:
    """Speak what `--lang`, $CUSTBOOK_LANG or the locale ask for (the user's stored choice comes later). A language
    custbook does not speak is a usage error, said in the language the rest would choose."""
    try:
        language = resolve_language(asked)
    except UsageError:
        try:
            set_language(resolve_language(None) if asked else language_of_locale() or "en")
        except UsageError:  # $CUSTBOOK_LANG is wrong too
            set_language(language_of_locale() or "en")
        raise
    set_language(language)


def explicit(asked: str | None) -> bool:
    """Whether `--lang` or $CUSTBOOK_LANG chose the language: then the user's stored choice does not apply."""
    return bool(asked) or bool(os.environ.get("CUSTBOOK_LANG"))


def adopt_user_language(args: argparse.Namespace, user: User) -> None:
    """Speak the acting user's stored language (chosen in the interface) unless `--lang` or $CUSTBOOK_LANG chose."""
    asked = getattr(args, "lang", None)
    if not explicit(asked):
        set_language(resolve_language(None, user.language))
