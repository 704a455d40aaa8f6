"""What a PostgreSQL store does with whole stores: rows in bulk through COPY, its backup as a portable DuckDB file,
and its demo customers (`custbook --db postgresql://... backup FILE.duckdb`, `init --demo N`).

The copy itself (which tables, in which order, the sequences) is `store.copying`'s, for every pair of stores; this
module adds what only PostgreSQL does: `copy_in` streams rows into a table with COPY FROM STDIN (psycopg dumps
lists as arrays and bytes as bytea). The backup is a copy of the server store into a new DuckDB file, written under
a temporary name beside the target and renamed once it opens as a complete store, as `store.backup` does for a
DuckDB file. The demo is DuckDB's own (`store.demo`), built in a temporary DuckDB file and copied in: one demo
whichever store, the same rows for the same N.

May import: core and the store's modules; psycopg only through the connections `store.pg_db` opens.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import Conflict, UsageError
from core.i18n import _
from core.outfiles import locked_part
from core.users import User
from store.copying import copy_tables, read_rows, snapshot, table_columns
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
                return _add_demo(store, src, dst, demo)
        finally:
            built.let_go()


def _add_demo(store: PgStore, src: Any, dst: PgConnection, demo: Any) -> int:
    inside = PgInTransaction(store, dst)
    demo._ensure_fields(inside)  # the same checks and fields as the DuckDB demo: one demo whichever store
    demo._ensure_entities(inside)
    columns = table_columns(src, "customers")
    dst.execute("CREATE TEMP TABLE demo_customers (LIKE customers) ON COMMIT DROP")
    copy_in(
        dst,
        "demo_customers",
        columns,
        read_rows(src, f'SELECT {_idents(columns)} FROM customers ORDER BY "CUSTOMERID"'),
    )
    new = 'FROM demo_customers d WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c."CUSTOMERID" = d."CUSTOMERID")'
    row = dst.execute(f"SELECT count(*) {new}").fetchone()
    k = int(row[0]) if row else 0
    if k == 0:
        return 0
    # k consecutive record numbers (the write lock is held: no other writer takes numbers meanwhile).
    first = dst.execute("SELECT nextval('recordno_seq')").fetchone()
    rec0 = int(first[0]) if first else 1
    dst.execute("SELECT setval('recordno_seq', ?, true)", [rec0 + k - 1])
    picked = ", ".join(
        f'{rec0} + row_number() OVER (ORDER BY d."CUSTOMERID") - 1' if c == "RECORDNO" else f'd."{c}"' for c in columns
    )
    added = dst.execute(f"INSERT INTO customers ({_idents(columns)}) SELECT {picked} {new}")
    if added.rowcount != k:
        raise Conflict(_("Another program added customers meanwhile"), _("Run the command again"))
    # Statistics for the planner now, not at autovacuum's next pass: the first list after init must not plan blind.
    dst.execute("ANALYZE customers")
    return k
