"""Field types and header matching (fields.md), each rule through a real import."""

from __future__ import annotations

import csv
import io

import pytest


@pytest.fixture
def cli(cli_any):
    """Every test here runs on both stores: a DuckDB file, then a PostgreSQL database."""
    return cli_any


def export_rows(cli) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(cli("export", "--format", "import-csv").out))
    return {r["CUSTOMERID"]: r for r in rows}


def import_one(cli, write_csv, header, *cells, args=()):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS", *header], ["T1", "Test", "Test", *cells]])
    return cli("import", str(path), "--json", *args)


@pytest.mark.parametrize(
    "header",
    [
        "CUSTOMERID",
        "Customer ID",
        "Identifiant client",
        "identifiant_client",
        "customer-id",
        " Customer.ID ",
        "IDENTIFIANT CLIENT",
    ],
)
def test_header_names_id_and_labels_tolerantly(cli, write_csv, header):
    path = write_csv(
        [
            [header, "Nom de client", "Imprimer en tant que", "Limite de credit", "Nom de l’entreprise"],
            ["H1", "Hôtel", "Hôtel", "10", "Hôtel SARL"],
        ]
    )
    result = cli("import", str(path), "--json")
    assert result.code == 0, result.out + result.err
    row = export_rows(cli)["H1"]
    assert (row["NAME"], row["CREDITLIMIT"], row["COMPANYNAME"]) == ("Hôtel", "10.00", "Hôtel SARL")


def test_address_alias_names_address_line_1(cli, write_csv):
    import_one(cli, write_csv, ["Adresse"], "1 rue de la Paix")
    assert export_rows(cli)["T1"]["ADDRESS1"] == "1 rue de la Paix"


def test_two_columns_for_one_field_reject_the_file(cli, write_csv):
    path = write_csv([["CUSTOMERID", "NAME", "Customer name", "PRINTAS"], ["X", "a", "b", "c"]])
    result = cli("import", str(path), "--json")
    assert result.code == 1 and result.json["status"] == "rejected"
    assert "NAME" in result.json["errors"][0]["message"]
    assert export_rows(cli) == {}


def test_unknown_column_names_the_closest_field(cli, write_csv):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS", "Emial"], ["X", "a", "b", "c"]])
    result = cli("import", str(path))
    assert result.code == 1
    assert "Emial" in result.err and "EMAIL1" in result.err
    assert "Traceback" not in result.err


def test_customer_id_column_is_mandatory(cli, write_csv):
    path = write_csv([["NAME", "PRINTAS"], ["a", "b"]])
    result = cli("import", str(path), "--json")
    assert result.code == 1 and "Customer ID" in result.json["errors"][0]["message"]


def test_read_only_column_is_ignored_with_a_warning(cli, write_csv):
    result = import_one(cli, write_csv, ["WHENCREATED", "Total due"], "01/01/2020", "99")
    assert result.code == 0 and result.json["created"] == 1
    assert {w["column"] for w in result.json["warnings"]} == {"WHENCREATED", "TOTALDUE"}


def test_text_keeps_leading_zeros_and_is_trimmed(cli, write_csv):
    import_one(cli, write_csv, ["ZIP", "CITY", "TAXID"], "02138", "  Cambridge  ", "007")
    row = export_rows(cli)["T1"]
    assert (row["ZIP"], row["CITY"], row["TAXID"]) == ("02138", "Cambridge", "007")


def test_text_longer_than_the_field_is_a_row_error(cli, write_csv):
    result = import_one(cli, write_csv, ["STATE"], "x" * 41)
    (error,) = result.json["errors"]
    assert error["column"] == "STATE" and "at most 40" in error["message"]


@pytest.mark.parametrize(
    ("cell", "stored"), [("1234.5", "1234.50"), ("1,234.50", "1234.50"), ("0", "0.00"), ("7.10", "7.10")]
)
def test_decimals_in_comma_files(cli, write_csv, cell, stored):
    import_one(cli, write_csv, ["CREDITLIMIT"], cell)
    assert export_rows(cli)["T1"]["CREDITLIMIT"] == stored


@pytest.mark.parametrize("cell", ["1234,5", "1 234,50", "1\u00a0234,50", "1\u202f234,50"])
def test_decimal_comma_in_semicolon_files(cli, write_csv, cell):
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS", "CREDITLIMIT"], ["T1", "a", "b", cell]], delimiter=";")
    assert cli("import", str(path), "--json").code == 0
    assert export_rows(cli)["T1"]["CREDITLIMIT"] in ("1234.50",)


