"""The rule for names people give things (views, users, entities, field labels) and for showing any stored text.

A name is read by other people in lists, on screens and in the history, so it may hold no character that does not
show as itself: control characters (Unicode category Cc: line breaks, escapes), format characters (Cf: bidi
overrides such as U+202E that reverse what follows, zero-width spaces that make "All customers" and "All
customers\u200b" two different views that look the same) and line or paragraph separators (Zl, Zp).
`check_name` refuses them; `shown` writes them visibly, as ⟨U+202E⟩, wherever a stored text reaches the user.
"""

from __future__ import annotations

import unicodedata

from core.errors import InvalidValue
from core.i18n import _

_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def hidden_characters(text: str) -> list[str]:
    """The characters of `text` that do not show as themselves, in order, each once."""
    return list(dict.fromkeys(ch for ch in text if unicodedata.category(ch) in _HIDDEN_CATEGORIES))


def code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def check_name(text: str, what: str, fix: str | None = None) -> str:
    """`text` trimmed; InvalidValue naming the first character that would not show (`what`: "A view name", in the
    user's language: the caller translates it, as `fix`)."""
    clean = text.strip()
    hidden = hidden_characters(clean)
    if hidden:
        name = unicodedata.name(hidden[0], "") or _("a control character")
        raise InvalidValue(
            _("{what} cannot hold {code} ({name}), which does not show").format(
                what=what, code=code(hidden[0]), name=name.lower()
            ),
            fix or _("Type it again without it"),
        )
    return clean


def shown(text: str) -> str:
    """`text` with every character that would not show as itself written as ⟨U+XXXX⟩: a file name holding a line
    break prints on one line, a bidi override cannot reverse the rest of the line."""
    if not any(unicodedata.category(ch) in _HIDDEN_CATEGORIES for ch in text):
        return text
    return "".join(f"⟨{code(ch)}⟩" if unicodedata.category(ch) in _HIDDEN_CATEGORIES else ch for ch in text)
