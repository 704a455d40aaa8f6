"""A user with Edit but not List learns no stored value through an import (issue 17, item 11): "1 unchanged"
against "1 updated" told whether the store held the file's value. Without List, the dry run, the commit, the JSON,
a job's result and the interface's preview count the rows applied to existing customers as one number, say
nothing of which of them change, and nothing of where another entity's customer is. A real store, no mocks: the
same file shape with one unchanged and one updated row reads exactly as one with two updated rows."""

from __future__ import annotations

import json
import re

import pytest

from core.plan import ImportOptions
from core.values import DateFormat
from formats.reader import read_file
from services import imports
from tui.import_rows import PlanRows, tab_title, told_tabs
from tui.plan_words import commit_question, counts_text, outcome

HEADER = ["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1", "ZIP"]


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database (where bob connects as his
    role)."""
    return cli_any


@pytest.fixture
def bob(cli, write_csv):
    """A store with C1 and C2 (alice, the administrator, imported them) and bob, who may edit but not list."""
    assert cli("init").code == 0
    seeded = cli("import", str(write_csv([HEADER, ["C1", "Ann", "Ann", "a@x.org", "02138"],
                                          ["C2", "Bo", "Bo", "b@x.org", "75001"]], "seed.csv")))  # fmt: skip
    assert seeded.code == 0, seeded.err
    assert cli("users", "add", "bob", "--perms", "edit").code == 0
    return "bob"


def _files(write_csv):
    """Same name, same shape: C1 unchanged and C2 updated, or both updated (an e-mail changed, a ZIP blanked)."""
    one_same = write_csv([HEADER, ["C1", "Ann", "Ann", "a@x.org", "02138"], ["C2", "Bo", "Bo", "new@x.org", ""]],
                         "same.csv")  # fmt: skip
    both = write_csv(
        [HEADER, ["C1", "Ann", "Ann", "z@x.org", "02138"], ["C2", "Bo", "Bo", "new@x.org", ""]], "both.csv"
    )
    return one_same, both


def _said(result) -> tuple[int, str, str]:
    """What the user read, with the file's name, the batch and job numbers and the times made alike."""
    words = (result.out + "\x00" + result.err).replace("same.csv", "FILE").replace("both.csv", "FILE")
    words = re.sub(r"\b([BJ])\d+\b", r"\1?", words)
    out, err = re.sub(r"\d\d:\d\d(:\d\d)?", "HH:MM", words).split("\x00")
    return result.code, out, err


@pytest.mark.usefixtures("pg_gap_without_list")
def test_a_dry_run_without_list_reads_the_same_whether_rows_change_or_not(cli, bob, write_csv):
    same, both = _files(write_csv)
    for options in ((), ("--json",)):
        told = [_said(cli("--user", bob, "import", str(f), "--dry-run", *options)) for f in (same, both)]
        assert told[0] == told[1], options
    text = cli("--user", bob, "import", str(same), "--dry-run").out
    assert "2 rows: 0 new, 2 to apply to existing customers, 0 failed." in text
    assert "unchanged" not in text and "updated" not in text.lower() and "ERASED" not in text
    summary = cli("--user", bob, "import", str(same), "--dry-run", "--json").json
    assert {k: summary[k] for k in ("rows", "created", "updated", "unchanged", "blanked", "failed", "applied")} == {
        "rows": 2, "created": 0, "updated": None, "unchanged": None, "blanked": None, "failed": 0, "applied": 2,
    }  # fmt: skip
    assert summary["fields"] == {}
    # A user with List sees the split as before, and no `applied`.
    listed = cli("import", str(same), "--dry-run", "--json").json
    assert (listed["updated"], listed["unchanged"], listed["blanked"], "applied" in listed) == (1, 1, 1, False)
    assert listed["fields"] == {
        "EMAIL1": {"created": 0, "updated": 1, "blanked": 0}, "ZIP": {"created": 0, "updated": 0, "blanked": 1},
    }  # fmt: skip


