"""Users, permissions and entities as imports see them (fields.md, "Users and permissions", "Entities")."""

from __future__ import annotations

import csv
import io

import pytest


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database (where `--user` connects as
    that user's role)."""
    return cli_any


def rows(cli, *args: str) -> dict[str, dict[str, str]]:
    out = cli(*args, "export", "--format", "import-csv").out
    return {r["CUSTOMERID"]: r for r in csv.DictReader(io.StringIO(out))}


def test_first_user_gets_every_permission_and_unknown_users_are_refused(cli):
    assert cli("init").code == 0
    listed = cli("users", "list").out
    assert "alice" in listed and "list,add,edit" in listed
    result = cli("--user", "mallory", "export", "--format", "import-csv")
    assert result.code == 3 and "mallory" in result.err


def test_rows_the_user_may_not_apply_fail_with_the_reason(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "A", "A"]])))
    cli("users", "add", "editor", "--perms", "list,edit")
    cli("users", "add", "adder", "--perms", "list,add")
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "A2", "A"], ["N1", "N", "N"]])
    as_editor = cli("--user", "editor", "import", str(path), "--json").json
    assert (as_editor["updated"], as_editor["created"], as_editor["failed"]) == (1, 0, 1)
    assert as_editor["errors"][0]["row"] == 3 and as_editor["errors"][0]["column"] is None
    assert "Add permission" in as_editor["errors"][0]["message"]
    path2 = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "A3", "A"], ["N1", "N", "N"]])
    as_adder = cli("--user", "adder", "import", str(path2), "--json").json
    assert (as_adder["updated"], as_adder["created"], as_adder["failed"]) == (0, 1, 1)
    assert "Edit permission" in as_adder["errors"][0]["message"]


def test_user_with_neither_add_nor_edit_is_refused_before_the_file_is_read(cli, tmp_path):
    cli("init")
    cli("users", "add", "viewer", "--type", "employee", "--perms", "list")
    result = cli("--user", "viewer", "import", str(tmp_path / "does-not-exist.csv"))
    assert result.code == 3
    assert "viewer may not import customers (the Add or Edit permission is missing)" in result.err
    assert "custbook users add viewer --perms list,add,edit" in result.err  # new rows need Add, updates Edit


def test_export_needs_list_permission(cli):
    cli("init")
    cli("users", "add", "blind", "--perms", "add,edit")
    assert cli("--user", "blind", "export", "--format", "import-csv").code == 3


