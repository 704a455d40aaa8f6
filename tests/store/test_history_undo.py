"""Batches, history and undo (import-export.md, "Preview, commit, results")."""

from __future__ import annotations

import csv
import io

import pytest


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database."""
    return cli_any


def snapshot(cli) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(cli("export", "--format", "import-csv").out)))


def test_each_commit_is_a_batch_with_user_time_file_and_field_changes(cli, write_csv):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "Alpha", "Alpha"]], name="first.csv")
    assert cli("import", str(path), "--json").json["batch"] == "B1"
    upd = write_csv([["CUSTOMERID", "NAME"], ["C1", "Alpha Two"]], name="second.csv")
    assert cli("import", str(upd), "--json").json["batch"] == "B2"
    (b2, b1) = cli("history", "--json").json
    assert (b1["id"], b1["user"], b1["file_name"], b1["created"]) == ("B1", "alice", "first.csv", 1)
    assert (b2["id"], b2["file_name"], b2["updated"]) == ("B2", "second.csv", 1)
    changes = cli("history", "--batch", "B2", "--json").json["changes"]
    assert [(c["customer_id"], c["field"], c["old"], c["new"]) for c in changes] == [
        ("C1", "NAME", "Alpha", "Alpha Two")
    ]
    per_customer = cli("history", "C1").out
    assert "Alpha -> Alpha Two" in per_customer


def test_undo_restores_the_state_before_the_batch(cli, write_csv):
    base = write_csv([["CUSTOMERID", "NAME", "PRINTAS", "ZIP", "ONHOLD"], ["C1", "Alpha", "A", "02138", "TRUE"]])
    cli("import", str(base))
    before = snapshot(cli)
    change = write_csv(
        [
            ["CUSTOMERID", "NAME", "PRINTAS", "ZIP", "ONHOLD"],
            ["C1", "Changed", "A", "", ""],
            ["N1", "New", "New", "", ""],
        ]
    )
    assert cli("import", str(change), "--json").json["batch"] == "B2"
    assert snapshot(cli) != before
    result = cli("undo", "B2")
    assert result.code == 0, result.err
    assert snapshot(cli) == before
    again = cli("undo", "B2")
    assert again.code == 1 and "already undone" in again.err


def test_undo_is_refused_whole_when_a_later_change_touched_the_batch(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "A", "A"], ["C2", "B", "B"]])))
    cli("import", str(write_csv([["CUSTOMERID", "CITY"], ["C1", "Paris"], ["C2", "Lyon"]])))  # B2
    cli("import", str(write_csv([["CUSTOMERID", "CITY"], ["C2", "Nice"]])))  # B3 touches C2 CITY again
    before = snapshot(cli)
    result = cli("undo", "B2")
    assert result.code == 1
    assert "C2 (City)" in result.err and "C1" not in result.err.split("since:")[1].split(".")[0]
    assert "Undo the later batches first (B3)" in result.err  # names the batch in the way
    assert snapshot(cli) == before
    assert cli("undo", "B3").code == 0
    assert cli("undo", "B2").code == 0
    assert {r["CUSTOMERID"]: r["CITY"] for r in snapshot(cli)} == {"C1": "", "C2": ""}


def test_the_batches_named_in_the_way_are_those_whose_changes_are_in_effect(cli, write_csv):
    """A later batch already undone, and the undo that took it out, are not in the way: undoing B3 alone is enough
    (a newcomer was told to undo B5, B4 and B3, and undoing B5 would have put B4's changes back)."""
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "A", "A"]])))  # B1
    cli("import", str(write_csv([["CUSTOMERID", "CITY"], ["C1", "Paris"]])))  # B2
    cli("import", str(write_csv([["CUSTOMERID", "CITY"], ["C1", "Lyon"]])))  # B3
    cli("import", str(write_csv([["CUSTOMERID", "CITY"], ["C1", "Nice"]])))  # B4
    assert cli("undo", "B4").code == 0  # B5: C1 is in Lyon again
    refused = cli("undo", "B2")
    assert refused.code == 1 and "Undo the later batches first (B3)" in refused.err, refused.err
    assert cli("undo", "B3").code == 0 and cli("undo", "B2").code == 0


def test_undo_of_a_creation_is_refused_when_another_record_now_points_to_it(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["P1", "P", "P"]])))
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS", "PARENTID"], ["K1", "K", "K", "P1"]])))
    result = cli("undo", "B1")
    assert result.code == 1 and "K1 (Parent customer ID)" in result.err


