"""Copying a whole store into a new, empty one, whichever database either is (`custbook store copy FROM TO`).

Owns what a copy carries and in which order: the custom fields (each created in TO by `store.fields.add_field`, the
path `custbook fields add` takes, so TO's customers table gets its columns as any store does), then the rows of
entities, users, customers (with ROWVERSION and the folded "_SEARCH_TEXT"), batches, changes, views, mappings, jobs
and settings, then the sequences recordno_seq, batch_seq and job_seq set where FROM's were (at least past the copied
maxima), so that the next import or job numbers its batch as FROM would have. The `meta` rows (layout, data
version, search rules, PostgreSQL extras) are TO's own, never copied.

FROM is read in one snapshot (a transaction: nobody's commit lands halfway through). TO is written in one write
transaction: a copy that fails or is interrupted leaves TO as empty as it was (a DuckDB file the copy created is
removed). Rows stream, a chunk at a time, never a whole table in memory: into PostgreSQL through COPY
(`store.pg_copy`), into DuckDB through a temporary CSV read with explicit column types (as `store.staging` stages an
import), lists as JSON text and bytes as hex, so that both survive.

`copy_store` takes locations as `store.opening.open_store` does: it is part of the store's interface for the
services (`services.copying`), which reach no store module behind it. May import: core and the store's modules.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from core.errors import StoreUnreadable, UsageError
from core.i18n import _
from core.users import Permission, User, UserType
from store.records import Copied
from store.sql import Connection, Database, PgConnection, is_postgres

# The tables a copy carries, in this order (custom_fields first, by `_copy_fields`), each read in a fixed order so
# that two copies of one store are the same rows in the same order. `changes` has no key: every column orders it.
TABLES: tuple[tuple[str, str], ...] = (
    ("entities", "id"),
    ("users", "name"),
    ("customers", '"CUSTOMERID"'),
    ("batches", "id"),
    ("changes", "batch, customerid, field, action, old, new"),
    ("views", "owner, name"),
    ("mappings", "owner, name"),
    ("jobs", "id"),
    ("settings", "key"),
)
# Each sequence and the column whose numbers it hands out.
SEQUENCES = (("recordno_seq", "customers", '"RECORDNO"'), ("batch_seq", "batches", "id"), ("job_seq", "jobs", "id"))
# A store is empty when none of these has a row (a DuckDB file init made, a new database).
_EMPTY_TABLES = ("custom_fields", *(table for table, _order in TABLES))
CHUNK = 10_000


def _open(location: str, *, create: bool) -> Any:
    from store.opening import open_store

    return open_store(location, create=create)


def _is_url(location: str) -> bool:
    from store.opening import is_database_url

    return is_database_url(location)


def copy_store(source: str, target: str, *, user: User) -> Copied:
    """Copy the store at `source` into the new or empty store at `target` (a DuckDB path, created if missing, or a
    PostgreSQL URL: an empty database becomes a store). `user`: the acting user, resolved in FROM; only an
    administrator copies a store (it holds every customer, user and job)."""
    user.require_admin(_("copy the store (it holds every customer, user and job)"))
    if not _is_url(source) and not _has_file(source):
        raise StoreUnreadable(
            _("There is no store at {path}").format(path=source), _("Check the path of the store to copy from")
        )
    if _same(source, target):
        raise UsageError(_("A store cannot be copied onto itself"), _("Give another store to copy to"))
    created = None if _is_url(target) or _has_file(target) else Path(target).expanduser()
    from_store = _open(source, create=False)
    to_store = _open(target, create=True)
    try:
        with snapshot(from_store) as src, to_store.write() as dst, _as_owner(dst):
            counts = copy_tables(src, dst, to_store, target_label=to_store.location)
            if is_postgres(dst):
                dst.execute("ANALYZE")  # the planner's statistics for the copied tables, before anyone lists them
    except BaseException:
        if created is not None:  # a DuckDB file this copy made holds nothing worth keeping: no half store is left
            _release(to_store)
            for leftover in (created, created.with_name(created.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    return Copied(from_store.location, to_store.location, counts["customers"], counts["users"], counts["batches"])


def _has_file(location: str) -> bool:
    try:
        return Path(location).expanduser().stat().st_size > 0
    except OSError:
        return False


def _same(source: str, target: str) -> bool:
    if _is_url(source) or _is_url(target):
        return source == target
    a, b = Path(source).expanduser(), Path(target).expanduser()
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _release(store: Any) -> None:
    let_go = getattr(store, "let_go", None)
    if let_go is not None:
        let_go()


@contextmanager
def snapshot(database: Database) -> Iterator[Connection]:
    """A connection reading `database` in one snapshot: every table as of one moment, while others keep writing."""
    with database.read() as con:
        if is_postgres(con):
            con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield con
            finally:
                con.raw.rollback()
        else:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            finally:
                con.execute("ROLLBACK")


def copy_tables(src: Connection, dst: Connection, target: Database, *, target_label: str) -> dict[str, int]:
    """Every table of the store read by `src` into the empty store written by `dst` (inside its transaction), the
    sequences after them. Returns the number of rows copied per table."""
    require_empty(dst, target_label)
    _copy_fields(src, dst, target)
    counts: dict[str, int] = {}
    for table, order in TABLES:
        columns = table_columns(src, table)
        missing = set(columns) - set(table_columns(dst, table))
        if missing:  # both stores are at this program's layout: only a custom field's column could be missing
            raise StoreUnreadable(
                _("The store to copy to has no column {column} in {table}").format(
                    column=", ".join(sorted(missing)), table=table
                ),
                _("Copy into a new store"),
            )
        rows = read_rows(src, f"SELECT {_idents(columns)} FROM {table} ORDER BY {order}")
        counts[table] = insert_rows(dst, table, columns, rows)
    if is_postgres(dst):
        # On PostgreSQL each copied user is also a database role with its grants (cli.md: "Copying to PostgreSQL
        # creates the users' roles and grants"), made here in the same transaction as their rows.
        from store import pg_roles

        for name, utype, can_list, can_add, can_edit, entities in dst.execute(
            "SELECT name, type, can_list, can_add, can_edit, entities FROM users ORDER BY name"
        ).fetchall():
            granted = ((Permission.LIST, can_list), (Permission.ADD, can_add), (Permission.EDIT, can_edit))
            perms = frozenset(p for p, ok in granted if ok)
            kept = None if entities is None else frozenset(entities)
            pg_roles.save_user(cast(PgConnection, dst), name, UserType(utype), perms, kept)
    _copy_sequences(src, dst)
    return counts


@contextmanager
def _as_owner(con: Connection) -> Iterator[None]:
    """On PostgreSQL the copy writes as the store's admin role, its tables' owner: every row goes in, whoever it
    belongs to (row-level security binds an administrator's own role), and COPY is allowed (PostgreSQL refuses it
    into a table with row-level security for anyone bound by it)."""
    if not is_postgres(con):
        yield
        return
    from store import pg_roles

    pg = cast(PgConnection, con)
    with pg_roles.as_admin_role(pg, pg_roles.role_names(pg)[0]):
        yield


def require_empty(con: Connection, label: str) -> None:
    """Refuse (exit 2) a store holding anything a copy would carry: a copy never merges two stores."""
    for table in _EMPTY_TABLES:
        if con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
            raise UsageError(
                _("The store {location} is not empty: a store is copied only into a new, empty one").format(
                    location=label
                ),
                _("Give a new DuckDB file name, or the URL of a new, empty database"),
            )


def _copy_fields(src: Connection, dst: Connection, target: Database) -> None:
    """FROM's custom fields created in TO in FROM's order, each by `add_field` (its row and its customer column)."""
    from store.fields import add_field

    fields = src.execute(
        "SELECT id, type, enum_values, required, label, label_fr FROM custom_fields ORDER BY position"
    ).fetchall()
    inside = in_transaction(target, dst)
    for fid, ftype, values, required, label, label_fr in fields:
        add_field(inside, fid, ftype, values=tuple(values or ()), required=bool(required), label=label,
                  label_fr=label_fr)  # fmt: skip


def in_transaction(database: Database, con: Connection) -> Database:
    """`database` seen from inside the transaction of `con` (the table modules then write through it)."""
    if is_postgres(con):
        from store.pg_db import PgDatabase, PgInTransaction

        assert isinstance(database, PgDatabase) and isinstance(con, PgConnection)
        return PgInTransaction(database, con)
    import duckdb

    from store.db import InTransaction, Store

    assert isinstance(database, Store) and isinstance(con, duckdb.DuckDBPyConnection)
    return InTransaction(database, con)


def table_columns(con: Connection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [str(row[0]) for row in rows]


def _idents(columns: Sequence[str]) -> str:
    # The names come from the database's own catalogue (custom field IDs are letters, digits and underscores).
    return ", ".join('"' + c.replace('"', '""') + '"' for c in columns)


def read_rows(con: Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql` a chunk at a time: a server-side cursor on PostgreSQL (its client cursor would fetch the
    whole result at once), DuckDB's streaming result otherwise."""
    if isinstance(con, PgConnection):
        with con.raw.cursor(name="custbook_copy") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(sql)
            while chunk := cursor.fetchmany(CHUNK):
                yield from chunk
        return
    result = con.execute(sql)
    while chunk := result.fetchmany(CHUNK):
        yield from chunk


