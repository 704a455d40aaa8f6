"""The user's own preferences, kept with the user in the store: for now the language chosen in the interface's
command palette (cli.md: after `--lang` and `$CUSTBOOK_LANG`, before the locale).

May import `core/` and the store's interface; never textual, rich or the command line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from core.i18n import checked_language
from core.users import User

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore


def set_language(store: CustomerStore, user: User, language: str) -> User:
    """Remember `language` ("en" or "fr", checked) as `user`'s choice; the user as they now are. Switching the
    language the process speaks is the caller's part (the interface does it at once)."""
    code = checked_language(language)
    store.users.set_language(user.name, code)
    return replace(user, language=code)
