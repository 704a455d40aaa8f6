"""What each row of an import does (import-export.md, "What each row does"), through the real command."""

from __future__ import annotations

import csv
import io
import json

import pytest
from acting import ADMIN

from formats.reader import read_file
from services.planning import plan_import
from store import history


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database."""
    return cli_any


@pytest.fixture
def store(cli_any_store):
    """The store the commands run on, for the tests that plan or read through the services."""
    return cli_any_store


@pytest.fixture
def alice(cli_any_alice):
    return cli_any_alice


HEADER = ["CUSTOMERID", "NAME", "PRINTAS", "ZIP", "CREDITLIMIT", "ONHOLD", "TAXABLE", "EMAIL1", "STATUS"]


def customer(cli, cid: str) -> dict:
    """One customer as the CSV for import shows it (every importable field, as text)."""
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "import-csv").out)))
    return next((r for r in rows if r["CUSTOMERID"] == cid), {})


@pytest.fixture
def seeded(cli, write_csv):
    path = write_csv(
        [
            HEADER,
            ["C1", "Alpha", "Alpha SA", "02138", "1234.50", "TRUE", "TRUE", "a@alpha.example", "active"],
            ["C2", "Beta", "Beta", "75001", "", "FALSE", "FALSE", "", "inactive"],
        ]
    )
    result = cli("import", str(path), "--json")
    assert result.code == 0, result.err
    assert result.json["created"] == 2
    return path


def test_new_records_take_defaults_for_absent_and_blank_fields(cli, write_csv):
    path = write_csv([["Customer ID", "Customer name", "Print as", "Taxable"], ["N1", "Nu", "Nu", ""]])
    result = cli("import", str(path), "--json")
    assert result.code == 0 and result.json["created"] == 1
    rec = customer(cli, "N1")
    assert rec["STATUS"] == "active"
    assert rec["ONHOLD"] == "FALSE" and rec["ONETIME"] == "FALSE" and rec["TAXABLE"] == "TRUE"
    assert rec["CITY"] == "" and rec["CREDITLIMIT"] == ""


def test_new_record_needs_name_and_print_as(cli, write_csv):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "Nu", ""], ["N2", "", "Two"]])
    result = cli("import", str(path), "--json")
    assert result.code == 1
    summary = result.json
    assert summary["created"] == 0 and summary["failed"] == 2
    assert {(e["row"], e["column"]) for e in summary["errors"]} == {(2, "PRINTAS"), (3, "NAME")}


def test_blank_cell_erases_and_absent_column_is_untouched(cli, seeded, write_csv):
    path = write_csv([["CUSTOMERID", "ZIP", "EMAIL1"], ["C1", "", "new@alpha.example"]])
    result = cli("import", str(path), "--json")
    assert result.code == 0
    assert result.json["updated"] == 1 and result.json["blanked"] == 1
    rec = customer(cli, "C1")
    assert rec["ZIP"] == "" and rec["EMAIL1"] == "new@alpha.example"
    assert rec["CREDITLIMIT"] == "1234.50" and rec["NAME"] == "Alpha"


def test_identical_row_is_unchanged_and_writes_nothing(cli, seeded):
    again = cli("import", str(seeded), "--json").json
    assert (again["created"], again["updated"], again["unchanged"], again["blanked"]) == (0, 0, 2, 0)
    assert again["batch"] is None
    assert len(cli("history", "--json").json) == 1


@pytest.mark.parametrize("field", ["NAME", "PRINTAS", "STATUS"])
def test_fields_that_cannot_be_blanked(cli, seeded, write_csv, field):
    path = write_csv([["CUSTOMERID", field], ["C1", "  "]])
    result = cli("import", str(path), "--json")
    assert result.code == 1
    (error,) = result.json["errors"]
    assert (error["row"], error["column"]) == (2, field)
    assert "cannot be erased" in error["message"]
    assert customer(cli, "C1")["NAME"] == "Alpha"


def test_blank_checkbox_unticks_and_counts_as_blanked_only_when_it_was_ticked(cli, seeded, write_csv):
    path = write_csv([["CUSTOMERID", "ONHOLD", "TAXABLE"], ["C1", "", ""], ["C2", "", ""]])
    summary = cli("import", str(path), "--json").json
    # C1 had both ticked: two fields erased. C2 had both unticked: unchanged.
    assert (summary["updated"], summary["unchanged"], summary["blanked"]) == (1, 1, 2)
    rec = customer(cli, "C1")
    assert rec["ONHOLD"] == "FALSE" and rec["TAXABLE"] == "FALSE"


def test_same_id_twice_fails_both_rows(cli, write_csv):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["D1", "A", "A"], ["D1", "B", "B"], ["D2", "C", "C"]])
    summary = cli("import", str(path), "--json").json
    assert summary["created"] == 1 and summary["failed"] == 2
    assert sorted(e["row"] for e in summary["errors"]) == [2, 3]
    assert all("appears on rows 2, 3" in e["message"] for e in summary["errors"])


def test_customer_id_is_case_sensitive(cli, seeded, write_csv):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["c1", "lower", "lower"]])
    assert cli("import", str(path), "--json").json["created"] == 1
    assert customer(cli, "C1")["NAME"] == "Alpha"


def test_counts_add_up_and_errors_carry_row_column_value(cli, seeded, write_csv):
    path = write_csv(
        [
            ["CUSTOMERID", "NAME", "EMAIL1", "PRINTAS"],
            ["C1", "Alpha", "bob@", "Alpha SA"],
            ["C2", "Beta2", "", "Beta"],
            ["N9", "New", "", "New"],
            ["C1X", "", "", ""],
        ]
    )
    s = cli("import", str(path), "--json").json
    assert s["status"] == "committed"
    assert s["created"] + s["updated"] + s["unchanged"] + s["failed"] == s["rows"] == 4
    bad = next(e for e in s["errors"] if e["column"] == "EMAIL1")
    assert bad == {"row": 2, "column": "EMAIL1", "value": "bob@", "message": bad["message"]}
    assert "e-mail address" in bad["message"]
    assert set(s) == {
        "status",
        "fields",
        "batch",
        "job",
        "rows",
        "created",
        "updated",
        "unchanged",
        "blanked",
        "failed",
        "errors",
        "warnings",
    }


def test_strict_policy_commits_nothing_while_a_row_fails(cli, seeded, write_csv):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "Changed", "X"], ["N1", "", ""]])
    result = cli("import", str(path), "--strict", "--json")
    assert result.code == 1 and result.json["status"] == "rejected"
    assert customer(cli, "C1")["NAME"] == "Alpha"
    default = cli("import", str(path), "--json")
    assert default.json["status"] == "committed" and default.json["updated"] == 1
    assert customer(cli, "C1")["NAME"] == "Changed"


def test_dry_run_changes_nothing(cli, write_csv, store, alice):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "A", "A"]])
    result = cli("import", str(path), "--dry-run", "--json")
    assert result.code == 0 and result.json["status"] == "dry-run" and result.json["created"] == 1
    assert history.list_batches(store, user=ADMIN) == []
    assert cli("export", "--format", "import-csv").out.count("\n") == 1


def test_preview_and_commit_share_the_plan_and_a_stale_plan_is_refused(cli, seeded, write_csv, store, alice):
    from core.errors import Conflict
    from store.apply import apply_plan

    path = write_csv([["CUSTOMERID", "NAME"], ["C1", "From preview"]])
    plan = plan_import(store, read_file(path), user=alice)
    other = write_csv([["CUSTOMERID", "NAME"], ["C1", "Someone else"]])
    assert cli("import", str(other)).code == 0
    with pytest.raises(Conflict, match="C1"):
        apply_plan(store, plan, user=alice)
    assert customer(cli, "C1")["NAME"] == "Someone else"


def test_errors_out_writes_failed_rows_ready_to_fix(cli, seeded, write_csv, tmp_path):
    path = write_csv(
        [
            ["CUSTOMERID", "NAME", "PRINTAS", "CREDITLIMIT"],
            ["C1", "Alpha", "A", "-5"],
            ["N1", "New", "New", "12.345"],
            ["N2", "Fine", "Fine", "1"],
        ]
    )
    out = tmp_path / "failed.csv"
    result = cli("import", str(path), "--errors-out", str(out), "--json")
    assert result.json["failed"] == 2 and result.json["created"] == 1
    text = out.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("CUSTOMERID,NAME,PRINTAS,CREDITLIMIT,")
    assert lines[1].startswith("C1,Alpha,A,-5,") and "negative" in lines[1]
    assert lines[2].startswith("N1,New,New,12.345,") and "2 decimals" in lines[2]
    assert len(lines) == 3


def test_messages_name_the_columns_as_the_file_heads_them(cli, seeded, write_csv, tmp_path):
    """A file headed in French (or with English labels) hears about its own columns, not about field IDs."""
    path = write_csv(
        [
            ["Identifiant client", "Nom de client", "Imprimer en tant que", "Limite de crédit"],
            ["N1", "Neuf", "Neuf", "beaucoup"],
        ]
    )
    out = tmp_path / "failed.csv"
    result = cli("import", str(path), "--errors-out", str(out))
    assert "Row 2, Limite de crédit ('beaucoup'):" in result.err
    assert "CREDITLIMIT" not in result.err
    failed = out.read_text(encoding="utf-8-sig").splitlines()
    assert failed[1].endswith("Row 2: Limite de crédit: 'beaucoup' is not a number. Write it like 1234.50.")
    # The JSON keeps the field ID: scripts read it (cli.md).
    assert cli("import", str(path), "--json").json["errors"][0]["column"] == "CREDITLIMIT"


def test_fixed_failed_rows_file_imports_as_it_is(cli, seeded, write_csv, tmp_path):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS", "CREDITLIMIT"], ["N1", "New", "New", "12.345"]])
    out = tmp_path / "failed.csv"
    cli("import", str(path), "--errors-out", str(out))
    fixed = out.read_text(encoding="utf-8-sig").replace("12.345", "12.35")
    out.write_text(fixed, encoding="utf-8")
    again = cli("import", str(out), "--json").json
    assert again["created"] == 1 and again["failed"] == 0
    assert any("Import errors" in w["message"] for w in again["warnings"])


def test_dry_run_lists_erased_fields_changes_and_new_customers(cli, seeded, write_csv):
    path = write_csv([["CUSTOMERID", "NAME", "ZIP"], ["C1", "Alpha Renamed", ""], ["N7", "Newbie", ""]])
    out = cli("import", str(path), "--dry-run").out
    erased = out.split("Fields that will be ERASED (1):")[1]
    assert "C1" in erased.splitlines()[1] and "ZIP" in erased.splitlines()[1] and "02138 -> (empty)" in erased
    assert "Alpha -> Alpha Renamed" in out
    assert "New customers" not in out  # N7 lacks PRINTAS: it fails, it is not new


def test_letters_lost_to_a_narrow_encoding_are_refused_not_imported(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["P1", "Łódzkie Zakłady", "高橋食品"]])))
    # What Excel's "CSV (Windows-1252)" writes for those names: the letters it cannot hold become "?".
    damaged = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["P1", "?ódzkie Zak?ady", "????"]])
    summary = cli("import", str(damaged), "--json").json
    assert summary["failed"] == 1 and summary["updated"] == 0
    assert {e["column"] for e in summary["errors"]} == {"NAME", "PRINTAS"}
    assert "CSV UTF-8" in summary["errors"][0]["message"]
    assert "“Łódzkie Zakłady”" in summary["errors"][0]["message"]
    assert customer(cli, "P1")["NAME"] == "Łódzkie Zakłady"
    # A real change that happens to contain a question mark is not mistaken for it.
    honest = write_csv([["CUSTOMERID", "NAME"], ["P1", "Who? Łódzkie"]])
    assert cli("import", str(honest), "--json").json["updated"] == 1


@pytest.mark.usefixtures("pg_gap_without_list")
def test_letters_lost_are_refused_without_showing_the_stored_name_to_a_user_without_list(cli, write_csv):
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["P1", "Łódzkie Zakłady", "高橋食品"]])))
    damaged = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["P1", "?ódzkie Zak?ady", "????"]])
    # A user who may change customers but not see them is not shown the stored name.
    cli("users", "add", "clerk", "--perms", "add,edit")
    hidden = cli("--user", "clerk", "import", str(damaged), "--json").json
    assert hidden["failed"] == 1 and "Łódzkie" not in json.dumps(hidden, ensure_ascii=False)
    assert "the stored text with question marks" in hidden["errors"][0]["message"]


def test_a_us_file_imported_as_dd_mm_swaps_no_day_and_month(cli, write_csv):
    """12/25/2024 shows the file is MM/DD/YYYY, so 12/09/2019 must not become 12 September: it fails too, naming the
    format to import with; imported with that format, every date is read as written."""
    assert cli("fields", "add", "CONTRACT_START", "--type", "date").code == 0
    rows = [["CUSTOMERID", "NAME", "PRINTAS", "CONTRACT_START"]]
    dates = ["12/25/2024", "12/09/2019", "05/05/2020"]
    rows += [[f"U{i}", "Acme", "Acme", date] for i, date in enumerate(dates)]
    path = write_csv(rows)
    summary = cli("import", str(path), "--json").json
    assert summary["created"] == 1 and summary["failed"] == 2  # 05/05/2020 is the same date either way
    by_row = {e["row"]: e["message"] for e in summary["errors"]}
    assert "could be 12 September 2019 or 9 December 2019" in by_row[3]
    assert "Import the file with the date format MM/DD/YYYY" in by_row[3]
    assert not customer(cli, "U1")
    assert cli("import", str(path), "--date-format", "MM/DD/YYYY", "--json").json["created"] == 2
    assert customer(cli, "U1")["CONTRACT_START"] == "09/12/2019"  # 9 December, shown as DD/MM/YYYY


def test_one_stray_us_date_in_a_european_file_fails_alone(cli, write_csv):
    assert cli("fields", "add", "CONTRACT_START", "--type", "date").code == 0
    dates = [f"{d:02d}/0{m}/2020" for d in range(1, 13) for m in (1, 2)] + ["12/31/2020"]  # 24 DD/MM dates, 1 typo
    rows = [["CUSTOMERID", "NAME", "PRINTAS", "CONTRACT_START"]]
    rows += [[f"E{i:02d}", "Acme", "Acme", date] for i, date in enumerate(dates)]
    summary = cli("import", str(write_csv(rows)), "--json").json
    assert summary["failed"] == 1 and summary["created"] == 24
    assert summary["errors"][0]["value"] == "12/31/2020"


def test_a_blank_checkbox_is_previewed_as_the_false_it_writes(cli, write_csv):
    """The dry run says what the commit writes: an update's blank checkbox unticks (FALSE), it is not emptied."""
    assert cli("init").code == 0
    assert (
        cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS", "ONETIME"], ["C1", "A", "A", "TRUE"]]))).code
        == 0
    )
    preview = cli("import", str(write_csv([["CUSTOMERID", "ONETIME"], ["C1", ""]])), "--dry-run")
    assert "TRUE -> FALSE" in preview.out and "(empty)" not in preview.out


def test_the_row_limit_is_shown_set_by_option_or_environment_and_the_refusal_says_how_to_raise_it(
    cli, write_csv, monkeypatch, capsys
):
    """A CSV for import of a store over 25,000 customers must import back (issue 18, item 3)."""
    import pytest

    assert cli("init").code == 0
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], *[[f"C{i}", "A", "A"] for i in range(5)]])
    monkeypatch.setenv("CUSTBOOK_MAX_ROWS", "3")
    refused = cli("import", str(path))
    assert refused.code == 1 and "the limit is 3" in refused.err
    assert "--max-rows 6" in refused.err and "CUSTBOOK_MAX_ROWS" in refused.err
    assert cli("import", str(path), "--max-rows", "5", "--json").json["created"] == 5
    monkeypatch.setenv("CUSTBOOK_MAX_ROWS", "lots")
    assert cli("import", str(path)).code == 2
    with pytest.raises(SystemExit):
        cli("import", "--help")
    assert "--max-rows N" in capsys.readouterr().out
