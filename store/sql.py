"""What the store's modules need of a database connection, whichever database it is: DuckDB or PostgreSQL.

The modules that own tables (users, views, mappings, entities, fields, settings, jobs, history...) write their SQL
once, in the subset both databases read alike, with `?` for each parameter (and `$name` with a dict), as DuckDB
takes them. They open connections through a `Database` (`read()`, `write()`), which yields a `Connection`: a DuckDB
connection as it is, or `PgConnection`, which hands the same SQL to psycopg with its placeholders (`%s`,
`%(name)s`). Where the two databases differ (folding text, regular expressions, the import's bulk steps), a module
asks `is_postgres(con)` or the PostgreSQL store has a module of its own (`store.pg_*`).

May import: core. psycopg is imported by the PostgreSQL store only, never here at module level.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Any, Protocol

from core.catalogue import Catalogue
from core.errors import InvalidValue
from core.i18n import _


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ...) -> list[Any]: ...


class Connection(Protocol):
    """A connection as the table modules use it: `execute` returns something to fetch rows from."""

    def execute(self, query: str, parameters: Any = ...) -> Any: ...

    def executemany(self, query: str, parameters: Any = ...) -> Any: ...


class Database(Protocol):
    """A store's opening of connections (`store.db.Store` for DuckDB, `store.pg.PgDatabase` for PostgreSQL)."""

    def read(self, *, warm: bool = False) -> AbstractContextManager[Any]: ...

    def write(self) -> AbstractContextManager[Any]: ...


# The session setting by which custbook's own connections to a PostgreSQL store say they are custbook (store.pg_db
# sets it; store.pg_roles's trigger refuses customers' writes without it).
THROUGH_CUSTBOOK = "custbook.client"


class PgConnection:
    """A psycopg connection that takes custbook's SQL as DuckDB does: `?` and `$name` placeholders, `%` as itself.

    Rows come back as tuples of Python values (Decimal, date, datetime, bool, str), as DuckDB gives them."""

    dialect = "postgresql"

    def __init__(self, raw: Any) -> None:
        self.raw = raw  # the psycopg.Connection, for COPY and what only PostgreSQL has

    def execute(self, query: str, parameters: Any = None) -> Any:
        if parameters is None:  # psycopg reads placeholders (and %) only when given parameters
            return self.raw.execute(query)
        return self.raw.execute(to_psycopg(query), parameters)

    def executemany(self, query: str, parameters: Any = None) -> Any:
        cursor = self.raw.cursor()
        cursor.executemany(to_psycopg(query), parameters or [])
        return cursor


def is_postgres(con: object) -> bool:
    """Whether `con` is a PostgreSQL connection (else DuckDB's)."""
    return getattr(con, "dialect", None) == "postgresql"


def upsert(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """INSERT ... ON CONFLICT (key) DO UPDATE: the one spelling of "insert or replace" both databases take."""
    cols = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    rest = [c for c in columns if c not in key]
    action = "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in rest) if rest else "DO NOTHING"
    return f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT ({', '.join(key)}) {action}"


def quote_ident(field_id: str, catalogue: Catalogue | None = None, *, extra: tuple[str, ...] = ()) -> str:
    """The one way an identifier enters SQL: checked against the catalogue (or a fixed internal list), quoted."""
    known = field_id in extra or (catalogue is not None and field_id in catalogue)
    if not known:
        raise InvalidValue(
            _("'{field}' is not a customer field").format(field=field_id),
            _("Use `custbook fields list` to see the field IDs"),
        )
    return '"' + field_id.replace('"', '""') + '"'


def _scan(sql: str) -> Iterator[tuple[str, bool]]:
    """The SQL in pieces, each with whether it is outside quotes ('text', "identifier")."""
    i, n = 0, len(sql)
    start = 0
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            if start < i:
                yield sql[start:i], True
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:  # a doubled quote inside
                        end += 2
                        continue
                    break
                end += 1
            yield sql[i : end + 1], False
            i = start = end + 1
            continue
        i += 1
    if start < n:
        yield sql[start:], True


@lru_cache(maxsize=4096)
def to_psycopg(sql: str) -> str:
    """DuckDB's placeholders as psycopg's: `?` -> `%s`, `$name` -> `%(name)s`, outside quotes; `%` -> `%%`."""
    out: list[str] = []
    for piece, outside in _scan(sql):
        piece = piece.replace("%", "%%")
        if outside:
            piece = piece.replace("?", "%s")
            if "$" in piece:
                piece = _named(piece)
        out.append(piece)
    return "".join(out)


def _named(piece: str) -> str:
    out: list[str] = []
    i, n = 0, len(piece)
    while i < n:
        ch = piece[i]
        if ch == "$" and i + 1 < n and (piece[i + 1].isalpha() or piece[i + 1] == "_"):
            end = i + 1
            while end < n and (piece[end].isalnum() or piece[end] == "_"):
                end += 1
            out.append(f"%({piece[i + 1 : end]})s")
            i = end
            continue
        out.append(ch)
        i += 1
    return "".join(out)
