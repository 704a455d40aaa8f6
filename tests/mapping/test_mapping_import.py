"""Importing files from other products through a column mapping, from the command line: --map, --join,
--ignore-unknown, title rows and --header-row, --generate-ids, --id-prefix, --match, and each bad input answered by one
clear sentence or a row error, with nothing changed (import-export.md, "Files from other products")."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from core.catalogue import Catalogue
from core.errors import FileRejected, UsageError
from core.header_row import locate_header
from core.keys import IdPattern, numbering
from core.mapping import ColumnMapping, parse_join, parse_map
from core.table import RawRow, RawTable
from core.values import ParseOptions, parser_for

CRM_HEADER = ["Company", "Given Name", "Family Name", "E-mail Address", "Zip", "Notes"]
CRM_ROWS = [
    ["Acme Ltd", "Ana", "Lopez", "ana@acme.test", "02138", "first"],
    ["Globex", "Bob", "Stone", "bob@globex.test", "75001", "second"],
    ["", "Cy", "Young", "cy@home.test", "", "a person, no company"],
]
CRM_MAPS = ("--map", "Company=COMPANYNAME", "--map", "E-mail Address=EMAIL1", "--map", "Zip=ZIP", "--map", "Notes=-",
            "--join", "NAME=Given Name+Family Name", "--map", "Given Name=FIRSTNAME")  # fmt: skip


def _export(cli: Callable[..., object]) -> list[dict[str, str]]:
    import csv
    import io

    result = cli("export", "--format", "import-csv")
    return list(csv.DictReader(io.StringIO(result.out)))  # type: ignore[attr-defined]


def _crm(write_csv: Callable[..., Path], rows: list[list[str]] | None = None) -> Path:
    return write_csv([CRM_HEADER, *(CRM_ROWS if rows is None else rows)])


def test_map_join_generate_and_match_then_nothing_twice(cli, write_csv) -> None:
    cli("init")
    path = _crm(write_csv)
    args = ("import", str(path), *CRM_MAPS, "--map", "Family Name=LASTNAME", "--generate-ids", "--match", "EMAIL1")
    # NAME is joined, PRINTAS must come from somewhere: without it every new row fails, naming the field.
    first = cli(*args, "--json", "--dry-run")
    assert all(e["column"] == "PRINTAS" for e in first.json["errors"]) and first.json["failed"] == 3
    # A column joined into a field may feed another one too: Given Name is in NAME and, by its --map, FIRSTNAME.
    args = (*args, "--map", "Company=COMPANYNAME+PRINTAS")
    result = cli(*args, "--json")
    summary = result.json
    assert summary["status"] == "committed" and summary["created"] == 2 and summary["failed"] == 1
    assert summary["generated"] == [{"row": 2, "id": "C0000001"}, {"row": 3, "id": "C0000002"}]
    assert summary["mapping"] == "options"
    stored = {r["CUSTOMERID"]: r for r in _export(cli)}
    assert stored["C0000001"]["NAME"] == "Ana Lopez" and stored["C0000001"]["PRINTAS"] == "Acme Ltd"
    assert stored["C0000001"]["COMPANYNAME"] == "Acme Ltd" and stored["C0000001"]["EMAIL1"] == "ana@acme.test"
    assert stored["C0000001"]["ZIP"] == "02138" and stored["C0000001"]["COMMENTS"] == ""
    assert stored["C0000002"]["FIRSTNAME"] == "Bob" and stored["C0000002"]["LASTNAME"] == "Stone"
    # The third row has no company, so no Print as: a row error naming the field, the others went through.
    assert [e["row"] for e in summary["errors"]] == [4] and summary["errors"][0]["column"] == "PRINTAS"
    again = cli(*args, "--json").json
    assert again["created"] == 0 and again["unchanged"] == 2
    assert again["matched"] == [{"row": 2, "id": "C0000001"}, {"row": 3, "id": "C0000002"}]
    assert len(_export(cli)) == 2


def test_match_is_case_blind_and_updates_the_one_customer(cli, write_csv) -> None:
    cli("init")
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1"], ["K1", "Old", "Old", "Ana@Acme.test"]])))
    path = write_csv([["Mail", "Name"], ["ana@acme.TEST ", "New name"]])
    summary = cli("import", str(path), "--map", "Mail=EMAIL1", "--match", "EMAIL1", "--json").json
    assert summary["updated"] == 1 and summary["matched"] == [{"row": 2, "id": "K1"}]
    assert _export(cli)[0]["NAME"] == "New name"


def test_several_matches_is_a_row_error_naming_them(cli, write_csv) -> None:
    cli("init")
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS", "TAXID"], ["A1", "a", "a", "FR1"],
                                 ["A2", "b", "b", "fr1"]])))  # fmt: skip
    result = cli("import", str(write_csv([["VAT", "Name"], ["FR1", "x"]])), "--map", "VAT=TAXID", "--match",
                 "TAXID", "--json")  # fmt: skip
    error = result.json["errors"][0]
    assert result.code == 1 and error["row"] == 2 and "A1, A2" in error["message"]
    assert {r["NAME"] for r in _export(cli)} == {"a", "b"}  # nothing changed


def test_no_match_without_generate_ids_fails_the_row(cli, write_csv) -> None:
    cli("init")
    result = cli("import", str(write_csv([["Mail", "Name"], ["zz@x.test", "x"]])), "--map", "Mail=EMAIL1",
                 "--match", "EMAIL1", "--json")  # fmt: skip
    assert "--generate-ids" in result.json["errors"][0]["message"] and result.json["failed"] == 1


def test_unknown_field_missing_header_and_two_feeds_are_refused_whole(cli, write_csv) -> None:
    cli("init")
    path = _crm(write_csv)
    for args, words in (
        (("--map", "Company=Emial"), "does not exist"),
        (("--map", "Compnay=NAME"), "'Compnay'"),
        (("--map", "Company=NAME", "--map", "Given Name=NAME"), "both feed the field NAME"),
        (("--join", "NAME=Given Name+Surname"), "'Surname'"),
        (("--map", "Company=WHENCREATED"), "fills itself"),
    ):
        result = cli("import", str(path), *args, "--ignore-unknown", "--generate-ids")
        assert result.code == 1 and words in result.err, (args, result.err)
        assert result.err.count("\n") <= 2 and "Traceback" not in result.err
    assert _export(cli) == []


def test_map_syntax_is_wrong_usage() -> None:
    with pytest.raises(UsageError):
        parse_map("Company")
    with pytest.raises(UsageError):
        parse_join("NAME=Given Name")
    assert parse_map("Contribution (%)=X+Y") == ("Contribution (%)", ("X", "Y"))
    assert parse_map("Notes = -") == ("Notes", ())


def test_unknown_columns_listed_with_suggestions_and_how_to_map(cli, write_csv) -> None:
    cli("init")
    header = ["CUSTOMERID", "Company", "E-mail Address", "Postal Code", "Website", "Street",
              *(f"Extra {i}" for i in range(30))]  # fmt: skip
    result = cli("import", str(write_csv([header, ["X1", *([""] * (len(header) - 1))]])))
    lines = result.err.splitlines()
    assert result.code == 1 and lines[0].startswith("custbook: 35 columns of the file name no field")
    shown = "\n".join(lines)
    assert "'E-mail Address': EMAIL1" in shown and "'Company': NAME" in shown
    assert "'Postal Code': ZIP" in shown and "'Website': URL1" in shown and "'Street': ADDRESS1" in shown
    assert "MEGAENTITYID" not in shown and "SEGMENT" not in shown
    assert "'Extra 29'" in shown and "--map" in lines[-1] and "--ignore-unknown" in lines[-1]
    assert max(map(len, lines[:-1])) < 120  # one column per line, not one 3,800-character line


def test_ignore_unknown_warns_once_listing_them(cli, write_csv) -> None:
    cli("init")
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS", "Fav colour", "Shoe"], ["X1", "a", "a", "red", "42"]])
    summary = cli("import", str(path), "--ignore-unknown", "--json").json
    assert summary["created"] == 1
    assert [w["message"] for w in summary["warnings"]] == ["2 columns were not imported: 'Fav colour', 'Shoe'."]


def test_title_rows_found_and_header_row_given(cli, write_csv) -> None:
    cli("init")
    rows = [["Customer report", "", ""], ["", "", ""], ["Printed 2026-12-01", "", ""],
            ["Customer ID", "Customer name", "Print as"], ["T1", "Ana", "Ana"], ["T2", "Bob", "Bob"]]  # fmt: skip
    summary = cli("import", str(write_csv(rows)), "--json").json
    assert summary["created"] == 2 and "row 4" in summary["warnings"][0]["message"]
    rows[5][0] = ""  # an error's row number stays the spreadsheet's
    summary = cli("import", str(write_csv(rows)), "--json", "--dry-run").json
    assert summary["errors"][0]["row"] == 6
    # Not clearly a header (one known name): the file is refused as before, unless --header-row says where it is.
    odd = [["Report", ""], ["Customer ID", "Colour"], ["T3", "red"]]
    assert cli("import", str(write_csv(odd)), "--dry-run").code == 1
    given = cli("import", str(write_csv(odd)), "--header-row", "2", "--ignore-unknown", "--json", "--dry-run").json
    assert given["rows"] == 1 and given["errors"][0]["row"] == 3  # T3 is new but has no name: row 3, as shown


def test_generate_ids_follows_the_store_numbering_and_prefix(cli, write_csv) -> None:
    cli("init")
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["CUST-0041", "a", "a"], ["CUST-0007", "b", "b"],
                                 ["OTHER", "c", "c"]])))  # fmt: skip
    path = write_csv([["Name", "Print as"], ["n1", "n1"], ["n2", "n2"]])
    summary = cli("import", str(path), "--generate-ids", "--json", "--dry-run").json
    assert [g["id"] for g in summary["generated"]] == ["CUST-0042", "CUST-0043"]
    summary = cli("import", str(path), "--generate-ids", "--id-prefix", "MIG", "--json", "--dry-run").json
    assert [g["id"] for g in summary["generated"]] == ["MIG0000001", "MIG0000002"]
    assert cli("import", str(path), "--id-prefix", "MIG").code == 2  # a prefix without --generate-ids


def test_generate_ids_with_no_numbering_possible(cli, write_csv) -> None:
    cli("init")
    cli("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["ACME", "a", "a"]])))
    result = cli("import", str(write_csv([["Name", "Print as"], ["n1", "n1"]])), "--generate-ids")
    assert result.code == 1 and "--id-prefix" in result.err and len(_export(cli)) == 1


def test_without_options_a_file_without_ids_is_refused_naming_them(cli, write_csv) -> None:
    cli("init")
    result = cli("import", str(write_csv([["Name", "Print as"], ["n1", "n1"]])))
    assert result.code == 1 and "--generate-ids" in result.err


def test_scientific_notation_reads_exactly_and_never_rounds() -> None:
    field = Catalogue.standard()["CREDITLIMIT"]
    parse = parser_for(field, ParseOptions())
    assert str(parse("6.0E7")) == "60000000.00" and str(parse("1.5e+3")) == "1500.00"
    with pytest.raises(Exception, match="2 decimals"):
        parse("1.234E-1")
    assert str(parser_for(field, ParseOptions(decimal_comma=True))("1,5E3")) == "1500.00"


def test_numbering_rules() -> None:
    assert numbering([], 0, None).example == "C0000001"
    patterns = [IdPattern("C", 7, 900, 950), IdPattern("X", 3, 2, 5), IdPattern("C", 8, 1, 12000000)]
    assert numbering(patterns, 3, None).example == "C12000001"
    with pytest.raises(FileRejected):
        numbering([], 4, None)
    with pytest.raises(FileRejected):
        numbering([], 0, "A B")


def test_header_row_location_is_pure_and_keeps_numbers() -> None:
    raw = RawTable("f.csv", ("Title",), (RawRow(3, ("Name", "Email", "Zip")), RawRow(4, ("a", "b", "c"))))
    table, notes = locate_header(raw, Catalogue.standard(), None, None)
    assert table.header == ("Name", "Email", "Zip") and table.header_row == 3 and table.rows[0].number == 4
    assert notes and locate_header(table, Catalogue.standard(), None, None)[0] is table


def test_mapping_json_round_trip_and_options_win() -> None:
    base = ColumnMapping("crm", (("Company", ("NAME",)), ("Notes", ())), (("NAME", ("A", "B")),), True)
    assert ColumnMapping.from_json(base.to_json(), "crm") == base
    changed = base.with_options(("Company=COMPANYNAME",), ("PRINTAS=A+B",))
    assert changed.fields_of("company") == ("COMPANYNAME",) and dict(changed.joins)["PRINTAS"] == ("A", "B")
    assert changed.label == "crm+options" and "Company" in changed.required


def test_queued_job_keeps_the_mapping(cli, write_csv) -> None:
    cli("init")
    path = _crm(write_csv, CRM_ROWS[:2])
    queued = cli("import", str(path), *CRM_MAPS, "--map", "Company=COMPANYNAME+PRINTAS", "--generate-ids",
                 "--offline", "--json")  # fmt: skip
    assert queued.json["status"] == "queued"
    path.unlink()  # the job keeps the file's bytes and the mapping's definition
    cli("jobs", "run", "--once")
    shown = cli("jobs", "show", queued.json["job"], "--json")
    result = json.loads(shown.out)
    assert result["state"] == "done" and result["result"]["created"] == 2
    assert {r["NAME"] for r in _export(cli)} == {"Ana Lopez", "Bob Stone"}


def test_review_fixes_from_a_newcomer(cli, write_csv) -> None:
    """What a first try of the feature tripped over (issue 14's review)."""
    cli("init")
    path = write_csv([["Organization", "E-mail Address", "Phone"], ["Acme", "a@acme.test", "1"]])
    # The same column given twice feeds both fields, as "Organization=NAME+PRINTAS" would.
    both = cli("import", str(path), "--map", "Organization=NAME", "--map", "Organization=PRINTAS",
               "--map", "E-mail Address=EMAIL1", "--generate-ids", "--dry-run", "--json").json  # fmt: skip
    assert both["created"] == 1 and both["failed"] == 0
    # A misspelt header is told with the file's closest one.
    typo = cli("import", str(path), "--map", "Email Adress=EMAIL1", "--ignore-unknown", "--generate-ids")
    assert "did you mean 'E-mail Address'?" in typo.err
    # No column for the required fields: one file-level warning each, and the rows' errors name no unborn ID.
    unfed = cli("import", str(path), "--map", "E-mail Address=EMAIL1", "--ignore-unknown", "--generate-ids",
                "--dry-run", "--json").json  # fmt: skip
    assert {w["column"] for w in unfed["warnings"] if "No column of the file feeds" in w["message"]} >= {
        "NAME", "PRINTAS"}  # fmt: skip
    assert all(e["message"].endswith("Fill it in.") for e in unfed["errors"])
    # A named mapping that fits the file badly says so, and names the product the file looks like.
    wave = cli("import", str(path), "--mapping", "wave", "--generate-ids", "--dry-run", "--json").json
    assert any("names only" in w["message"] for w in wave["warnings"])


def test_a_product_file_without_mapping_gets_the_whole_command(cli, write_csv) -> None:
    cli("init")
    header = ["customer_name", "email", "contact_first_name", "contact_last_name", "customer_currency",
              "account_number", "phone", "toll_free", "province/state", "address_line_1",
              "postal_code/zip_code"]  # fmt: skip
    result = cli("import", str(write_csv([header, ["Homer", "h@s.test", *[""] * 9]])), "--json")
    assert result.json["suggested_mapping"] == "wave"
    assert "--mapping wave --generate-ids --match EMAIL1" in result.err
    assert "i in the customer list" in result.err


def test_jobs_show_tells_how_the_columns_are_read(cli, write_csv) -> None:
    cli("init")
    path = _crm(write_csv, CRM_ROWS[:1])
    queued = cli("import", str(path), *CRM_MAPS, "--generate-ids", "--match", "EMAIL1", "--offline", "--json").json
    assert queued["mapping"] == "options"
    shown = cli("jobs", "show", queued["job"]).out
    assert "Columns: columns read as the --map and --join options say" in shown
    assert "IDs generated for new rows" in shown and "rows without ID matched by EMAIL1" in shown


def test_default_fills_a_required_field_no_column_feeds(cli, write_csv) -> None:
    cli("init")
    cli("fields", "add", "SEGMENT", "--type", "enum", "--values", "SMB,Enterprise", "--required")
    path = write_csv([["Company", "E-mail"], ["Acme", "a@acme.test"], ["Globex", "g@globex.test"]])
    args = ("import", str(path), "--map", "Company=NAME+PRINTAS", "--map", "E-mail=EMAIL1", "--generate-ids")
    without = cli(*args, "--json", "--dry-run").json
    assert without["failed"] == 2 and any("--default SEGMENT=VALUE" in w["message"] for w in without["warnings"])
    summary = cli(*args, "--default", "SEGMENT=smb", "--json").json
    assert summary["created"] == 2 and {r["SEGMENT"] for r in _export(cli)} == {"SMB"}
    wrong = cli(*args, "--default", "SEGMENT=Tiny")
    assert wrong.code == 1 and "--default SEGMENT=Tiny" in wrong.err and len(_export(cli)) == 2
    assert cli(*args, "--default", "SEGMENT").code == 2