def test_import_inside_an_entity_owns_new_records_and_cannot_touch_others(cli, write_csv):
    cli("entities", "add", "EU", "--name", "Europe SAS")
    cli("entities", "add", "US", "--name", "Americas Inc.")
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["TOP1", "T", "T"]])))
    eu = cli("--entity", "EU", "import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["EU1", "E", "E"]])))
    assert eu.code == 0
    us = cli(
        "--entity", "US", "import", str(write_csv([["CUSTOMERID", "NAME"], ["EU1", "stolen"], ["TOP1", "x"]])), "--json"
    )
    # Inside US, EU's records are not visible: the message does not name the entity that owns them either.
    assert us.json["failed"] == 2 and "belongs to another entity" in us.json["errors"][0]["message"]
    assert "EU" not in us.json["errors"][0]["message"].replace("EU1", "")
    # Top level sees top-level records; each entity its own plus the top level.
    assert set(rows(cli)) == {"TOP1"}
    assert set(rows(cli, "--entity", "EU")) == {"TOP1", "EU1"}
    assert set(rows(cli, "--entity", "US")) == {"TOP1"}
    assert cli("--entity", "XX", "export", "--format", "import-csv").code == 1


def test_only_administrators_manage_users_fields_and_entities(cli):
    cli("init")
    cli("users", "add", "zoe", "--type", "employee", "--perms", "list")
    as_zoe = [
        cli("--user", "zoe", "users", "add", "zoe", "--type", "business", "--perms", "list,add,edit"),
        cli("--user", "zoe", "fields", "add", "HACK", "--type", "text", "--required"),
        cli("--user", "zoe", "entities", "add", "XX", "--name", "Nope"),
    ]
    assert [r.code for r in as_zoe] == [3, 3, 3]
    assert "zoe" in cli("users", "list").out and "employee" in cli("users", "list").out
    assert "HACK" not in cli("fields", "list").out
    assert cli("entities", "list").out == ""


def test_user_names_match_without_regard_to_case(cli, on_postgresql):
    cli("init")
    assert cli("users", "add", "Zoe", "--type", "employee", "--perms", "list").code == 0
    if on_postgresql:  # the acting user is the role connected as, spelled as the server knows it (cli.md)
        assert cli("--user", "Zoe", "export", "--format", "import-csv").code == 0
        assert cli("--user", "ZOE", "export", "--format", "import-csv").code == 3  # no such role logs in
    else:
        # The same person logs in as ZOE on one machine and zoe on another: one user, its permissions unchanged.
        assert cli("--user", "ZOE", "export", "--format", "import-csv").code == 0
        assert cli("--user", "zoe", "import", "nothing.csv").code == 3
    # An administrator typing the name in another case changes that user (on PostgreSQL, the role "Zoe").
    assert cli("users", "add", "zoe", "--type", "employee", "--perms", "list,add").code == 0
    listed = cli("users", "list").out
    assert listed.count("Zoe") == 1 and "zoe" not in listed and "list,add" in listed


def test_changing_a_users_permissions_keeps_their_type_and_the_refusal_gives_the_whole_command(cli, tmp_path):
    cli("init")
    assert cli("users", "add", "ana", "--type", "employee", "--perms", "list").code == 0
    refused = cli("--user", "ana", "import", str(tmp_path / "any.csv"))
    assert refused.code == 3 and "custbook users add ana --perms list,add,edit." in refused.err  # paste-able as it is
    assert cli("users", "add", "ana", "--perms", "list,add").code == 0
    line = next(x for x in cli("users", "list").out.splitlines() if x.startswith("ana"))
    assert line.split()[1:] == ["employee", "list,add"]
    assert cli("users", "add", "ana", "--type", "approver").code == 0  # and the other way round
    line = next(x for x in cli("users", "list").out.splitlines() if x.startswith("ana"))
    assert line.split()[1:] == ["approver", "list,add"]


def test_an_administrator_removes_a_user_who_can_then_no_longer_act(cli, write_csv):
    cli("init")
    cli("users", "add", "zoe", "--type", "employee", "--perms", "list,add,edit")
    assert (
        cli("--user", "zoe", "import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["Z1", "Z", "Z"]]))).code == 0
    )
    assert cli("--user", "zoe", "users", "remove", "alice").code == 3  # only administrators remove users
    removed = cli("users", "remove", "ZOE")
    assert removed.code == 0 and "User zoe removed" in removed.out
    assert "zoe" not in cli("users", "list").out
    assert cli("--user", "zoe", "export", "--format", "import-csv").code == 3  # unknown now: refused
    assert "zoe" in cli("history").out  # what she did stays in the history
    assert cli("users", "remove", "nobody").code == 1
    myself = cli("users", "remove", "alice")
    assert myself.code == 2 and "cannot remove yourself" in myself.err


@pytest.mark.usefixtures("pg_gap_first_administrator_stays")
def test_another_administrator_removes_the_first_one_and_the_last_one_stays(cli):
    cli("init")
    cli("users", "add", "bob", "--type", "business", "--perms", "list,add,edit")
    assert cli("--user", "bob", "users", "remove", "alice").code == 0  # another administrator may
    assert cli("--user", "bob", "users", "remove", "bob").code == 2  # and bob, the last one, stays


def test_an_empty_permission_list_gives_no_permission_not_the_default(cli):
    cli("init")
    made = cli("users", "add", "noone", "--type", "employee", "--perms", "")
    assert made.code == 0 and "User noone: employee, permissions none." in made.out
    assert cli("--user", "noone", "export", "--format", "import-csv").code == 3
    kept = cli("users", "add", "noone", "--type", "business")  # no --perms: they stay as they are
    assert "permissions none" in kept.out


def test_an_unknown_user_cannot_list_the_users(cli, monkeypatch, on_postgresql, request):
    """Every command refuses a name the store does not know (cli.md); `users list` answered anyone."""
    assert cli("init").code == 0
    if on_postgresql:  # zed: a role of the server (which lets it log in) that is no user of this store
        import psycopg

        with psycopg.connect(request.getfixturevalue("pg_url"), autocommit=True) as con:
            con.execute("DO $x$ BEGIN CREATE ROLE zed; EXCEPTION WHEN duplicate_object THEN NULL; END $x$")
    monkeypatch.setenv("CUSTBOOK_USER", "zed")
    refused = cli("users", "list")
    unknown = "The role zed is not a user of this store" if on_postgresql else "There is no user named zed"
    assert refused.code == 3 and unknown in refused.err and refused.out == ""
    monkeypatch.setenv("CUSTBOOK_USER", "alice")
    assert "alice" in cli("users", "list").out


def test_the_last_administrator_cannot_take_their_own_rights_away(cli):
    """cli.md: a change that would leave a store with no administrator is refused (issue 17, item 9); before,
    `users add alice --perms list` exited 0 and nobody could manage the store any more."""
    assert cli("init").code == 0
    for change in (("--perms", "list"), ("--type", "employee")):
        refused = cli("users", "add", "alice", *change)
        assert refused.code == 2 and "no administrator" in refused.err, refused.err
    assert "alice                business   list,add,edit" in cli("users", "list").out


@pytest.mark.usefixtures("pg_gap_first_administrator_stays")
def test_the_first_administrator_may_step_down_once_another_one_is_there(cli):
    assert cli("init").code == 0
    assert cli("users", "add", "bob", "--type", "business", "--perms", "list,add,edit").code == 0
    assert cli("users", "add", "alice", "--perms", "list").code == 0  # bob administers the store now