@pytest.mark.usefixtures("pg_gap_without_list")
def test_committed_and_queued_results_without_list_read_the_same_too(cli, bob, write_csv):
    same, both = _files(write_csv)
    results = []
    for path in (same, both):  # each from the store as bob found it: his batch is undone after it
        result = cli("--user", bob, "import", str(path), "--json")
        results.append(_said(result))
        assert cli("undo", result.json["batch"]).code == 0
    first, second = results
    assert first == second and json.loads(first[1])["batch"] == "B?"  # a batch even when a row changes nothing
    assert cli("--user", bob, "import", str(same), "--offline").code == 0
    assert cli("--user", bob, "import", str(both), "--offline").code == 0
    assert cli("jobs", "run", "--once").code == 0
    shown = [_said(cli("--user", bob, "jobs", "show", job)) for job in ("J1", "J2")]
    assert shown[0] == shown[1]
    assert "2 applied to existing customers" in shown[0][1]
    results = [cli("--user", bob, "jobs", "show", job, "--json").json["result"] for job in ("J1", "J2")]
    assert {k: v for k, v in results[0].items() if k not in ("job", "batch")} == {
        k: v for k, v in results[1].items() if k not in ("job", "batch")
    }
    # The administrator's history keeps the truth.
    assert "same.csv: 0 created, 1 updated" in cli("history").out


@pytest.mark.usefixtures("pg_gap_without_list")
def test_the_interface_s_preview_without_list_reads_the_same(cli, bob, write_csv, cli_any_as):
    same, both = _files(write_csv)
    store, user = cli_any_as(bob)
    plans = [imports.plan(store, read_file(f), user=user, entity=None, options=ImportOptions()) for f in (same, both)]
    catalogue = store.fields.catalogue()
    seen = []
    for plan in plans:
        rows = PlanRows(plan, catalogue, DateFormat.DMY_SLASH, "yellow")
        assert told_tabs(plan) == ("fields", "new", "updated", "errors", "warnings")
        tabs = {pane: rows.tab(pane) for pane in told_tabs(plan)}
        lines = {p: (t.columns, [tuple(map(str, r)) for r in t.rows], t.details) for p, t in tabs.items()}
        seen.append((
            counts_text(plan, "yellow", "red").plain, rows.sizes(), tab_title("updated", plan),
            commit_question(plan).replace(plan.file_name, "FILE"), outcome(plan, "B9").replace(plan.file_name, "F"),
            plan.commits_anything, lines,
        ))  # fmt: skip
    assert seen[0] == seen[1]
    assert seen[0][0] == "Rows 2 · New 0 · To apply 2 · Failed 0 · Warnings 0"
    assert seen[0][6]["updated"][2] == [
        "Row 2: C1, Ann, gets the file's values",
        "Row 3: C2, Bo, gets the file's values",
    ]


@pytest.mark.usefixtures("pg_gap_without_list")
def test_without_list_another_entity_s_customer_is_not_placed(cli, bob, write_csv):
    assert cli("entities", "add", "EU", "--name", "Europe").code == 0
    assert cli("entities", "add", "US", "--name", "States").code == 0
    assert cli("--entity", "US", "import", str(write_csv([HEADER, ["U1", "Uma", "Uma", "", ""]], "us.csv"))).code == 0
    path = write_csv([HEADER, ["C1", "Ann", "Ann", "x@x.org", ""], ["U1", "Uma", "Uma", "x@x.org", ""]], "eu.csv")
    errors = cli("--user", bob, "--entity", "EU", "import", str(path), "--dry-run", "--json").json["errors"]
    assert [e["message"] for e in errors] == [
        "Customer C1 cannot be changed from this entity.", "Customer U1 cannot be changed from this entity.",
    ]  # fmt: skip
    told = [e["message"] for e in cli("--entity", "EU", "import", str(path), "--dry-run", "--json").json["errors"]]
    assert "top level" in told[0] and "another entity" in told[1]  # a user with List is told where they are


def test_without_list_no_customer_is_found_by_its_stored_values(cli, bob, write_csv):
    path = write_csv([["NAME", "PRINTAS", "EMAIL1"], ["Ann", "Ann", "a@x.org"]], "match.csv")
    refused = cli("--user", bob, "import", str(path), "--match", "EMAIL1", "--dry-run")
    assert refused.code == 3 and "bob may not find customers by EMAIL1 (--match)" in refused.err
    assert cli("import", str(path), "--match", "EMAIL1", "--dry-run", "--json").json["matched"] == [
        {"row": 2, "id": "C1"}
    ]


def test_unknown_users_and_users_without_list_see_no_users_nor_entities(cli, bob):
    assert cli("--user", "mallory", "users", "list").code == 3
    assert cli("--user", bob, "entities", "list").code == 3
    assert "bob" in cli("users", "list").out
