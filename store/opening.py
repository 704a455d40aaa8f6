"""Which store a location names: the one place the front ends get a store, as `store.base.CustomerStore`.

Today every location is a DuckDB file's path. The PostgreSQL store will be chosen here by its URL
(postgresql://...), and nothing above the store changes.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from store.db import release_warm
from store.duck import DuckStore

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore


def open_store(location: str | os.PathLike[str], *, busy_seconds: float | None = None) -> CustomerStore:
    """A handle on the store at `location`: cheap, opens nothing until a repository reads or writes."""
    return DuckStore(location, busy_seconds=busy_seconds)


def let_go_all() -> None:
    """Close whatever this process keeps open of any store between operations (a command that has answered)."""
    release_warm()