def insert_rows(con: Connection, table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """Append `rows` (tuples in the order of `columns`) to `table`; returns how many."""
    if isinstance(con, PgConnection):
        from store.pg_copy import copy_in

        return copy_in(con, table, columns, rows)
    return _duck_insert(con, table, columns, rows)


def _cell(value: object) -> str:
    """One CSV cell as DuckDB's read_csv (allow_quoted_nulls = false) reads it back exactly: NULL unquoted and
    empty, text always quoted (so that an empty text stays empty text), lists as JSON, bytes as hex."""
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return '"' + json.dumps(list(value), ensure_ascii=False).replace('"', '""') + '"'
    return str(value)  # numbers, Decimal, date, datetime: forms DuckDB casts back exactly


def _duck_insert(con: Connection, table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> int:
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = current_schema()",
            [table],
        ).fetchall()
    )
    fd, path = tempfile.mkstemp(prefix="custbook-copy-", suffix=".csv")
    try:
        count = 0
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(",".join(columns) + "\r\n")
            for row in rows:
                out.write(",".join(map(_cell, row)) + "\r\n")
                count += 1
        if count == 0:
            return 0
        spec, select = [], []
        for name in columns:
            sql_type = str(types[name])
            ident = _idents([name])
            if sql_type.endswith("[]"):  # a list arrives as JSON text
                spec.append(f"'{name}': 'VARCHAR'")
                select.append(f"CAST(CAST({ident} AS JSON) AS {sql_type})")
            elif sql_type == "BLOB":  # bytes arrive as hex
                spec.append(f"'{name}': 'VARCHAR'")
                select.append(f"from_hex({ident})")
            else:
                spec.append(f"'{name}': '{sql_type}'")
                select.append(ident)
        con.execute(
            f"INSERT INTO {table} ({_idents(columns)}) SELECT {', '.join(select)} FROM read_csv(?, header = true, "
            f"delim = ',', quote = '\"', escape = '\"', new_line = '\\r\\n', auto_detect = false, "
            f"columns = {{{', '.join(spec)}}}, allow_quoted_nulls = false, max_line_size = 1000000000, "
            "strict_mode = false)",
            [path],
        )
        return count
    finally:
        os.unlink(path)


