"""What the preview showed is what is written (issue 12): the commit writes the plan's own values (`FieldChange.new`:
a blank checkbox unticked, a new record's defaults), computed once by the planner, not again in SQL.

Hypothesis makes files of new and existing customers with blank, ticked and unticked checkboxes, enums left blank,
amounts and text; each is planned and committed through the import service, then every stored field is compared
with the plan: a changed field holds its `new` value, an unchanged one what it held before.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from csv_files import csv_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.plan import Action, ImportOptions, Status
from services import imports
from store.duck import DuckStore as Store
from store.opening import open_store

FIELDS = ("CUSTOMERID", "NAME", "PRINTAS", "STATUS", "ONHOLD", "TAXABLE", "CREDITLIMIT", "CITY")
CELLS = {
    "NAME": st.sampled_from(["Ann", "Bo Ltd", ""]),
    "PRINTAS": st.sampled_from(["Ann", "Bo", ""]),
    "STATUS": st.sampled_from(["", "active", "Inactive"]),
    "ONHOLD": st.sampled_from(["", "TRUE", "false", "yes"]),
    "TAXABLE": st.sampled_from(["", "TRUE", "FALSE"]),
    "CREDITLIMIT": st.sampled_from(["", "100", "2500.5", "0"]),
    "CITY": st.sampled_from(["", "Lyon", "Genève"]),
}
EXISTING = [f"E{i}" for i in range(4)]
_fresh = itertools.count(1)


def _rows(draw: st.DrawFn) -> list[list[str]]:
    ids = draw(st.lists(st.sampled_from(EXISTING + ["NEW"] * 3), min_size=1, max_size=6))
    columns = draw(st.lists(st.sampled_from(FIELDS[3:]), unique=True, max_size=5))
    header = ["CUSTOMERID", "NAME", "PRINTAS", *columns]
    rows = [header]
    seen = set()
    for cid in ids:
        if cid == "NEW":
            cid = f"N{next(_fresh)}"
        if cid in seen:
            continue
        seen.add(cid)
        rows.append([cid] + [draw(CELLS[f]) for f in header[1:]])
    return rows


@st.composite
def files(draw: st.DrawFn) -> list[list[str]]:
    return _rows(draw)


@contextmanager
def new_store(kind: str, folder: Path, pg_alice_db_maker) -> Iterator[Store]:
    """A new store of that kind for one example: a DuckDB file in `folder`, or a PostgreSQL store made by alice
    (dropped after the example)."""
    if kind == "duckdb":
        yield Store(folder / "s.duckdb")
        return
    with pg_alice_db_maker() as url:
        yield open_store(url)  # type: ignore[misc]


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
@pytest.mark.parametrize("kind", ["duckdb", "postgresql"])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=files())
def test_every_stored_value_is_the_one_the_preview_showed(tmp_path_factory, pg_alice_db_maker, kind, rows):
    folder = tmp_path_factory.mktemp("preview")
    with new_store(kind, folder, pg_alice_db_maker) as store:
        check_the_commit(store, folder, rows)


def check_the_commit(store: Store, folder: Path, rows: list[list[str]]) -> None:
    user = store.users.resolve("alice" if isinstance(store, Store) else "")
    seed = folder / "seed.csv"
    seed.write_bytes(
        csv_bytes(
            [list(FIELDS)] + [[cid, f"Seed {cid}", cid, "active", "TRUE", "FALSE", "10", "Paris"] for cid in EXISTING]
        )
    )
    assert imports.run(store, seed, user=user, entity=None, options=ImportOptions()).batch
    cat = store.fields.catalogue()
    before = {cid: store.customers.fetch(cat, cid) for cid in EXISTING}

    path: Path = folder / "in.csv"
    path.write_bytes(csv_bytes(rows))
    plan = imports.plan(store, imports.read_source(path, ImportOptions()), user=user, entity=None,
                        options=ImportOptions())  # fmt: skip
    outcome = imports.commit(store, plan, user=user)
    assert outcome.status is Status.COMMITTED
    for record in plan.records:
        stored = store.customers.fetch(cat, record.customer_id)
        assert stored is not None
        changed = {c.field: c.new for c in record.changes}
        for field in cat.importable:
            if field.id in changed:
                assert stored[field.id] == changed[field.id], (record, field.id)
            elif record.action is Action.CREATE:
                assert stored[field.id] is None, (record, field.id)  # no value shown, none written
            else:
                assert stored[field.id] == before[record.customer_id][field.id], (record, field.id)
