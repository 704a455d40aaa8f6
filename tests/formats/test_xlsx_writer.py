"""The Excel writer, read back with openpyxl: the bold frozen header with filter buttons, column widths, and every
cell of the hard-values table typed and exact (text stays text, formulas stay text with a quote prefix, numbers and
dates are real)."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from core.catalogue import Catalogue, Field, FieldType
from core.values import DateFormat
from formats.writer import ExportTable, get_writer, write_file, writers
from formats.xlsx.reader import read_xlsx

sys.path.insert(0, str(Path(__file__).parent))
from hard_values import COLUMNS, ROWS, hard_table

CATALOGUE = Catalogue.standard()


def write(table: ExportTable, path: Path) -> Worksheet:
    write_file(table, get_writer("xlsx"), path)
    return openpyxl.load_workbook(path).worksheets[0]


def text_table(values: list[str]) -> ExportTable:
    rows = [(f"C{n:04d}", value) for n, value in enumerate(values, 1)]
    return ExportTable("Texts", (CATALOGUE["CUSTOMERID"], CATALOGUE["COMMENTS"]), rows, len(rows))


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.fixture
def hard_path(tmp_path: Path) -> Path:
    return write_file(hard_table(), get_writer("xlsx"), tmp_path / "x.xlsx").path


@pytest.fixture
def hard_sheet(hard_path: Path) -> Worksheet:
    return openpyxl.load_workbook(hard_path).worksheets[0]


def test_registered_as_xlsx() -> None:
    writer = writers()["xlsx"]
    assert get_writer("XLSX") is writer
    assert (writer.name, writer.extension, writer.importable_only) == ("xlsx", ".xlsx", False)


def test_header_is_the_labels_bold_and_frozen(hard_sheet: Worksheet) -> None:
    header = next(hard_sheet.iter_rows(max_row=1))
    assert [c.value for c in header] == [CATALOGUE[c].label for c in COLUMNS]
    assert all(c.data_type == "s" and c.font.b for c in header)
    assert hard_sheet.freeze_panes == "A2"
    assert hard_sheet.max_row == len(ROWS) + 1  # nothing but the header above the rows


def test_custom_labels_stay_text_in_the_header(tmp_path: Path) -> None:
    odd = Field("RISK", "=SUM(A1)", "=SUM(A1)", FieldType.TEXT, custom=True)
    bell = Field("BELL", "Bell\x07label", "Bell", FieldType.TEXT, custom=True)
    sheet = write(ExportTable("Custom", (odd, bell), [("x", "y")], 1), tmp_path / "h.xlsx")
    assert [(c.data_type, c.value, c.quotePrefix) for c in next(sheet.iter_rows(max_row=1))] == [
        ("s", "=SUM(A1)", True),
        ("s", "Bell\ufffdlabel", False),
    ]
    assert sheet["A1"].font.b


def test_filter_buttons_cover_every_row_and_column(hard_path: Path, hard_sheet: Worksheet) -> None:
    assert hard_sheet.auto_filter.ref == f"A1:J{len(ROWS) + 1}"
    with zipfile.ZipFile(hard_path) as archive:
        assert "!$A$1:$J$6</definedName>" in archive.read("xl/workbook.xml").decode()  # Excel's hidden filter range


def test_every_value_is_typed_and_exact(hard_sheet: Worksheet) -> None:
    for expected_row, cells in zip(ROWS, hard_sheet.iter_rows(min_row=2), strict=True):
        assert len(cells) <= len(COLUMNS)
        cells = (*cells, *[None] * (len(COLUMNS) - len(cells)))
        for column, expected, cell in zip(COLUMNS, expected_row, cells, strict=True):
            where = f"{column} = {expected!r}"
            if expected is None or expected == "":
                assert cell is None or cell.value is None, where
            elif isinstance(expected, bool):
                assert (cell.data_type, cell.value) == ("b", expected), where
            elif isinstance(expected, Decimal):
                assert cell.data_type == "n" and cell.value == float(expected), where
                assert cell.number_format == "#,##0.00", where
            elif isinstance(expected, dt.datetime):
                assert cell.is_date and cell.value == expected, where
                assert cell.number_format == "dd/mm/yyyy hh:mm:ss", where
            elif isinstance(expected, dt.date):
                assert cell.is_date and cell.value == dt.datetime.combine(expected, dt.time()), where
                assert cell.number_format == "dd/mm/yyyy", where
            elif isinstance(expected, int):
                assert (cell.data_type, cell.value) == ("n", expected), where
            else:
                assert (cell.data_type, cell.value) == ("s", expected), where


def test_leading_zeros_stay_text(hard_sheet: Worksheet) -> None:
    assert hard_sheet["C2"].value == "02138"
    assert hard_sheet["A6"].value == "0042"
    assert hard_sheet["C5"].value == "00000"


def typed(cell: object) -> tuple[str, object, bool]:
    """A cell's type, value and quote prefix (text that stays text when edited, like text typed after an ')."""
    return cell.data_type, cell.value, bool(cell.quotePrefix)


def test_formulas_are_quote_prefixed_text_and_negative_numbers_stay_numbers(
    hard_path: Path, hard_sheet: Worksheet
) -> None:
    assert typed(hard_sheet["B5"]) == ("s", '=HYPERLINK("http://x","y")', True)
    assert typed(hard_sheet["H5"]) == ("s", "@SUM(A1)", True)
    assert typed(hard_sheet["H6"]) == ("s", "-3 minus first\ttab", True)
    assert typed(hard_sheet["D5"]) == ("n", -5.25, False)
    assert hard_sheet["D5"].number_format == "#,##0.00"
    assert typed(hard_sheet["B2"]) == ("s", "Société Générale des Eaux", False)
    assert typed(hard_sheet["H3"]) == ("s", 'He said "hi", then; left', False)
    assert typed(hard_sheet["C2"]) == ("s", "02138", False)
    assert "<f>" not in sheet_xml(hard_path)


def test_formula_like_text_is_quote_prefixed_and_other_text_is_not(tmp_path: Path) -> None:
    formula_like = ["=1+1", "+33 1 23 45 67 89", "-5", "@x", "\tTAB", "\rCR", "=", "\t", "=a & <b>\r"]
    plain = ["#N/A", "#DIV/0!", "TRUE", " =1+1", "a=b", "1-2", "'=x", "\u2212minus sign"]
    sheet = write(text_table(formula_like + plain), tmp_path / "f.xlsx")
    assert [typed(c) for (c,) in sheet.iter_rows(min_row=2, min_col=2)] == [
        *[("s", v, True) for v in formula_like],
        *[("s", v, False) for v in plain],
    ]
    assert [typed(c) for (c,) in sheet.iter_rows(min_row=2, max_col=1)] == [
        ("s", f"C{n:04d}", False) for n in range(1, len(formula_like + plain) + 1)
    ]


def test_text_written_for_values_of_other_types_is_quote_prefixed_too(tmp_path: Path) -> None:
    # A custom field mixing types: a negative number is a number, the same thing as text is neutralised text.
    columns = (CATALOGUE["NAME"], CATALOGUE["RECORDNO"], CATALOGUE["CREDITLIMIT"])
    rows = [(Decimal("-1.50"), "-7", "=1"), ("-2", -7, Decimal("-0.01"))]
    sheet = write(ExportTable("Mixed", columns, rows, len(rows)), tmp_path / "m.xlsx")
    assert [tuple(typed(c) for c in row) for row in sheet.iter_rows(min_row=2)] == [
        (("n", -1.5, False), ("s", "-7", True), ("s", "=1", True)),
        (("s", "-2", True), ("n", -7, False), ("n", -0.01, False)),
    ]


def test_the_quote_prefix_is_one_cell_format_in_the_styles(hard_path: Path) -> None:
    with zipfile.ZipFile(hard_path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert styles.count('quotePrefix="1"') == 1


def test_text_comes_back_exactly(tmp_path: Path) -> None:
    values = [
        "  spaces around  ",
        "a\rb\r\nc\nd",
        "<b>&amp; tags</b> > <",
        "123456789012345678901234",  # a long digit ID is text, not 1.23E+23
        "1e5",
        "株式会社 テスト",
        "emoji 🙂 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "quote \" and apostrophe '",
    ]
    sheet = write(text_table(values), tmp_path / "t.xlsx")
    assert [(c.data_type, c.value) for (c,) in sheet.iter_rows(min_row=2, min_col=2)] == [("s", v) for v in values]


def test_characters_xml_cannot_hold_are_replaced_not_fatal(tmp_path: Path) -> None:
    table = text_table(["bell\x07here", "nul\x00", "\x1bescape", "non-character \ufffe", "lone \ud800 surrogate"])
    sheet = write(table, tmp_path / "c.xlsx")
    assert [c.value for (c,) in sheet.iter_rows(min_row=2, min_col=2)] == [
        "bell\ufffdhere",
        "nul\ufffd",
        "\ufffdescape",
        "non-character \ufffd",
        "lone \ufffd surrogate",
    ]


def test_excel_escapes_in_text_survive_the_import(tmp_path: Path) -> None:
    # Excel and the import read `_x0041_` as "A": text really holding it must come back as typed.
    path = write_file(text_table(["_x0041_ and _x000D_", "snake_case_x"]), get_writer("xlsx"), tmp_path / "e.xlsx").path
    raw = read_xlsx(path.read_bytes(), name="e.xlsx")
    assert [r.cells[1] for r in raw.rows] == ["_x0041_ and _x000D_", "snake_case_x"]


def test_the_file_imports_back(hard_path: Path) -> None:
    raw = read_xlsx(hard_path.read_bytes(), name="x.xlsx")
    assert raw.header == tuple(CATALOGUE[c].label for c in COLUMNS)
    first = dict(zip(COLUMNS, raw.rows[0].cells))
    assert first["ZIP"] == "02138"
    assert first["CREDITLIMIT"] == "1234.5"
    assert first["LAST_INVOICEDATE"] == "2024-03-05"
    assert first["WHENCREATED"] == "2023-01-02 03:04:05"
    assert first["ONHOLD"] == "TRUE"
    assert [r.number for r in raw.rows] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("date_format", "expected"),
    [
        (DateFormat.DMY_SLASH, "dd/mm/yyyy"),
        (DateFormat.MDY_SLASH, "mm/dd/yyyy"),
        (DateFormat.ISO, "yyyy-mm-dd"),
        (DateFormat.DMY_DOT, "dd.mm.yyyy"),
        (DateFormat.DMY_DASH, "dd-mm-yyyy"),
        (DateFormat.YMD_SLASH, "yyyy/mm/dd"),
    ],
)
def test_dates_are_shown_in_the_tables_date_format(tmp_path: Path, date_format: DateFormat, expected: str) -> None:
    columns = (CATALOGUE["LAST_INVOICEDATE"], CATALOGUE["WHENCREATED"])
    rows = [(dt.date(2024, 3, 5), dt.datetime(2024, 3, 5, 6, 7, 8))]
    sheet = write(ExportTable("Dates", columns, rows, 1, date_format=date_format), tmp_path / "d.xlsx")
    assert (sheet["A2"].number_format, sheet["B2"].number_format) == (expected, f"{expected} hh:mm:ss")
    assert (sheet["A2"].value, sheet["B2"].value) == (dt.datetime(2024, 3, 5), dt.datetime(2024, 3, 5, 6, 7, 8))


def test_dates_excel_cannot_count_are_written_as_text(tmp_path: Path) -> None:
    columns = (CATALOGUE["LAST_INVOICEDATE"], CATALOGUE["WHENCREATED"])
    rows = [
        (dt.date(1899, 12, 31), dt.datetime(1850, 1, 2, 3, 4, 5)),
        (dt.date(1900, 1, 1), dt.datetime(1900, 1, 1, 12, 0)),
        (dt.date(1900, 2, 28), dt.datetime(1900, 3, 1)),
    ]
    sheet = write(ExportTable("Old", columns, rows, len(rows)), tmp_path / "o.xlsx")
    got = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert got == [
        ("31/12/1899", "1850-01-02 03:04:05"),
        (dt.datetime(1900, 1, 1), dt.datetime(1900, 1, 1, 12, 0)),
        (dt.datetime(1900, 2, 28), dt.datetime(1900, 3, 1)),
    ]


def test_values_of_another_type_than_their_column_are_typed_by_value(tmp_path: Path) -> None:
    columns = (CATALOGUE["NAME"], CATALOGUE["CREDITLIMIT"], CATALOGUE["RECORDNO"])
    rows = [(Decimal("1.50"), 7, "n/a"), (dt.date(2024, 1, 2), True, Decimal("2.00"))]
    sheet = write(ExportTable("Mixed", columns, rows, len(rows)), tmp_path / "m.xlsx")
    got = [tuple((c.data_type, c.value) for c in row) for row in sheet.iter_rows(min_row=2)]
    assert got == [
        (("n", 1.5), ("n", 7), ("s", "n/a")),
        (("d", dt.datetime(2024, 1, 2)), ("b", True), ("n", 2)),
    ]


def test_columns_are_sized_from_their_content(hard_sheet: Worksheet) -> None:
    widths = {letter: hard_sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJ"}
    assert all(8 <= w <= 60 for w in widths.values())
    label = CATALOGUE["NAME"].label
    assert widths["B"] > len("Müller & Söhne GmbH — Łódź / Ærøskøbing") > len(label)  # the longest name fits
    assert widths["E"] >= len(CATALOGUE["ONHOLD"].label) + 3  # the header and its filter button fit
    assert widths["E"] < widths["B"]


def test_long_text_width_is_capped(tmp_path: Path) -> None:
    sheet = write(text_table(["x" * 500, "y"]), tmp_path / "w.xlsx")
    assert sheet.column_dimensions["B"].width == 60


def test_wide_characters_count_double_in_widths(tmp_path: Path) -> None:
    narrow = write(text_table(["abcdefghijklmnopqrst"]), tmp_path / "n.xlsx").column_dimensions["B"].width
    wide = (
        write(text_table(["株式会社株式会社株式会社株式会社株式会社"]), tmp_path / "c.xlsx")
        .column_dimensions["B"]
        .width
    )
    assert wide > narrow


def test_workbook_title_and_sheet_name(hard_path: Path) -> None:
    workbook = openpyxl.load_workbook(hard_path)
    assert workbook.properties.title == hard_table().title
    assert workbook.sheetnames == ["Hard values «quotes» & ünïcödé"]  # ":" is not allowed in a sheet name


def test_an_empty_table_has_the_header_only(tmp_path: Path) -> None:
    sheet = write(ExportTable("Empty", hard_table().columns, [], 0), tmp_path / "e.xlsx")
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:J1"


def test_the_filter_follows_the_rows_written_when_the_count_was_wrong(tmp_path: Path) -> None:
    table = hard_table()
    path = tmp_path / "w.xlsx"
    sheet = write(ExportTable(table.title, table.columns, table.rows, row_count=99), path)
    assert sheet.auto_filter.ref == "A1:J6"
    with zipfile.ZipFile(path) as archive:
        assert "!$A$1:$J$6</definedName>" in archive.read("xl/workbook.xml").decode()


def test_progress_every_5000_rows(tmp_path: Path) -> None:
    rows = [(f"C{n}", "x") for n in range(10_001)]
    table = ExportTable("Many", (CATALOGUE["CUSTOMERID"], CATALOGUE["NAME"]), rows, len(rows))
    seen: list[int] = []
    write_file(table, get_writer("xlsx"), tmp_path / "p.xlsx", progress=seen.append)
    assert seen == [5000, 10_000]
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx", read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows(values_only=True)) == 10_002


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    rows = itertools.islice(itertools.cycle(ROWS), 6000)
    table = ExportTable("Big", hard_table().columns, rows, 6000)

    def fail(n: int) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_file(table, get_writer("xlsx"), target, progress=fail)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous")

    def rows() -> Iterator[tuple[str]]:
        yield from (("fine",) for _ in range(300))
        raise OSError("the store went away")

    with pytest.raises(OSError, match="went away"):
        write_file(ExportTable("Bad", (CATALOGUE["NAME"],), rows(), 301), get_writer("xlsx"), target)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


@pytest.mark.soffice
def test_libreoffice_shows_the_cells_as_intended(hard_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8"}
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", "--outdir", str(out), str(hard_path)],
        check=True, env=env, capture_output=True, timeout=120,
    )  # fmt: skip
    (result,) = out.iterdir()
    shown = list(csv.reader(result.read_text(encoding="utf-8").splitlines(keepends=True)))
    assert shown[0] == [CATALOGUE[c].label for c in COLUMNS]
    assert shown[1][2:7] == ["02138", "1,234.50", "TRUE", "05/03/2024", "02/01/2023 03:04:05"]
    assert shown[4][1] == '=HYPERLINK("http://x","y")'  # shown as typed, not evaluated to "y", no apostrophe
    assert shown[4][7] == "@SUM(A1)"
    assert shown[5][7] == "-3 minus first\ttab"
    assert shown[4][3] == "-5.25"
    assert shown[1][1] == "Société Générale des Eaux"