def _last_value(con: Connection, sequence: str) -> int:
    """The last number `sequence` handed out (0: none yet)."""
    if is_postgres(con):
        row = con.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
        return int(row[0]) if row and row[1] else 0
    row = con.execute(
        # A sequence made again by a copy (START n) has handed out nothing yet: its last number is n - 1.
        "SELECT coalesce(last_value, start_value - 1) FROM duckdb_sequences() "
        "WHERE sequence_name = ? AND schema_name = current_schema()",
        [sequence],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _copy_sequences(src: Connection, dst: Connection) -> None:
    for sequence, table, column in SEQUENCES:
        top = dst.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchone()
        last = max(_last_value(src, sequence), int(top[0]) if top else 0)
        set_sequence(dst, sequence, last)


def set_sequence(con: Connection, sequence: str, last: int) -> None:
    """`sequence`'s next number made `last` + 1."""
    if is_postgres(con):
        if last > 0:
            con.execute("SELECT setval(CAST(? AS regclass), ?, true)", [sequence, last])
        else:
            con.execute("SELECT setval(CAST(? AS regclass), 1, false)", [sequence])
        return
    # DuckDB has no setval: the sequence is made again, starting there (no column takes it as a default).
    con.execute(f"DROP SEQUENCE {sequence}")
    con.execute(f"CREATE SEQUENCE {sequence} START {int(last) + 1}")
