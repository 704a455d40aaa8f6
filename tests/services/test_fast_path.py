"""The plan's fast path changes nothing about the plan (issue 13): on generated files, planning with it (cells
equal to the stored text left unparsed) and without it (every cell parsed, the store's staged diff) gives the same
records, changes, errors, warnings and failed rows.

The files start as the store's own CSV for import (so that most cells are the stored text, as in real use), in
a date format and delimiter drawn for each example, and hypothesis then changes cells: the same value written
another way (1234.5, true, a lower-case currency, spaces around), another value, a blank (erasing), an invalid
value, a date written the other way round, a repeated ID, a short row, a new customer, a parent. Each file is also
planned with its stored rows read ahead (services.ahead), as the command line plans it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from csv_files import csv_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.plan import ImportOptions, ImportPlan
from core.users import User
from core.validate import UNPARSED
from core.values import DateFormat
from formats.writer import get_writer
from services import imports
from services.ahead import read_ahead
from services.export import export_stream
from services.planning import plan_import
from store.duck import DuckStore as Store
from store.opening import open_store

SEEDED = 40

OTHER_WRITINGS = {
    "CREDITLIMIT": lambda v: v.rstrip("0").rstrip(".") if "." in v else v + ".0",
    "ONHOLD": lambda v: v.lower(),
    "TAXABLE": lambda v: "yes" if v == "TRUE" else "no",
    "CURRENCY": lambda v: v.lower(),
    "STATUS": lambda v: v.upper(),
    "NAME": lambda v: f"  {v} ",
}
NEW_VALUES = {
    "NAME": ["Zoë Ltd", "?ódz", ""], "CITY": ["Genève", ""], "CREDITLIMIT": ["12,345.60", "-4", "1.234", "6.0E3", ""],
    "ONHOLD": ["", "TRUE", "maybe"], "EMAIL1": ["bob@", "new@example.com", ""], "CURRENCY": ["eur", "EURO", ""],
    "STATUS": ["inactive", "", "gone"], "PHONE1": ["", "+1 206 555 0100"], "VIP": ["", "FALSE", "TRUE"],
    "CONTRACT_START": ["31/12/2024", "12/31/2024", "2024-02-30", ""], "SEGMENT": ["", "SMB", "Tiny"],
    "PARENTID": ["", "C0000003", "NOPE"], "ZIP": ["02138", " 75001 "],
}  # fmt: skip


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_alice_db_maker
) -> Iterator[tuple[Store, User]]:
    """Each store in turn, seeded once for the module (the tests only plan, never commit): a DuckDB file, then a
    PostgreSQL store made by alice."""
    if request.param == "duckdb":
        store = Store(tmp_path_factory.mktemp("fast") / "s.duckdb")
        user = store.users.resolve("alice")
        store.seed_demo(SEEDED, user=user)
        yield store, user
        return
    with pg_alice_db_maker() as url:
        pg = open_store(url)
        user = pg.users.resolve("")
        pg.seed_demo(SEEDED, user=user)
        yield pg, user  # type: ignore[misc]


def _exported(store: Store, user: User, date_format: DateFormat) -> list[list[str]]:
    out = io.BytesIO()
    export_stream(store, out, user=user, writer=get_writer("import-csv"), date_format=date_format)
    return list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline="")))


@st.composite
def edits(draw: st.DrawFn) -> dict[str, object]:
    return {
        "date_format": draw(st.sampled_from([DateFormat.DMY_SLASH, DateFormat.MDY_SLASH, DateFormat.ISO])),
        "semicolon": draw(st.booleans()),
        "rows": draw(st.integers(min_value=1, max_value=SEEDED)),
        "changes": draw(
            st.lists(
                st.tuples(
                    st.integers(min_value=0, max_value=SEEDED - 1),
                    st.sampled_from(sorted(NEW_VALUES)),
                    st.sampled_from(["other writing", "new value"]),
                    st.integers(min_value=0, max_value=10),
                ),
                max_size=25,
            )
        ),
        "new_rows": draw(st.integers(min_value=0, max_value=3)),
        "repeat": draw(st.booleans()),
        "short": draw(st.booleans()),
        "drop": draw(st.lists(st.sampled_from(sorted(NEW_VALUES)), unique=True, max_size=4)),
    }


def _file(rows: list[list[str]], edit: dict[str, object]) -> list[list[str]]:
    header, body = rows[0], [list(r) for r in rows[1 : 1 + int(edit["rows"])]]  # type: ignore[call-overload]
    for index, fid, how, pick in edit["changes"]:  # type: ignore[attr-defined]
        if index >= len(body) or fid not in header:
            continue
        at = header.index(fid)
        cell = body[index][at]
        if how == "other writing" and fid in OTHER_WRITINGS and cell:
            body[index][at] = OTHER_WRITINGS[fid](cell)
        else:
            choices = NEW_VALUES[fid]
            body[index][at] = choices[pick % len(choices)]
    for n in range(int(edit["new_rows"])):  # type: ignore[call-overload]
        new = [""] * len(header)
        new[0], new[header.index("NAME")], new[header.index("PRINTAS")] = f"NEW{n}", f"New {n}", f"New {n}"
        new[header.index("SEGMENT")] = "SMB"
        body.append(new)
    if edit["repeat"] and len(body) > 2:
        body.append(list(body[1]))
    if edit["short"] and body:
        body[0] = body[0][: len(header) - 3]
    keep = [i for i, h in enumerate(header) if h not in edit["drop"]]  # type: ignore[operator]
    return [[r[i] for i in keep if i < len(r)] for r in [header, *body]]


def _shape(plan: ImportPlan) -> tuple[object, ...]:
    return (
        plan.records, plan.errors, plan.warnings, plan.failed_rows, plan.rows, plan.field_counts,
        plan.parsed.fields, plan.parsed.failed, plan.parsed.row_count,
    )  # fmt: skip


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=edits())
def test_the_fast_path_plans_what_the_full_path_plans(seeded, tmp_path_factory, edit):
    store, user = seeded
    date_format = edit["date_format"]
    rows = _file(_exported(store, user, date_format), edit)
    delimiter = ";" if edit["semicolon"] else ","
    if delimiter == ";":  # a semicolon file writes decimals with a comma, as custbook's own csv-semicolon does
        at = rows[0].index("CREDITLIMIT") if "CREDITLIMIT" in rows[0] else None
        for r in rows[1:]:
            if at is not None and at < len(r) and "," not in r[at]:
                r[at] = r[at].replace(".", ",")
    path: Path = tmp_path_factory.mktemp("file") / "in.csv"
    path.write_bytes(csv_bytes(rows, delimiter=delimiter))
    options = ImportOptions(date_format=date_format)
    raw = imports.read_source(path, options)
    parse = imports.parse_options(date_format, raw)
    fast = plan_import(store, raw, user=user, options=parse, request=options, fast=True)
    full = plan_import(store, raw, user=user, options=parse, request=options, fast=False)
    assert _shape(fast) == _shape(full)
    # The fast path really ran: it left cells unparsed (every file keeps some stored customers' cells as they are).
    assert any(v is UNPARSED for r in fast.parsed.rows for v in r.values) or not fast.parsed.rows
    # And with the stored rows read ahead, as the command line and the interface plan (services.ahead).
    ahead = read_ahead(store, path, options)
    try:
        early = imports.plan(store, raw, user=user, entity=None, options=options, ahead=ahead)
    finally:
        if ahead is not None:
            ahead.close()
    assert _shape(early) == _shape(full)
    assert ahead is None or ahead.used or not fast.parsed.rows  # DuckDB reads ahead; PostgreSQL does not


def _both_ways(store: Store, user: User, rows: list[list[str]], path: Path) -> tuple[ImportPlan, ImportPlan]:
    """`rows` written as a CSV file at `path`, planned the fast way and the full way."""
    path.write_bytes(csv_bytes(rows))
    raw = imports.read_source(path, ImportOptions())
    return plan_import(store, raw, user=user, fast=True), plan_import(store, raw, user=user, fast=False)


def test_an_unchanged_export_is_unchanged_on_both_paths(seeded, tmp_path):
    store, user = seeded
    rows = _exported(store, user, DateFormat.DMY_SLASH)
    fast, full = _both_ways(store, user, rows, tmp_path / "same.csv")
    assert _shape(fast) == _shape(full) and fast.unchanged == len(rows) - 1 and not fast.errors
    parsed_whole = {0, fast.parsed.fields.index("PARENTID")}  # the ID and the parent: every row's is checked
    assert all(v is UNPARSED for r in fast.parsed.rows for j, v in enumerate(r.values) if j not in parsed_whole)


def test_a_file_whose_cells_mostly_differ_goes_the_full_way(seeded, tmp_path):
    store, user = seeded
    rows = _exported(store, user, DateFormat.DMY_SLASH)
    # Every cell but the ID written otherwise (spaces around, which reading takes off), the names changed too.
    for row in rows[1:]:
        row[1:] = [f" {c} " if c else c for c in row[1:]]
        row[rows[0].index("NAME")] += "x"
    fast, full = _both_ways(store, user, rows, tmp_path / "most.csv")
    assert _shape(fast) == _shape(full) and fast.updated == len(rows) - 1 and not fast.errors
    assert not any(v is UNPARSED for r in fast.parsed.rows for v in r.values)  # every cell parsed: the full way
    # Only the names changed: the fast way.
    rows = _exported(store, user, DateFormat.DMY_SLASH)
    for row in rows[1:]:
        row[rows[0].index("NAME")] += "x"
    fast, full = _both_ways(store, user, rows, tmp_path / "names.csv")
    assert _shape(fast) == _shape(full)
    assert any(v is UNPARSED for r in fast.parsed.rows for v in r.values)
