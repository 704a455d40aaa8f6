"""What a PostgreSQL store does with whole stores: rows in bulk through COPY, its backup as a portable DuckDB file,
and its demo customers (`custbook --db postgresql://... backup FILE.duckdb`, `init --demo N`).

The copy itself (which tables, in which order, the sequences) is `store.copying`'s, for every pair of stores; this
module adds what only PostgreSQL does: `copy_in` streams rows into a table with COPY FROM STDIN (psycopg dumps
lists as arrays and bytes as bytea). The backup is a copy of the server store into a new DuckDB file, written under
a temporary name beside the target and renamed once it opens as a complete store, as `store.backup` does for a
DuckDB file. The demo is DuckDB's own (`store.demo`), built in a temporary DuckDB file and copied in as CSV text
(DuckDB's COPY TO, the server's COPY FROM), a big one with the customers' indexes made after it: one demo whichever
store, the same rows for the same N.

May import: core and the store's modules; psycopg only through the connections `store.pg_db` opens.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import Conflict, UsageError
from core.i18n import _
from core.outfiles import locked_part
from core.users import User
from store.copying import copy_tables, snapshot, table_columns
from store.pg_db import PgInTransaction
from store.records import Backup
from store.sql import PgConnection

if TYPE_CHECKING:
    from store.pg import PgStore


def _idents(columns: Sequence[str]) -> str:
    return ", ".join('"' + c.replace('"', '""') + '"' for c in columns)


def copy_in(con: PgConnection, table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """Append `rows` to `table` with COPY FROM STDIN, inside `con`'s transaction; returns how many."""
    count = 0
    with con.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({_idents(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def backup_to_file(store: PgStore, target: str | os.PathLike[str], *, user: User) -> Backup:
    """A portable copy of the server store as a DuckDB file at `target`: administrators only; never inside another
    change; written beside the target under a temporary name, checked, then renamed (a failed backup never
    replaces a good one)."""
    from store.backup import _check, refuse_replacing_other_files
    from store.duck import DuckStore

    user.require_admin(_("back up the store (it holds every customer, user and job)"))
    if isinstance(store, PgInTransaction):
        raise UsageError(_("A backup cannot be taken inside another change"), _("Take it on its own"))
    path = Path(target).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(
            _("The folder {folder} does not exist").format(folder=folder),
            _("Create it or choose another backup file name"),
        )
    if path.is_dir():
        raise UsageError(
            _("{path} is a folder").format(path=path), _("Give the name of the backup file to write")
        )  # fmt: skip
    refuse_replacing_other_files(path)
    fd, tmp = locked_part(folder, path.name)  # 0600, locked: another writer's sweep of part files leaves it alone
    os.close(fd)
    os.unlink(tmp)  # DuckDB makes the file itself
    lock: int | None = None
    copy = DuckStore(tmp)
    try:
        with copy.write():
            pass  # the new, empty store (0600, as every new store)
        lock = os.open(tmp, os.O_RDONLY)
        fcntl.flock(lock, fcntl.LOCK_EX)  # the part file is locked again from its first moment as a store
        with snapshot(store) as src, copy.write() as dst:
            copy_tables(src, dst, copy, target_label=str(path))
        copy.let_go()
        customers = _check(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        copy.let_go()
        for leftover in (tmp, tmp + ".wal"):
            Path(leftover).unlink(missing_ok=True)
        raise
    finally:
        if lock is not None:
            os.close(lock)
    return Backup(path, customers, path.stat().st_size)


def seed_demo(store: PgStore, n: int, *, user: User) -> int:
    """`init --demo N` on PostgreSQL: DuckDB's demo (`store.demo`) built in a temporary file, then its fields,
    entities and the customers whose IDs the store lacks copied in, numbered from the store's recordno_seq in ID
    order (as the DuckDB demo numbers them). Returns how many customers were added."""
    from store import demo
    from store.duck import DuckStore

    user.require_admin(_("add demo customers"))
    with tempfile.TemporaryDirectory(prefix="custbook-demo-") as folder:
        built = DuckStore(Path(folder) / "demo.duckdb")
        built.seed_demo(n, user=user)  # checks n as the DuckDB demo does
        try:
            with snapshot(built) as src, store.write() as dst:
                return _add_demo(store, src, dst, demo, Path(folder) / "customers.csv")
        finally:
            built.let_go()


def _add_demo(store: PgStore, src: Any, dst: PgConnection, demo: Any, staged: Path) -> int:
    inside = PgInTransaction(store, dst)
    demo._ensure_fields(inside)  # the same checks and fields as the DuckDB demo: one demo whichever store
    demo._ensure_entities(inside)
    columns = table_columns(src, "customers")
    # DuckDB writes the rows as CSV and the server reads that text as it is: no value passes through Python (a
    # million customers as Python tuples took 18 s of the init's 92). Their CSV dialects agree: NULL an empty cell,
    # "" an empty text, ISO dates and times, true/false, plain decimals. One thread keeps the rows in the demo's
    # order (by ID, numbered 1..N in it) without holding them all: 535 MB for 200,000 rows with two, 121 MB with one.
    src.execute("SET threads = 1")
    empty = dst.execute("SELECT NOT EXISTS (SELECT 1 FROM customers)").fetchone()
    k = _into_empty(src, dst, columns, staged) if empty and empty[0] else _missing_ones(src, dst, columns, staged)
    # Statistics for the planner now, not at autovacuum's next pass: the first list after init must not plan blind.
    dst.execute("ANALYZE customers")
    return k


def _numbers(dst: PgConnection, k: int) -> int:
    """The first of k consecutive record numbers taken from the store's sequence (the write lock is held: no other
    writer takes numbers meanwhile)."""
    first = dst.execute("SELECT nextval('recordno_seq')").fetchone()
    rec0 = int(first[0]) if first else 1
    dst.execute("SELECT setval('recordno_seq', ?, true)", [rec0 + k - 1])
    return rec0


def _into_empty(src: Any, dst: PgConnection, columns: list[str], staged: Path) -> int:
    """A store without customers (a new one): the demo's rows straight into customers, built without its indexes
    (made again once, sorted), their record numbers moved onto the store's sequence."""
    row = src.execute("SELECT count(*) FROM customers").fetchone()
    k = int(row[0]) if row else 0
    if k == 0:
        return 0
    shift = _numbers(dst, k) - 1
    picked = ", ".join(f'"RECORDNO" + {shift}' if c == "RECORDNO" else _idents([c]) for c in columns)
    src.execute(f"COPY (SELECT {picked} FROM customers) TO ? (FORMAT csv, HEADER false)", [str(staged)])
    with _indexes_built_after(dst, k):
        copy_text_in(dst, "customers", columns, staged)
    return k


def _missing_ones(src: Any, dst: PgConnection, columns: list[str], staged: Path) -> int:
    """A store with customers (init --demo again, with more): the demo's customers whose IDs it lacks, numbered from
    the store's sequence in ID order."""
    dst.execute("CREATE TEMP TABLE demo_customers (LIKE customers) ON COMMIT DROP")
    src.execute(f"COPY (SELECT {_idents(columns)} FROM customers) TO ? (FORMAT csv, HEADER false)", [str(staged)])
    copy_text_in(dst, "demo_customers", columns, staged)
    new = 'FROM demo_customers d WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c."CUSTOMERID" = d."CUSTOMERID")'
    row = dst.execute(f"SELECT count(*) {new}").fetchone()
    k = int(row[0]) if row else 0
    if k == 0:
        return 0
    rec0 = _numbers(dst, k)
    picked = ", ".join(
        f'{rec0} + row_number() OVER (ORDER BY d."CUSTOMERID") - 1' if c == "RECORDNO" else f'd."{c}"' for c in columns
    )
    with _indexes_built_after(dst, k):
        added = dst.execute(f"INSERT INTO customers ({_idents(columns)}) SELECT {picked} {new}")
    if added.rowcount != k:
        raise Conflict(_("Another program added customers meanwhile"), _("Run the command again"))
    return k


def copy_text_in(con: PgConnection, table: str, columns: Sequence[str], path: Path) -> None:
    """Append the rows of the CSV file `path` (no header) to `table` with COPY FROM STDIN, in `con`'s transaction."""
    with (
        path.open("rb") as handle,
        con.raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({_idents(columns)}) FROM STDIN (FORMAT csv)") as copy,
    ):
        while block := handle.read(1 << 20):
            copy.write(block)


INDEXES_AFTER = 10_000  # rows added from which the indexes are built after them


@contextmanager
def _indexes_built_after(con: PgConnection, k: int) -> Iterator[None]:
    """Many rows (k of them) go in faster without the customers' indexes, which are then built once, sorted: a
    million demo customers inserted through the trigram and four collation indexes took most of a minute. The
    unique ones stay (they check what goes in). Dropped and made again in the caller's transaction, by the store's
    admin role, which owns the tables (administrators alone add demo customers)."""
    if k <= INDEXES_AFTER:
        yield
        return
    found = con.execute(
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE i.indrelid = 'customers'::regclass AND NOT i.indisunique"
    ).fetchall()
    for name, _definition in found:
        con.execute(f"DROP INDEX {name}")
    yield
    con.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in found:
        con.execute(str(definition))
