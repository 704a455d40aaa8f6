"""The two CSV writers against the hard-values table: the plain CSV (labels, UTF-8 with a BOM for Excel, formulas
neutralised with an apostrophe) and the CSV for import (field IDs, no BOM, every value exactly as the importer
reads it back); CRLF records, quoting, date formats, and safe file replacement when a write fails."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from core.catalogue import Catalogue, Field, FieldType
from core.errors import UsageError
from core.values import DateFormat, ParseOptions, parser_for
from formats.writer import ExportTable, get_writer, write_file, writers

sys.path.insert(0, str(Path(__file__).parent))
from hard_values import COLUMNS, ROWS, hard_table

CATALOGUE = Catalogue.standard()
BOM = b"\xef\xbb\xbf"
FORMATS = ("csv", "import-csv")


def render(table: ExportTable, name: str) -> bytes:
    out = io.BytesIO()
    get_writer(name).write(table, out)
    return out.getvalue()


def records(data: bytes) -> list[list[str]]:
    """The file as a spreadsheet reads it: BOM dropped, quoted line breaks kept inside their cell."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def table_of(columns: tuple[Field, ...], rows: list[tuple[object, ...]]) -> ExportTable:
    return ExportTable("T", columns, rows, len(rows), generated=dt.datetime(2026, 1, 2, 3, 4))


# The hard values, written out by hand rather than with the writers' helpers: what a spreadsheet must receive.
PLAIN_HARD = (
    "Customer ID,Customer name,ZIP or postal code,Credit limit,On hold,Last invoice date,Created,Comments,Email,"
    "Record number\r\n"
    'C0001,Société Générale des Eaux,02138,1234.50,TRUE,05/03/2024,2023-01-02 03:04:05,"Line one\nLine two",'
    "a@b.example,1\r\n"
    'C0002,Αθηναϊκή Εμπορική,06000,0.00,FALSE,,2020-12-31 23:59:59,"He said ""hi"", then; left",,2\r\n'
    "C0003,ООО Северный ветер,,,FALSE,31/12/1999,2001-01-01 00:00:00,,,3\r\n"
    """C0004,"'=HYPERLINK(""http://x"",""y"")",00000,-5.25,TRUE,,2026-11-28 00:00:00,'@SUM(A1),,4\r\n"""
    "0042,Müller & Söhne GmbH — Łódź / Ærøskøbing,1000,9999999.99,FALSE,,2022-06-01 12:00:00,"
    "'-3 minus first\ttab,x.y@z.example,5\r\n"
)
IMPORT_HARD = (
    "CUSTOMERID,NAME,ZIP,CREDITLIMIT,ONHOLD,LAST_INVOICEDATE,WHENCREATED,COMMENTS,EMAIL1,RECORDNO\r\n"
    'C0001,Société Générale des Eaux,02138,1234.50,TRUE,05/03/2024,2023-01-02 03:04:05,"Line one\nLine two",'
    "a@b.example,1\r\n"
    'C0002,Αθηναϊκή Εμπορική,06000,0.00,FALSE,,2020-12-31 23:59:59,"He said ""hi"", then; left",,2\r\n'
    "C0003,ООО Северный ветер,,,FALSE,31/12/1999,2001-01-01 00:00:00,,,3\r\n"
    """C0004,"=HYPERLINK(""http://x"",""y"")",00000,-5.25,TRUE,,2026-11-28 00:00:00,@SUM(A1),,4\r\n"""
    "0042,Müller & Söhne GmbH — Łódź / Ærøskøbing,1000,9999999.99,FALSE,,2022-06-01 12:00:00,"
    "-3 minus first\ttab,x.y@z.example,5\r\n"
)


def test_both_are_registered_as_csv_files() -> None:
    known = writers()
    for name, importable_only in (("csv", False), ("import-csv", True)):
        writer = known[name]
        assert (writer.name, writer.extension, writer.importable_only, writer.document) == (
            name,
            ".csv",
            importable_only,
            False,
        )


def test_plain_csv_is_utf8_with_a_bom_and_exactly_the_expected_text() -> None:
    data = render(hard_table(), "csv")
    assert data.startswith(BOM) and not data.startswith(BOM * 2)
    assert data[len(BOM) :].decode("utf-8") == PLAIN_HARD


