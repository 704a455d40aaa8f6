"""Reading ahead (issue 13, services.ahead): the stored rows of a file's customers, read while the file is, serve the
plan only while they still hold, and the plan is the same with them as without: after a write to the store, with
another mapping, an ID DuckDB's reading of the file misses, a file in another encoding, a commit right after."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from csv_files import csv_bytes

from core.mapping import from_options
from core.plan import ImportOptions, ImportPlan, Status
from core.users import User
from formats.writer import get_writer
from services import imports
from services.ahead import read_ahead
from services.export import export_stream
from store.base import CustomerStore
from store.duck import DuckStore


def _export(store: CustomerStore, user: User) -> list[list[str]]:
    out = io.BytesIO()
    export_stream(store, out, user=user, writer=get_writer("import-csv"))
    return list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline="")))


def _shape(plan: ImportPlan) -> tuple[object, ...]:
    return (plan.records, plan.errors, plan.warnings, plan.failed_rows, plan.field_counts, plan.parsed.fields)


def _planned(store: CustomerStore, user: User, path: Path, options: ImportOptions, ahead_options=None):
    """(the plan made with the rows read ahead, whether it used them, the plan made without)."""
    ahead = read_ahead(store, path, ahead_options or options)
    try:
        raw = imports.read_source(path, options)
        early = imports.plan(store, raw, user=user, entity=None, options=options, ahead=ahead)
    finally:
        if ahead is not None:
            ahead.close()
    plain = imports.plan(store, imports.read_source(path, options), user=user, entity=None, options=options)
    return early, ahead is not None and ahead.used, plain


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[DuckStore, User]:
    store = DuckStore(tmp_path / "s.duckdb")
    user = store.users.resolve("alice")
    store.seed_demo(30, user=user)
    return store, user


def test_an_edited_export_is_planned_the_same_with_its_rows_read_ahead(store, alice, tmp_path):
    store.seed_demo(30, user=alice)
    rows = _export(store, alice)
    rows[1][rows[0].index("CITY")] = "Genève"
    rows[2][rows[0].index("NAME")] = ""
    new = ["NEW1", "New one", "New one", *[""] * (len(rows[0]) - 3)]
    new[rows[0].index("SEGMENT")] = "SMB"
    rows.append(new)
    path = tmp_path / "edited.csv"
    path.write_bytes(csv_bytes(rows))
    early, used, plain = _planned(store, alice, path, ImportOptions())
    assert _shape(early) == _shape(plain)
    assert early.updated == 1 and early.created == 1 and len(early.errors) >= 1
    assert used == isinstance(store, DuckStore)  # PostgreSQL reads the customers once it has the IDs


def test_a_write_after_the_reading_ahead_is_seen_by_the_plan(seeded, tmp_path):
    store, user = seeded
    rows = _export(store, user)
    path = tmp_path / "same.csv"
    path.write_bytes(csv_bytes(rows))
    options = ImportOptions()
    ahead = read_ahead(store, path, options)
    assert ahead is not None
    try:
        ahead._thread.join()  # type: ignore[attr-defined]  # it has read the store as it was
        # Then another import changes a customer of the file.
        change = [rows[0], list(rows[3])]
        change[1][rows[0].index("CITY")] = "Changed meanwhile"
        other = tmp_path / "other.csv"
        other.write_bytes(csv_bytes(change))
        assert imports.run(store, other, user=user, entity=None, options=options).status is Status.COMMITTED
        raw = imports.read_source(path, options)
        plan = imports.plan(store, raw, user=user, entity=None, options=options, ahead=ahead)
    finally:
        ahead.close()
    assert not ahead.used
    # The file still holds the old city: against the store as it is now, that row changes it back.
    assert plan.updated == 1 and [c.field for r in plan.records for c in r.changes] == ["CITY"]


def test_rows_read_ahead_for_another_mapping_are_not_used(seeded, tmp_path):
    store, user = seeded
    rows = _export(store, user)
    rows[0][rows[0].index("CITY")] = "Town"
    path = tmp_path / "town.csv"
    path.write_bytes(csv_bytes(rows))
    mapped = ImportOptions(mapping=from_options(("Town=CITY",), ()))
    # Started as if the file had no mapping (it cannot be read so: Town is no field), planned with one.
    early, used, plain = _planned(store, user, path, mapped, ahead_options=ImportOptions(ignore_unknown=True))
    assert not used and _shape(early) == _shape(plain) and early.unchanged == len(rows) - 1
    # Started with the same mapping: used.
    early, used, plain = _planned(store, user, path, mapped)
    assert used and _shape(early) == _shape(plain) and early.unchanged == len(rows) - 1


def test_ids_the_reading_ahead_misses_are_read_by_the_plan(seeded, tmp_path):
    store, user = seeded
    rows = _export(store, user)
    # custbook's reader trims every white space around an ID; DuckDB's trim() only plain spaces.
    rows[1][0] = f"\u00a0{rows[1][0]}\t"
    rows[2][rows[0].index("CITY")] = "Genève"
    path = tmp_path / "odd-ids.csv"
    path.write_bytes(csv_bytes(rows))
    early, used, plain = _planned(store, user, path, ImportOptions())
    assert used and _shape(early) == _shape(plain)
    assert early.unchanged == len(rows) - 2 and early.updated == 1 and not early.created


def test_a_file_in_another_encoding_is_planned_without_reading_ahead(seeded, tmp_path):
    store, user = seeded
    rows = [r for r in _export(store, user) if all(c.isascii() for c in r)]  # what Windows-1252 holds for sure
    rows[1][rows[0].index("CITY")] = "Genève"
    path = tmp_path / "ansi.csv"
    path.write_bytes(csv_bytes(rows, delimiter=";", encoding="cp1252"))
    early, used, plain = _planned(store, user, path, ImportOptions())
    assert not used and _shape(early) == _shape(plain) and early.updated == 1 and early.raw.encoding == "Windows-1252"


def test_a_commit_right_after_reading_ahead_writes(seeded, tmp_path):
    store, user = seeded
    rows = _export(store, user)
    for row in rows[1:]:
        row[rows[0].index("SEGMENT")] = "SMB"
    path = tmp_path / "all-smb.csv"
    path.write_bytes(csv_bytes(rows))
    outcome = imports.run(store, path, user=user, entity=None, options=ImportOptions())
    assert outcome.status is Status.COMMITTED and outcome.plan.updated + outcome.plan.unchanged == len(rows) - 1
    assert imports.run(store, path, user=user, entity=None, options=ImportOptions(), dry_run=True).plan.updated == 0