@pytest.mark.parametrize(
    ("cell", "needle"),
    [("12.345", "2 decimals"), ("-1", "negative"), ("abc", "not a number"), ("$1,200.00", "currency sign"),
     ("1 200,50 €", "currency sign"), ("USD 300", "currency sign or code. Write the amount alone")],
)  # fmt: skip
def test_decimal_errors_never_round(cli, write_csv, cell, needle):
    result = import_one(cli, write_csv, ["CREDITLIMIT"], cell)
    (error,) = result.json["errors"]
    assert error["column"] == "CREDITLIMIT" and needle in error["message"]
    assert export_rows(cli) == {}


@pytest.mark.parametrize(
    ("cell", "stored"), [("TRUE", "TRUE"), ("false", "FALSE"), ("vrai", "TRUE"), ("FAUX", "FALSE")]
)
def test_checkboxes_in_english_and_french(cli, write_csv, cell, stored):
    import_one(cli, write_csv, ["ONHOLD"], cell)
    assert export_rows(cli)["T1"]["ONHOLD"] == stored


def test_checkbox_rejects_other_words(cli, write_csv):
    result = import_one(cli, write_csv, ["ONHOLD"], "maybe")
    assert result.json["errors"][0]["column"] == "ONHOLD"


@pytest.mark.parametrize(
    ("field", "cell", "stored"),
    [
        ("PAYMETHOD", "ach", "ACH"),
        ("PAYMETHOD", "credit CARD", "Credit card"),
        ("DELIVERY_OPTIONS", "Both", "Print#~#E-Mail"),
        ("DELIVERY_OPTIONS", "e-mail", "E-Mail"),
        ("STATUS", "INACTIVE", "inactive"),
    ],
)
def test_enums_match_any_case_and_store_the_listed_spelling(cli, write_csv, field, cell, stored):
    import_one(cli, write_csv, [field], cell)
    assert export_rows(cli)["T1"][field] == stored


def test_enum_error_lists_the_values(cli, write_csv):
    result = import_one(cli, write_csv, ["PAYMETHOD"], "Bitcoin")
    assert "Printed check, Cash, EFT, Credit card, ACH" in result.json["errors"][0]["message"]


@pytest.mark.parametrize("cell", ["bob@", "bob", "a@b", "a b@c.com", "a@b.c\nBcc: x@y.z"])
def test_email_syntax(cli, write_csv, cell):
    result = import_one(cli, write_csv, ["EMAIL1"], cell)
    assert result.json["errors"][0]["column"] == "EMAIL1"


def test_currency_is_three_letters(cli, write_csv):
    assert import_one(cli, write_csv, ["CURRENCY"], "euro").json["errors"][0]["column"] == "CURRENCY"


def test_dates_use_the_chosen_format_and_never_swap_day_and_month(cli, write_csv):
    cli("fields", "add", "CONTRACT_START", "--type", "date")
    ok = import_one(cli, write_csv, ["CONTRACT_START"], "05/03/2024")
    assert ok.code == 0
    assert export_rows(cli)["T1"]["CONTRACT_START"] == "05/03/2024"  # 5 March, written back the same way
    us = cli("export", "--format", "import-csv", "--date-format", "MM/DD/YYYY").out
    assert "03/05/2024" in us
    wrong = import_one(cli, write_csv, ["CONTRACT_START"], "2024-03-05")
    assert wrong.code == 1 and "DD/MM/YYYY" in wrong.json["errors"][0]["message"]
    impossible = import_one(cli, write_csv, ["CONTRACT_START"], "03/25/2024")
    assert impossible.code == 1 and impossible.json["errors"][0]["column"] == "CONTRACT_START"
    # Both say which date format would read them: the fix is the import's option, not the file.
    assert "If the file writes its dates as MM/DD/YYYY" in impossible.json["errors"][0]["message"]
    assert "If the file writes its dates as YYYY-MM-DD" in wrong.json["errors"][0]["message"]
    nothing_fits = import_one(cli, write_csv, ["CONTRACT_START"], "31/31/2024")
    assert "If the file writes" not in nothing_fits.json["errors"][0]["message"]
    us_file = import_one(cli, write_csv, ["CONTRACT_START"], "03/25/2024", args=("--date-format", "MM/DD/YYYY"))
    assert us_file.code == 0 and export_rows(cli)["T1"]["CONTRACT_START"] == "25/03/2024"


@pytest.mark.parametrize(
    "fmt,cell",
    [
        ("YYYY-MM-DD", "2024-03-25"),
        ("DD.MM.YYYY", "25.03.2024"),
        ("DD-MM-YYYY", "25-03-2024"),
        ("YYYY/MM/DD", "2024/03/25"),
    ],
)
def test_every_date_format(cli, write_csv, fmt, cell):
    cli("fields", "add", "CONTRACT_START", "--type", "date")
    assert import_one(cli, write_csv, ["CONTRACT_START"], cell, args=("--date-format", fmt)).code == 0
    assert export_rows(cli)["T1"]["CONTRACT_START"] == "25/03/2024"