def test_import_csv_has_no_bom_and_exactly_the_expected_text() -> None:
    data = render(hard_table(), "import-csv")
    assert data.startswith(b"CUSTOMERID,")
    assert data.decode("utf-8") == IMPORT_HARD


@pytest.mark.parametrize("name", FORMATS)
def test_records_end_with_crlf_and_line_breaks_stay_inside_quoted_cells(name: str) -> None:
    data = render(hard_table(), name).decode("utf-8-sig")
    assert data.endswith("\r\n")
    assert data.count("\r\n") == 1 + len(ROWS)  # the header and one per row: the comment's "\n" is no record end
    assert "\n" not in data.replace("\r\n", "").replace("Line one\nLine two", "")
    assert '"Line one\nLine two"' in data


def test_headers_are_labels_in_plain_csv_and_ids_in_import_csv() -> None:
    assert records(render(hard_table(), "csv"))[0] == [CATALOGUE[c].label for c in COLUMNS]
    assert records(render(hard_table(), "import-csv"))[0] == list(COLUMNS)


@pytest.mark.parametrize("name", FORMATS)
def test_every_value_reads_back_as_its_text(name: str) -> None:
    rows = records(render(hard_table(), name))[1:]
    assert len(rows) == len(ROWS)
    first, second, third, fourth, fifth = rows
    assert first[:6] == ["C0001", "Société Générale des Eaux", "02138", "1234.50", "TRUE", "05/03/2024"]
    assert first[7] == "Line one\nLine two"
    assert second[1:6] == ["Αθηναϊκή Εμπορική", "06000", "0.00", "FALSE", ""]  # a None date is an empty cell
    assert second[7] == 'He said "hi", then; left'  # quotes doubled, then unquoted by the reader; semicolon kept
    assert second[8] == ""  # no e-mail
    assert third[1:6] == ["ООО Северный ветер", "", "", "FALSE", "31/12/1999"]  # no credit limit: empty, not 0
    assert fourth[2:4] == ["00000", "-5.25"]  # leading zeros kept; a real negative number is no formula
    assert fifth[0] == "0042" and fifth[2] == "1000" and fifth[3] == "9999999.99"  # no exponent, no rounding
    assert fifth[1] == "Müller & Söhne GmbH — Łódź / Ærøskøbing"
    assert [r[9] for r in rows] == ["1", "2", "3", "4", "5"]
    # Timestamps are written as ISO text whatever the date format (so are they in the Word and PDF exports).
    assert first[6] == "2023-01-02 03:04:05" and third[6] == "2001-01-01 00:00:00"


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize(
    ("date_format", "march_5", "dec_31"),
    [
        (DateFormat.DMY_SLASH, "05/03/2024", "31/12/1999"),
        (DateFormat.MDY_SLASH, "03/05/2024", "12/31/1999"),
        (DateFormat.ISO, "2024-03-05", "1999-12-31"),
        (DateFormat.DMY_DOT, "05.03.2024", "31.12.1999"),
        (DateFormat.DMY_DASH, "05-03-2024", "31-12-1999"),
        (DateFormat.YMD_SLASH, "2024/03/05", "1999/12/31"),
    ],
)
def test_dates_follow_the_export_date_format(name: str, date_format: DateFormat, march_5: str, dec_31: str) -> None:
    table = dataclasses.replace(hard_table(), date_format=date_format)
    rows = records(render(table, name))[1:]
    assert [r[5] for r in rows] == [march_5, "", dec_31, "", ""]
    assert rows[0][6] == "2023-01-02 03:04:05"


def test_import_csv_values_parse_back_to_the_same_values_in_every_date_format() -> None:
    """Faithful first: each importable cell is read by the importer's own parser back to the value written."""
    for date_format in DateFormat:
        table = dataclasses.replace(hard_table(), date_format=date_format)
        header, *rows = records(render(table, "import-csv"))
        options = ParseOptions(date_format=date_format)
        for column, field_id in enumerate(header):
            field = CATALOGUE[field_id]
            if field.type in (FieldType.INTEGER, FieldType.TIMESTAMP):
                continue  # read-only: never in a real import file
            # Only the text matters here: the hard values hold a negative credit limit, which the store refuses.
            parse = parser_for(dataclasses.replace(field, min_value=None), options)
            for row, original in zip(rows, ROWS):
                cell, value = row[column], original[column]
                expected = None if value == "" else value  # the store never holds empty text: it is None
                assert (parse(cell) if cell else None) == expected, (date_format, field_id, cell)


