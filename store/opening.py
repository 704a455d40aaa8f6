"""Which store a location names: the one place the front ends get a store, as `store.base.CustomerStore`.

A PostgreSQL URL (`postgresql://...`, `postgres://...`) names a database on a server (`store.pg`, loaded only then:
a DuckDB command never imports psycopg); anything else is a DuckDB file's path (`store.duck`).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from store.db import release_warm

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from core.users import User
    from store.base import CustomerStore
    from store.records import Copied


def is_database_url(location: str | os.PathLike[str]) -> bool:
    """Whether `location` names a PostgreSQL database rather than a DuckDB file."""
    return str(location).startswith(("postgresql://", "postgres://"))


def open_store(
    location: str | os.PathLike[str], *, busy_seconds: float | None = None, create: bool = False
) -> CustomerStore:
    """A handle on the store at `location`: cheap, opens nothing until a repository reads or writes. `create`:
    `custbook init`, which alone makes an empty PostgreSQL database a store (a DuckDB file's creation is checked
    before, by services.stores)."""
    if is_database_url(location):
        from store.pg import PgStore

        return PgStore(str(location), busy_seconds=busy_seconds, create=create)
    from store.duck import DuckStore

    return DuckStore(location, busy_seconds=busy_seconds)


def copy_store(source: str, target: str, *, user: User) -> Copied:
    """Copy the whole store at `source` into the new or empty store at `target`, either a DuckDB path or a
    PostgreSQL URL (`store.copying`): the copy is exact, in one transaction on `target`."""
    from store.copying import copy_store as copy

    return copy(source, target, user=user)


def let_go_all() -> None:
    """Close whatever this process keeps open of any store between operations (a command that has answered)."""
    release_warm()
    pg_db = sys.modules.get("store.pg_db")  # loaded only by a command that opened a PostgreSQL store
    if pg_db is not None:
        pg_db.release_pools()