def test_undo_needs_edit_permission_and_a_known_batch(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "A", "A"]])))
    assert cli("undo", "B99").code == 1
    assert cli("undo", "banana").code == 2
    cli("users", "add", "viewer", "--type", "employee", "--perms", "list")
    assert cli("--user", "viewer", "undo", "B1").code == 3


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
def test_undoing_an_undo_puts_the_batch_back_and_that_can_be_undone_again(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS", "CITY"], ["C1", "Alpha", "A", "Oslo"]])))
    before = snapshot(cli)
    change = write_csv(
        [["CUSTOMERID", "NAME", "PRINTAS", "CITY"], ["C1", "Alpha", "A", ""], ["N1", "Nouveau", "N", "Lyon"]]
    )
    assert cli("import", str(change), "--json").json["batch"] == "B2"
    after = snapshot(cli)
    assert cli("undo", "B2").code == 0  # B3
    assert snapshot(cli) == before
    redo = cli("undo", "B3")  # B4: B2's changes again, N1 back with the values it had
    assert redo.code == 0, redo.err
    assert snapshot(cli) == after
    history = cli("history").out
    assert "undo of B3: 1 restored, 0 removed, 1 brought back" in history
    assert "Undid batch B3 (recorded as B4): the changes of B2 are back." in redo.out
    refused = cli("undo", "B2")
    assert refused.code == 1
    assert "Batch B2's changes are in place again: B4 put them back. To take them out, undo B4." in refused.err
    third = cli("undo", "B4")  # B5: the undo of the undo of the undo
    assert third.code == 0 and "Undid batch B4 (recorded as B5): the changes of B2 are out again." in third.out
    assert snapshot(cli) == before
    # Every batch of the chain says where things stand and names the one batch to undo, however long the chain.
    out_again = cli("undo", "B2").err
    assert "Batch B2's changes are out again: B5 took them out. To put them back, undo B5." in out_again
    assert "Batch B4 was already undone by B5. To put its changes back, undo B5." in cli("undo", "B4").err


def test_an_undo_is_not_undone_when_a_removed_customer_id_was_taken_again(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "First", "F"]])))  # B1
    assert cli("undo", "B1").code == 0  # B2 removes N1
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "Other", "O"]])))  # B3 takes N1 again
    before = snapshot(cli)
    refused = cli("undo", "B2")
    assert refused.code == 1
    assert "N1 (Customer ID)" in refused.err and "Undo the later batches first (B3)" in refused.err
    assert snapshot(cli) == before


def test_a_customer_comes_back_only_with_its_parent(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["P1", "Parent", "P"]])))  # B1
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS", "PARENTID"], ["K1", "Kid", "K", "P1"]])))  # B2
    assert cli("undo", "B2").code == 0  # B3 removes K1
    assert cli("undo", "B1").code == 0  # B4 removes P1
    refused = cli("undo", "B3")  # K1 would come back pointing at no one
    assert refused.code == 1 and "K1 (Parent customer ID)" in refused.err
    assert cli("undo", "B4").code == 0  # P1 back first
    assert cli("undo", "B3").code == 0
    assert {r["CUSTOMERID"]: r["PARENTID"] for r in snapshot(cli)} == {"P1": "", "K1": "P1"}


def test_bringing_customers_back_needs_the_add_permission(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "New", "N"]])))  # B1
    assert cli("undo", "B1").code == 0  # B2
    cli("users", "add", "editor", "--type", "employee", "--perms", "list,edit")
    denied = cli("--user", "editor", "undo", "B2")
    assert denied.code == 3 and snapshot(cli) == []


def test_a_customer_brought_back_stays_at_its_entity(cli, write_csv):
    cli("entities", "add", "E1", "--name", "East")
    cli("--entity", "E1", "import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "New", "N"]])))
    assert cli("--entity", "E1", "undo", "B1").code == 0
    assert cli("--entity", "E1", "undo", "B2").code == 0
    assert [
        r["CUSTOMERID"]
        for r in csv.DictReader(io.StringIO(cli("--entity", "E1", "export", "--format", "import-csv").out))
    ] == ["N1"]
    assert snapshot(cli) == []  # not at the top level


def test_a_batch_is_undone_at_the_level_it_was_made_at(cli, write_csv):
    cli("entities", "add", "E1", "--name", "East")
    cli("entities", "add", "E2", "--name", "West")
    cli("--entity", "E1", "import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "New", "N"]])))  # B1
    top = cli("undo", "B1")
    assert top.code == 1
    assert "Batch B1 was made in entity E1, not the top level" in top.err
    assert "custbook --entity E1 undo B1" in top.err
    other = cli("--entity", "E2", "undo", "B1")
    assert other.code == 1 and "not entity E2" in other.err
    assert [
        r["CUSTOMERID"]
        for r in csv.DictReader(io.StringIO(cli("--entity", "E1", "export", "--format", "import-csv").out))
    ] == ["N1"]
    assert cli("--entity", "E1", "undo", "B1").code == 0