NEUTRALISED = [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("=1+1", "'=1+1"),
    ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
    ("-3 minus first", "'-3 minus first"),
    ("-5.25", "'-5.25"),  # text that looks like a number is still text
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTabbed", "'\tTabbed"),
    ("\rCarriage", "'\rCarriage"),
    ("\r\nBoth", "'\r\nBoth"),
    ("plain", "plain"),
    ("a=b", "a=b"),  # only the first character counts
    ("'quoted already", "'quoted already"),
]


@pytest.mark.parametrize(("value", "shown"), NEUTRALISED)
@pytest.mark.parametrize("column", ["NAME", "COMMENTS", "ZIP", "CUSTTYPE", "TERMNAME"])
def test_plain_csv_neutralises_formulas_in_text_cells(column: str, value: str, shown: str) -> None:
    table = table_of((CATALOGUE["CUSTOMERID"], CATALOGUE[column]), [("C1", value)])
    assert records(render(table, "csv"))[1] == ["C1", shown]


@pytest.mark.parametrize(("value", "shown"), NEUTRALISED)
def test_import_csv_keeps_formula_like_text_exact(value: str, shown: str) -> None:
    table = table_of((CATALOGUE["CUSTOMERID"], CATALOGUE["COMMENTS"]), [("C1", value)])
    assert records(render(table, "import-csv"))[1] == ["C1", value]


def test_plain_csv_neutralises_enum_email_and_ref_cells_too() -> None:
    enum = Field("SEGMENT", "Segment", "Segment", FieldType.ENUM, values=("=cmd", "SMB"), custom=True)
    columns = (CATALOGUE["CUSTOMERID"], enum, CATALOGUE["EMAIL1"], CATALOGUE["PARENTID"])
    rows = [("C1", "=cmd", "+x@y.example", "@C0"), ("C2", "SMB", "x@y.example", "C1")]
    assert records(render(table_of(columns, rows), "csv"))[1:] == [
        ["C1", "'=cmd", "'+x@y.example", "'@C0"],
        ["C2", "SMB", "x@y.example", "C1"],
    ]


def test_plain_csv_keeps_real_numbers_dates_and_checkboxes_as_they_are() -> None:
    columns = tuple(CATALOGUE[c] for c in ("CUSTOMERID", "CREDITLIMIT", "TOTALDUE", "RECORDNO", "LAST_INVOICEDATE"))
    rows = [("C1", Decimal("-5.25"), Decimal("-0.01"), -7, dt.date(2024, 1, 2))]
    table = dataclasses.replace(table_of(columns, rows), date_format=DateFormat.DMY_DASH)
    assert records(render(table, "csv"))[1] == ["C1", "-5.25", "-0.01", "-7", "02-01-2024"]


def test_plain_csv_neutralises_a_formula_in_a_custom_field_label() -> None:
    """A custom field's label is typed by a user (`custbook fields add X --label '=1+2'`) and lands in a cell of
    the header row: it is as much a formula as a value is. The Excel writer keeps such a label as text."""
    evil = Field("EVIL", '=HYPERLINK("http://x","y")', "=x", FieldType.TEXT, custom=True)
    table = table_of((CATALOGUE["CUSTOMERID"], evil), [("C1", "ok")])
    assert records(render(table, "csv"))[0] == ["Customer ID", '\'=HYPERLINK("http://x","y")']
    # The CSV for import heads its columns with IDs, which are letters, digits and underscores: nothing to do.
    assert records(render(table, "import-csv"))[0] == ["CUSTOMERID", "EVIL"]


@pytest.mark.parametrize("name", FORMATS)
def test_an_empty_table_is_the_header_alone(name: str) -> None:
    table = table_of((CATALOGUE["CUSTOMERID"], CATALOGUE["NAME"]), [])
    data = render(table, name).decode("utf-8")
    expected = "Customer ID,Customer name\r\n" if name == "csv" else "CUSTOMERID,NAME\r\n"
    assert data == ("\ufeff" + expected if name == "csv" else expected)


