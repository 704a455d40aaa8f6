"""Spreadsheet damage is warned about (issue 18): the CSV for import opened and saved by a spreadsheet comes back
with ZIP codes without their leading zero, days and months swapped and long numbers in scientific notation. The
plan warns once per field and kind, with a count and the first row; it still writes what the file says."""

from __future__ import annotations

import csv
import io

import pytest


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database."""
    return cli_any


def _export(cli) -> list[list[str]]:
    return list(csv.reader(io.StringIO(cli("export", "--format", "import-csv").out)))


def test_a_file_damaged_by_a_spreadsheet_is_warned_about_field_by_field(cli, write_csv):
    cli("fields", "add", "RENEWAL", "--type", "date")
    header = ["CUSTOMERID", "NAME", "PRINTAS", "ZIP", "PHONE1", "RENEWAL"]
    stored = [
        ["C1", "Alpha", "Alpha", "07030", "123456789012345", "04/03/2024"],
        ["C2", "Beta", "Beta", "02138", "+1 617 555 0100", "25/12/2024"],
        ["C3", "Gamma", "Gamma", "00501", "987654321098765", "05/06/2024"],
    ]
    assert cli("import", str(write_csv([header, *stored]))).code == 0
    rows = _export(cli)
    cols = {name: rows[0].index(name) for name in ("ZIP", "PHONE1", "RENEWAL")}
    assert rows[1][cols["ZIP"]] == "07030"
    # What a spreadsheet gives back: leading zeros gone, day and month read the other way, exponents.
    damaged = [
        ["C1", "Alpha", "Alpha", "7030", "1.23457E+14", "03/04/2024"],
        ["C2", "Beta", "Beta", "2138", "+1 617 555 0100", "25/12/2024"],  # 25/12 cannot swap: untouched
        ["C3", "Gamma", "Gamma", "501", "9.87654E+14", "06/05/2024"],
    ]
    result = cli("import", str(write_csv([header, *damaged])), "--dry-run", "--json")
    warnings = {w["column"]: w["message"] for w in result.json["warnings"]}
    assert set(warnings) == {"ZIP", "PHONE1", "RENEWAL"}, warnings
    assert (
        "ZIP or postal code: 3 values lost their leading zeros" in warnings["ZIP"]
        and "row 2: 07030 → 7030" in warnings["ZIP"]
    )
    assert "2 values became numbers in scientific notation" in warnings["PHONE1"]
    assert (
        "2 values have day and month swapped" in warnings["RENEWAL"]
        and "2024-03-04 → 2024-04-03" in warnings["RENEWAL"]
    )
    assert all("Excel (.xlsx)" in m for m in warnings.values())
    assert result.json["updated"] == 3  # warned, not refused: the user may mean it
    plain = cli("import", str(write_csv([header, *damaged])), "--dry-run")
    assert "3 values lost their leading zeros" in plain.err  # the dry run says it too


def test_ordinary_edits_are_not_taken_for_damage(cli, write_csv):
    cli("fields", "add", "RENEWAL", "--type", "date")
    header = ["CUSTOMERID", "NAME", "PRINTAS", "ZIP", "PHONE1", "RENEWAL"]
    assert cli("import", str(write_csv([header, ["C1", "A", "A", "07030", "123456789012", "04/03/2024"]]))).code == 0
    edited = [header, ["C1", "A", "A", "07031", "123456789013", "05/03/2024"]]
    result = cli("import", str(write_csv(edited)), "--dry-run", "--json")
    assert result.json["updated"] == 1 and result.json["warnings"] == []


def test_new_customers_with_numbers_in_scientific_notation_are_warned_about(cli, write_csv):
    """A re-walk created a customer whose phone read 1.23457E+14 without a word: no old value to compare with, but
    no phone or account number is written that way by a person."""
    header = ["CUSTOMERID", "NAME", "PRINTAS", "PHONE1", "PHONE2"]
    rows = [["N1", "New", "New", "1.23457E+14", "+1 617 555 0100"], ["N2", "Two", "Two", "4.5E+11", "1E5 North"]]
    result = cli("import", str(write_csv([header, *rows])), "--dry-run", "--json")
    warnings = {w["column"]: w["message"] for w in result.json["warnings"]}
    assert set(warnings) == {"PHONE1"}, warnings
    assert "2 new customers' values are numbers in scientific notation" in warnings["PHONE1"]
    assert "(row 2: 1.23457E+14)" in warnings["PHONE1"]
    assert result.json["created"] == 2