def test_parent_must_exist_or_be_created_earlier(cli, write_csv):
    path = write_csv(
        [
            ["CUSTOMERID", "NAME", "PRINTAS", "PARENTID"],
            ["P1", "Parent", "Parent", ""],
            ["K1", "Kid", "Kid", "P1"],
            ["K2", "Kid2", "Kid2", "P9"],
            ["K3", "Kid3", "Kid3", "K4"],
            ["K4", "Kid4", "Kid4", ""],
            ["K5", "Self", "Self", "K5"],
        ]
    )
    s = cli("import", str(path), "--json").json
    assert s["created"] == 3
    assert {(e["row"], e["column"]) for e in s["errors"]} == {(4, "PARENTID"), (5, "PARENTID"), (7, "PARENTID")}


def test_parent_cycles_are_refused(cli, write_csv):
    first = write_csv([["CUSTOMERID", "NAME", "PRINTAS", "PARENTID"], ["A", "A", "A", ""], ["B", "B", "B", "A"]])
    cli("import", str(first))
    loop = write_csv([["CUSTOMERID", "PARENTID"], ["A", "B"]])
    s = cli("import", str(loop), "--json").json
    assert s["failed"] == 1 and "loop" in s["errors"][0]["message"]


def test_custom_fields_behave_like_standard_ones(cli, write_csv):
    assert (
        cli("fields", "add", "SEGMENT", "--type", "enum", "--values", "SMB,Mid-market,Enterprise", "--required").code
        == 0
    )
    assert cli("fields", "add", "VIP", "--type", "bool", "--label", "Very important").code == 0
    missing = import_one(
        cli,
        write_csv,
        [],
    )
    assert missing.code == 1 and missing.json["errors"][0]["column"] == "SEGMENT"
    ok = import_one(cli, write_csv, ["segment", "Very important"], "mid-MARKET", "")
    assert ok.code == 0
    row = export_rows(cli)["T1"]
    assert (row["SEGMENT"], row["VIP"]) == ("Mid-market", "FALSE")
    blank = import_one(cli, write_csv, ["SEGMENT"], "")
    assert blank.code == 1
    assert blank.json["errors"][0]["message"] == "Segment cannot be erased. Fill in the cell or delete the column."


def test_bad_custom_field_definitions(cli):
    assert cli("fields", "add", "lower", "--type", "text").code == 2
    assert cli("fields", "add", "NAME", "--type", "text").code == 2
    assert cli("fields", "add", "X1", "--type", "colour").code == 2
    assert cli("fields", "add", "X2", "--type", "enum").code == 2


def test_a_plain_csv_export_edited_in_a_spreadsheet_imports_back_without_its_apostrophes(cli, write_csv, tmp_path):
    """The plain CSV export puts an apostrophe before text a spreadsheet would run as a formula (+1 206..., =x,
    -12, @home); importing that file back takes it off again: nothing changes."""
    rows = [
        ["CUSTOMERID", "NAME", "PRINTAS", "PHONE1", "COMMENTS"],
        ["-12", "=Acme", "@Acme", "+1 206-555-0109", "-- see notes"],
        ["P2", "Plain", "Plain", "06 12 34 56 78", "'quoted' on purpose"],
    ]
    assert cli("import", str(write_csv(rows))).code == 0
    before = export_rows(cli)
    plain = tmp_path / "plain.csv"
    assert cli("export", "--format", "csv", "-o", str(plain)).code == 0
    assert "'+1 206-555-0109" in plain.read_text(encoding="utf-8-sig")  # neutralised in the file
    again = cli("import", str(plain), "--json").json
    assert (again["updated"], again["created"], again["failed"]) == (0, 0, 0), again
    assert export_rows(cli) == before


def test_the_semicolon_csv_opens_in_columns_in_european_excel_and_imports_back_unchanged(cli, write_csv, tmp_path):
    rows = [
        ["CUSTOMERID", "NAME", "PRINTAS", "PHONE1", "CREDITLIMIT", "COMMENTS"],
        ["E1", "Société Générale; Paris", "SG", "+33 1 42 14 20 00", "1234.50", "a; b"],
        ["E2", "Müller GmbH", "Müller", "", "", ""],
    ]
    assert cli("import", str(write_csv(rows))).code == 0
    before = export_rows(cli)
    semi = tmp_path / "semi.csv"
    assert cli("export", "--format", "csv-semicolon", "-o", str(semi)).code == 0
    text = semi.read_text(encoding="utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("Customer ID;Customer name;Print as;") and "1234,50" in first
    assert '"Société Générale; Paris"' in first  # a semicolon inside a value is quoted
    again = cli("import", str(semi), "--json").json
    assert (again["updated"], again["created"], again["failed"]) == (0, 0, 0), again
    assert export_rows(cli) == before