@pytest.mark.parametrize("name", FORMATS)
def test_the_writer_leaves_the_binary_stream_open_for_its_caller(name: str) -> None:
    out = io.BytesIO()
    get_writer(name).write(hard_table(), out)
    assert not out.closed
    out.write(b"more")  # the caller (standard output, the temporary file) still owns it


def many_rows(n: int) -> list[tuple[object, ...]]:
    return [(f"C{i:05d}", f"Customer {i}") for i in range(1, n + 1)]


@pytest.mark.parametrize("name", FORMATS)
def test_progress_is_reported_every_5000_rows_and_at_the_end(name: str, tmp_path: Path) -> None:
    seen: list[int] = []
    table = table_of((CATALOGUE["CUSTOMERID"], CATALOGUE["NAME"]), many_rows(12_001))
    write_file(table, get_writer(name), tmp_path / "x.csv", seen.append)
    assert seen == [5000, 10_000, 12_001]
    assert len(records((tmp_path / "x.csv").read_bytes())) == 12_002


class Stop(Exception):
    pass


def stop(n: int) -> None:
    raise Stop(n)


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("existing", [None, b"the previous export\r\n"])
def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(name: str, existing: bytes | None, tmp_path: Path) -> None:
    target = tmp_path / "customers.csv"
    if existing is not None:
        target.write_bytes(existing)
    table = table_of((CATALOGUE["CUSTOMERID"], CATALOGUE["NAME"]), many_rows(6000))
    with pytest.raises(Stop):
        write_file(table, get_writer(name), target, stop)  # the progress callback raises after 5,000 rows
    assert [p.name for p in tmp_path.iterdir()] == ([target.name] if existing is not None else [])
    if existing is not None:
        assert target.read_bytes() == existing


@pytest.mark.parametrize("name", FORMATS)
def test_rows_that_fail_midway_leave_the_old_file_intact(name: str, tmp_path: Path) -> None:
    def rows() -> Iterator[tuple[object, ...]]:
        yield ("C1", "One")
        yield ("C2", "Two")
        raise OSError("the store went away")

    target = tmp_path / "customers.csv"
    target.write_bytes(b"old")
    table = table_of((CATALOGUE["CUSTOMERID"], CATALOGUE["NAME"]), [])
    with pytest.raises(OSError, match="went away"):
        write_file(dataclasses.replace(table, rows=rows(), row_count=3), get_writer(name), target)
    assert [p.name for p in tmp_path.iterdir()] == ["customers.csv"]
    assert target.read_bytes() == b"old"


@pytest.mark.parametrize("name", FORMATS)
def test_a_successful_write_replaces_the_old_file_and_leaves_no_temporary(name: str, tmp_path: Path) -> None:
    target = tmp_path / "customers.csv"
    target.write_bytes(b"old")
    assert write_file(hard_table(), get_writer(name), target).path == target
    assert [p.name for p in tmp_path.iterdir()] == ["customers.csv"]
    assert target.read_bytes() == render(hard_table(), name)


@pytest.mark.parametrize("wanted", ["ods", "xls", "", "csv;", "import_csv"])
def test_an_unknown_format_is_a_usage_error_naming_the_valid_ones(wanted: str) -> None:
    with pytest.raises(UsageError) as caught:
        get_writer(wanted)
    message = str(caught.value)
    assert f"'{wanted}' is not an export format" in message
    for name in ("csv", "import-csv", "xlsx", "docx", "pdf"):
        assert name in message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(("typed", "name"), [("CSV", "csv"), (" Import-CSV ", "import-csv")])
def test_format_names_ignore_case_and_surrounding_spaces(typed: str, name: str) -> None:
    assert get_writer(typed).name == name


def test_a_multiple_choice_reads_as_words_on_screen_and_in_documents_but_files_keep_it():
    from core.catalogue import FieldType
    from core.values import DateFormat
    from formats.csv.for_import import display_formatter, formatter

    shown = display_formatter(FieldType.ENUM, DateFormat.DMY_SLASH)
    assert shown("Print#~#E-Mail") == "Print and E-Mail" and shown("Print") == "Print" and shown(None) == ""
    assert formatter(FieldType.ENUM, DateFormat.DMY_SLASH)("Print#~#E-Mail") == "Print#~#E-Mail"
