"""The import on both stores (issue 15): the same file gives the same plan on a DuckDB file and on PostgreSQL, and
a commit, its history, the search text it leaves, an undo (and a refused one), a stale plan, generated IDs and
matching behave alike. Each test runs on each store in turn (the `location` fixture)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from acting import ADMIN

from core.catalogue import SEARCH_FIELDS
from core.errors import Conflict
from core.keys import KeyOptions
from core.plan import ImportOptions, ImportPlan
from core.values import DateFormat
from core.viewdef import View
from services import imports
from services.planning import plan_import
from store.base import CustomerStore
from store.opening import open_store

BASE = [
    ["CUSTOMERID", "NAME", "PRINTAS", "CITY", "ZIP", "ONHOLD", "CREDITLIMIT", "EMAIL1", "PARENTID"],
    ["C1", "Alpha", "Alpha", "Köln", "02138", "TRUE", "100.50", "a@x.fr", ""],
    ["C2", "Beta", "Beta", "Paris", "", "", "", "b@x.fr", "C1"],
    ["C3", "Gamma", "Gamma", "Łódź", "75001", "FALSE", "7", "", ""],
]
CHANGE = [
    ["CUSTOMERID", "NAME", "CITY", "ONHOLD", "CREDITLIMIT", "PARENTID"],
    ["C1", "Alpha Two", "Zürich", "", "100.50", ""],  # ONHOLD unticked; the credit limit unchanged
    ["C2", "Beta", "Paris", "", "", "C1"],  # unchanged
    ["C4", "Delta", "Köln", "TRUE", "3", "C1"],  # new, no Print as: fails
    ["C5", "Epsilon", "Genève", "", "12.30", "C9"],  # parent unknown: fails
]


def plan_file(
    store: CustomerStore, path: Path, *, fast: bool = True, keys: KeyOptions | None = None, **kw: object
) -> ImportPlan:
    options = ImportOptions(keys=keys or KeyOptions(), **kw)  # type: ignore[arg-type]
    raw = imports.read_source(path, options)
    return plan_import(
        store, raw, user=ADMIN, options=imports.parse_options(options.date_format, raw), request=options, fast=fast
    )


def shape(plan: ImportPlan) -> tuple[object, ...]:
    """What a plan says, without what only one store numbers alike (nothing: versions start at 1 on both)."""
    records = [(r.row, r.customer_id, r.action.value, r.version, [(c.field, c.old, c.new) for c in r.changes])
               for r in plan.records]  # fmt: skip
    errors = sorted((e.row or 0, e.column or "", e.message) for e in plan.errors)
    return (plan.created, plan.updated, plan.blanked, plan.failed, records, errors, plan.generated, plan.matched)


def commit(store: CustomerStore, path: Path, **kw: object) -> str | None:
    outcome = imports.commit(store, plan_file(store, path, **kw), user=ADMIN)  # type: ignore[arg-type]
    return outcome.batch


def record(store: CustomerStore, cid: str) -> dict[str, object]:
    catalogue = store.fields.catalogue()
    found = store.customers.get(catalogue, cid, user=ADMIN)
    assert found is not None, cid
    return found


def quick(store: CustomerStore, text: str) -> list[str]:
    catalogue = store.fields.catalogue()
    q = store.customers.compile(View("all"), catalogue, user=ADMIN, quick=text, quick_fields=SEARCH_FIELDS)
    cols = [f.id for f in catalogue.fields]
    return sorted(str(r[cols.index("CUSTOMERID")]) for r in store.customers.page(q, 0, 100))


@pytest.fixture
def csv_file(write_csv: Callable[..., Path]) -> Callable[[list[list[str]]], Path]:
    return lambda table: write_csv(table)


def test_a_dry_run_commit_and_its_history(any_store: CustomerStore, csv_file) -> None:
    dry = plan_file(any_store, csv_file(BASE))
    assert (dry.created, dry.updated, dry.failed) == (3, 0, 0), dry.errors
    assert any_store.customers.total() == 0  # a dry run writes nothing
    assert commit(any_store, csv_file(BASE)) == "B1"
    c1 = record(any_store, "C1")
    assert (c1["CITY"], c1["ZIP"], c1["ONHOLD"], str(c1["CREDITLIMIT"])) == ("Köln", "02138", True, "100.50")
    assert record(any_store, "C2")["PARENTID"] == "C1"
    recordnos = [record(any_store, c)["RECORDNO"] for c in ("C1", "C2", "C3")]
    assert recordnos == sorted(recordnos)  # numbered in the file's order

    planned = plan_file(any_store, csv_file(CHANGE))
    assert (planned.created, planned.updated, planned.blanked, planned.failed) == (0, 1, 1, 2)
    assert {e.row for e in planned.errors} == {4, 5}
    assert commit(any_store, csv_file(CHANGE)) == "B2"
    c1 = record(any_store, "C1")
    assert (c1["NAME"], c1["CITY"], c1["ONHOLD"], c1["ROWVERSION"]) == ("Alpha Two", "Zürich", False, 2)
    assert c1["MODIFIEDBY"] == ADMIN.name
    assert record(any_store, "C2")["ROWVERSION"] == 1  # unchanged rows are not written
    assert any_store.customers.id_taken("C4") is False

    b2, b1 = any_store.history.batches(user=ADMIN)
    assert (b1.id, b1.created, b2.id, b2.updated, b2.blanked, b2.failed) == ("B1", 3, "B2", 1, 1, 2)
    _batch, changes = any_store.history.batch("B2", user=ADMIN)
    assert [(c.customer_id, c.field, c.old, c.new) for c in changes] == [
        ("C1", "CITY", "Köln", "Zürich"),
        ("C1", "NAME", "Alpha", "Alpha Two"),
        ("C1", "ONHOLD", "true", "false"),
    ]
    assert [(c.batch, c.field) for c in any_store.history.of_customer("C1", user=ADMIN)][-3:] == [
        ("B2", "CITY"), ("B2", "NAME"), ("B2", "ONHOLD")
    ]  # fmt: skip


def test_the_search_text_follows_every_write(any_store: CustomerStore, csv_file) -> None:
    commit(any_store, csv_file(BASE))
    assert quick(any_store, "koln") == ["C1"] and quick(any_store, "lodz") == ["C3"]
    commit(any_store, csv_file([["CUSTOMERID", "CITY"], ["C1", "Zürich"], ["C2", "Köln"]]))
    assert quick(any_store, "koln") == ["C2"] and quick(any_store, "zurich") == ["C1"]
    any_store.history.undo("B2", user=ADMIN)
    assert quick(any_store, "koln") == ["C1"] and quick(any_store, "zurich") == []
    commit(any_store, csv_file([["CUSTOMERID", "NAME", "PRINTAS", "CITY"], ["N1", "Ørsted", "Ørsted", "Århus"]]))
    assert quick(any_store, "orsted") == ["N1"] and quick(any_store, "arhus") == ["N1"]


def test_undo_restores_and_a_later_change_refuses_it(any_store: CustomerStore, csv_file) -> None:
    commit(any_store, csv_file(BASE))
    before = {c: record(any_store, c) for c in ("C1", "C2", "C3")}
    commit(any_store, csv_file([["CUSTOMERID", "CITY", "ZIP"], ["C1", "Nice", ""], ["C3", "Lyon", "69001"]]))  # B2
    commit(any_store, csv_file([["CUSTOMERID", "CITY"], ["C3", "Metz"]]))  # B3
    with pytest.raises(Conflict) as refused:
        any_store.history.undo("B2", user=ADMIN)
    assert "C3 (City)" in str(refused.value) and "B3" in refused.value.fix  # type: ignore[attr-defined]
    assert record(any_store, "C1")["CITY"] == "Nice"  # nothing was changed
    assert any_store.history.undo("B3", user=ADMIN).id == "B4"
    assert any_store.history.undo("B2", user=ADMIN).id == "B5"
    for cid, was in before.items():
        now = record(any_store, cid)
        assert {k: now[k] for k in ("CITY", "ZIP", "NAME")} == {k: was[k] for k in ("CITY", "ZIP", "NAME")}
    # Undoing the creation removes the customers; undoing that undo brings them back.
    assert any_store.history.undo("B1", user=ADMIN).id == "B6"
    assert any_store.customers.total() == 0
    any_store.history.undo("B6", user=ADMIN)
    assert any_store.customers.total() == 3 and record(any_store, "C2")["PARENTID"] == "C1"
    assert quick(any_store, "koln") == ["C1"]


def test_a_stale_plan_writes_nothing(any_store: CustomerStore, csv_file) -> None:
    commit(any_store, csv_file(BASE))
    stale = plan_file(any_store, csv_file([["CUSTOMERID", "NAME"], ["C1", "Mine"], ["N9", "New"]]))
    commit(any_store, csv_file([["CUSTOMERID", "NAME"], ["C1", "Theirs"]]))  # meanwhile, B2
    with pytest.raises(Conflict) as conflict:
        any_store.history.apply(stale, user=ADMIN)
    assert "C1" in str(conflict.value)
    assert record(any_store, "C1")["NAME"] == "Theirs"
    assert [b.id for b in any_store.history.batches(user=ADMIN)] == ["B2", "B1"]
    # The command line's commit plans again and goes through.
    again = imports.commit(any_store, stale, user=ADMIN)
    assert again.batch == "B3" and record(any_store, "C1")["NAME"] == "Mine"


def test_generated_ids_and_matching(any_store: CustomerStore, csv_file) -> None:
    commit(any_store, csv_file([*BASE, ["CUST0099", "Old", "Old", "", "", "", "", "", ""]]))
    new = csv_file([["NAME", "PRINTAS", "EMAIL1"], ["Zeta", "Zeta", "z@x.fr"], ["Eta", "Eta", ""]])
    planned = plan_file(any_store, new, keys=KeyOptions(generate=True))
    assert [r.customer_id for r in planned.records] == ["C4", "C5"]  # the largest family: C1..C3
    prefixed = plan_file(any_store, new, keys=KeyOptions(generate=True, prefix="CUST"))
    assert [r.customer_id for r in prefixed.records] == ["CUST0100", "CUST0101"]
    assert commit(any_store, new, keys=KeyOptions(generate=True)) == "B2"
    matched = csv_file([["EMAIL1", "CITY"], [" A@X.FR ", "Bonn"], ["nobody@x.fr", "Rome"]])
    planned = plan_file(any_store, matched, keys=KeyOptions(match="EMAIL1"))
    assert [r.customer_id for r in planned.records if r.action.value == "update"] == ["C1"]
    commit(any_store, matched, keys=KeyOptions(match="EMAIL1"))
    assert record(any_store, "C1")["CITY"] == "Bonn"


@pytest.mark.parametrize("date_format", [DateFormat.DMY_SLASH, DateFormat.ISO, DateFormat.MDY_SLASH])
def test_the_fast_path_and_the_staged_diff_agree(any_store: CustomerStore, csv_file, date_format) -> None:
    """Unchanged rows are recognised from the stored text (dates in the file's format, decimal commas) and give the
    plan the staged diff gives."""
    written = {DateFormat.DMY_SLASH: "31/01/2024", DateFormat.ISO: "2024-01-31", DateFormat.MDY_SLASH: "01/31/2024"}
    any_store.fields.add("RENEWAL", "date", by=ADMIN)
    table = [["CUSTOMERID", "NAME", "PRINTAS", "CREDITLIMIT", "ONHOLD", "TAXABLE", "ZIP", "LASTNAME", "RENEWAL"]]
    table += [[f"C{i}", f"N{i}", f"N{i}", f"{i}.25", "TRUE" if i % 2 else "", "FALSE", f"{i:05d}", "",
               written[date_format] if i % 3 else ""] for i in range(1, 30)]  # fmt: skip
    commit(any_store, csv_file(table), date_format=date_format)
    again = [row[:] for row in table]
    again[3][1] = "Changed"
    again[5][3] = ""
    fast = plan_file(any_store, csv_file(again), date_format=date_format)
    slow = plan_file(any_store, csv_file(again), date_format=date_format, fast=False)
    assert shape(fast) == shape(slow)
    assert (fast.updated, len(fast.records) - fast.created - fast.updated) == (2, 27)
    assert str(record(any_store, "C1")["RENEWAL"]) == "2024-01-31" and record(any_store, "C3")["RENEWAL"] is None


def test_both_stores_plan_a_file_alike(db: Path, pg_db: str, csv_file, monkeypatch) -> None:
    duck, pg = open_store(str(db)), open_store(pg_db)
    for store in (duck, pg):
        commit(store, csv_file(BASE))
    plans = [(plan_file(s, csv_file(CHANGE)), plan_file(s, csv_file(CHANGE), fast=False)) for s in (duck, pg)]
    assert shape(plans[0][0]) == shape(plans[1][0]) == shape(plans[0][1]) == shape(plans[1][1])
    for store in (duck, pg):
        commit(store, csv_file(CHANGE))
    exported = []
    for store in (duck, pg):
        catalogue = store.fields.catalogue()
        q = store.customers.compile(View("all"), catalogue, user=ADMIN)
        cols = [f.id for f in catalogue.fields]
        keep = [i for i, f in enumerate(cols) if f not in ("WHENCREATED", "WHENMODIFIED", "_SEARCH_TEXT")]
        exported.append([[r[i] for i in keep] for r in store.customers.page(q, 0, 100)])
    assert exported[0] == exported[1]
