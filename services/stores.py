"""Which store a command works on, and the rule of cli.md for a store that is not there: a missing DuckDB file is
created only by `init` (or by the interface after asking); any other command fails with exit 4 naming the path and
creates nothing. A mistyped `--db` then says so instead of answering from a new, empty store.

May import core; used by the front ends before they open the store.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import StoreUnreadable
from core.i18n import N_, _
from store.opening import is_database_url


class StoreMissing(StoreUnreadable):
    """There is no store at the given path (exit 4); nothing was created."""

    title = N_("No store here")


def missing_store(location: str) -> Path | None:
    """The path of the DuckDB file `location` names when it does not exist (or is empty, as `touch` leaves it),
    else None. A PostgreSQL URL names no file: its store refuses a database that is not one when opened (exit 4),
    unless it is `custbook init`'s."""
    if is_database_url(location):
        return None
    path = Path(location).expanduser()
    try:
        return None if path.stat().st_size > 0 else path
    except FileNotFoundError:
        return path
    except OSError:
        return None  # unreadable for another reason: opening it says why


def require_store(location: str) -> None:
    """StoreMissing unless there is a store at `location`."""
    path = missing_store(location)
    if path is not None:
        raise StoreMissing(
            _("There is no store at {path}").format(path=path),
            _(
                "Check the path (--db or CUSTBOOK_DB); to create a new store there, run: custbook --db {path} init"
            ).format(path=path),
        )
