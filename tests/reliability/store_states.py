"""Helpers of the reliability tests: building a demo store and import files, running the real `custbook` program
as a separate process, and reading a store's state as one comparable value.

A `State` is what a user could tell apart: every customer as the CSV for import writes it (entity customers
included, so nothing hides), and the history's batches. Two stores hold the same data exactly when their states
are equal; run-dependent values (timestamps, row versions) are left out so that two runs of one import compare.
Everything is read through store/ functions: no SQL here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from acting import ADMIN

from formats.writer import get_writer
from services.export import export_table
from store.customers import count_customers
from store.demo import seed_demo
from store.duck import DuckStore as Store
from store.history import list_batches
from store.users import resolve_user
from store.views import builtin_view

USER = "alice"
# The columns of the import files: what a "fix the cities and comments" spreadsheet holds, plus the fields a new
# customer needs (NAME, PRINTAS and the demo's required SEGMENT). Fewer columns than a full backup keep one import
# near 2.5 s, so that the CI form can afford its thirty kills; `--wide` in the harness uses every column.
NARROW = ("CUSTOMERID", "NAME", "PRINTAS", "SEGMENT", "CITY", "PHONE2", "COMMENTS", "CREDITLIMIT")


@dataclass(frozen=True)
class BatchState:
    id: str
    kind: str
    file_name: str | None
    created: int
    updated: int
    blanked: int
    undoes: str | None
    undone_by: str | None


@dataclass(frozen=True)
class State:
    customers: int
    contents: str  # SHA-256 of the CSV for import of every customer, sorted by ID
    batches: tuple[BatchState, ...]

    def describe(self) -> str:
        return f"{self.customers:,} customers, {self.contents[:12]}, batches {[b.id for b in self.batches]}"


def environ() -> dict[str, str]:
    """The environment of a `custbook` process under test: alice acts, nothing of the caller's store leaks in."""
    env = {k: v for k, v in os.environ.items() if k not in ("CUSTBOOK_DB", "CUSTBOOK_DEBUG")}
    return env | {"CUSTBOOK_USER": USER}


def custbook_command(db: Path, *args: str) -> list[str]:
    """The real entry point, as a script or an SSH session runs it."""
    return [sys.executable, "-m", "custbook", "--db", str(db), *args]


def run_custbook(db: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        custbook_command(db, *args), capture_output=True, text=True, env=environ(), timeout=timeout, check=False
    )


def wal(db: Path) -> Path:
    return db.with_name(db.name + ".wal")


def copy_store(source: Path, target: Path) -> None:
    """Put a fresh copy of a cleanly closed store at `target`: DuckDB replays a `.wal` beside a store when it opens
    it, so a WAL left by the previous kill must go with the old file, or it would be replayed into the copy."""
    assert not wal(source).exists(), f"{source} was not closed cleanly: its WAL would be needed to copy it"
    target.unlink(missing_ok=True)
    wal(target).unlink(missing_ok=True)
    shutil.copyfile(source, target)


def build_store(path: Path, customers: int) -> None:
    """A demo store of `customers` customers (some of them in the demo's entities), closed cleanly."""
    store = Store(path)
    seed_demo(store, customers, user=resolve_user(store, USER))
    assert not wal(path).exists()


def export_rows(db: Path) -> list[list[str]]:
    """The top-level customers as the CSV for import writes them, header first (what an import file builds on)."""
    store = Store(db)
    writer = get_writer("import-csv")
    out = io.BytesIO()
    writer.write(export_table(store, user=resolve_user(store, USER), writer=writer), out)
    return list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))


def write_import_file(
    path: Path, base: list[list[str]], *, rows: int, prefix: str, field: str, columns: Sequence[str] = NARROW
) -> dict[str, int]:
    """An import file of `rows` rows built from the store's export `base`: every existing customer in it, seven in
    eight of them changed in `field` and COMMENTS (one in five of those also losing PHONE2 to a blank cell, the
    dangerous change), then new customers `{prefix}0000001`... up to `rows` rows. Returns the expected counts."""
    header, body = base[0], base[1:]
    at = {h: i for i, h in enumerate(header)}
    cols = list(columns)
    out = [cols]
    for n, source in enumerate(body[: rows - 1]):
        row = {c: source[at[c]] for c in cols}
        if n % 8:
            row[field] = f"{row[field]} {prefix}".strip() if field != "CREDITLIMIT" else f"{n * 10}.00"
            row["COMMENTS"] = f"{prefix} import, row {n + 2}"
            if n % 5 == 0 and "PHONE2" in row:
                row["PHONE2"] = ""
        out.append([row[c] for c in cols])
    k = 0
    while len(out) < rows + 1:
        source = body[k % len(body)]
        k += 1
        row = {c: source[at[c]] for c in cols}
        row["CUSTOMERID"] = f"{prefix}{k:07d}"
        row["NAME"] = f"{row['NAME']} {prefix}{k}"
        if "PARENTID" in row:
            row["PARENTID"] = ""  # a copied parent link could name the customer itself
        out.append([row[c] for c in cols])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(out)
    return {"rows": rows, "created": k, "existing": len(out) - 1 - k}


def read_state(db: Path) -> State:
    """Open the store (replaying its WAL, as the next command would) and read its whole state."""
    store = Store(db)
    user = resolve_user(store, USER)
    writer = get_writer("import-csv")
    view = replace(builtin_view(), include_entities=True)
    out = io.BytesIO()
    writer.write(export_table(store, user=user, writer=writer, view=view), out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    # Sorted: the digest must not depend on the order DuckDB happens to store the rows in.
    digest = hashlib.sha256(repr([rows[0], *sorted(rows[1:])]).encode()).hexdigest()
    return State(count_customers(store), digest, read_batches(store))


def read_batches(store: Store) -> tuple[BatchState, ...]:
    return tuple(
        BatchState(b.id, b.kind, b.file_name, b.created, b.updated, b.blanked, b.undoes, b.undone_by)
        for b in list_batches(store, user=ADMIN)
    )


def open_for_writing(db: Path) -> tuple[int, tuple[BatchState, ...]]:
    """Open the store for writing (as the next import after a crash does), close it, and read it again: the
    customers' count and the batches (cheap, where the whole state costs half a second)."""
    store = Store(db)
    with store.write():
        pass
    return count_customers(store), read_batches(store)
