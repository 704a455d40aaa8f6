"""Exports end to end through `custbook export`: a saved view (its columns in its order, its filters, its
descending sort) written in all five formats with -o and read back with the tools people use (csv, openpyxl,
python-docx, pypdf, and LibreOffice itself when installed); `--json`, the List permission, and the list's columns
for documents of the whole list."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from core.catalogue import LIST_COLUMNS, Catalogue

CATALOGUE = Catalogue.standard()
FORMATS = ("csv", "import-csv", "xlsx", "docx", "pdf")
EXTENSION = {"csv": ".csv", "import-csv": ".csv", "xlsx": ".xlsx", "docx": ".docx", "pdf": ".pdf"}

HEADER = ["CUSTOMERID", "NAME", "PRINTAS", "CITY", "ZIP", "COUNTRY", "CREDITLIMIT", "ONHOLD", "COMMENTS"]
HEADER += ["CONTRACT_START"]
FORMULA_NAME = '=HYPERLINK("http://x","y")'
MULTILINE = "Siège social\nEntrée B, 2e étage"
CUSTOMERS = [
    ["C1001", "Société Générale des Eaux", "SGE", "Paris", "75008", "France", "1234.50", "FALSE", MULTILINE,
     "05/03/2024"],
    ["C1002", "Αθηναϊκή Εμπορική Α.Ε.", "Athinaiki", "Αθήνα", "10558", "Greece", "2500", "TRUE", "", "31/12/2023"],
    ["C1003", "ООО «Северный ветер»", "Severny Veter", "Москва", "101000", "Russia", "750.25", "FALSE", "", ""],
    ["C1004", "Harvard Coop", "Harvard Coop", "Cambridge", "02138", "USA", "18000", "FALSE", "Net 30", "15/09/2022"],
    ["C1005", FORMULA_NAME, "Hyperlink", "Lyon", "69001", "France", "300.00", "TRUE", "@SUM(A1)", "01/02/2025"],
    ["C1006", "Müller & Söhne GmbH", "Müller", "Berlin", "10115", "Germany", "5000", "FALSE", "", "01/01/2020"],
    ["C1007", "Ærøskøbing Fiskeri ApS", "Fiskeri", "Ærøskøbing", "5970", "Denmark", "99.99", "FALSE", "", ""],
    ["C1008", "Łódź Logistics Sp. z o.o.", "Łódź Logistics", "Łódź", "90-001", "Poland", "", "FALSE", "", ""],
    ["C1009", 'Café "Le Zinc"', "Le Zinc", "Paris", "75011", "France", "420.00", "FALSE", 'He said "hi", then; left',
     "29/02/2024"],
]  # fmt: skip

# The view: columns in an order of its own, two filters (credit limit above 100, not in Germany), highest first.
VIEW = "Key accounts"
VIEW_COLUMNS = ("ZIP", "NAME", "CUSTOMERID", "COMMENTS", "CREDITLIMIT", "CONTRACT_START")
LABELS = ["ZIP or postal code", "Customer name", "Customer ID", "Comments", "Credit limit", "Contract start"]
# (ZIP, name, ID, comments, credit limit, contract start), in the view's sort order.
EXPECTED = [
    ("02138", "Harvard Coop", "C1004", "Net 30", Decimal("18000.00"), dt.date(2022, 9, 15)),
    ("10558", "Αθηναϊκή Εμπορική Α.Ε.", "C1002", None, Decimal("2500.00"), dt.date(2023, 12, 31)),
    ("75008", "Société Générale des Eaux", "C1001", MULTILINE, Decimal("1234.50"), dt.date(2024, 3, 5)),
    ("101000", "ООО «Северный ветер»", "C1003", None, Decimal("750.25"), None),
    ("75011", 'Café "Le Zinc"', "C1009", 'He said "hi", then; left', Decimal("420.00"), dt.date(2024, 2, 29)),
    ("69001", FORMULA_NAME, "C1005", "@SUM(A1)", Decimal("300.00"), dt.date(2025, 2, 1)),
]
SORTED_IDS = [row[2] for row in EXPECTED]
FILTERED_OUT = {"C1006": "Müller", "C1007": "Ærøskøbing", "C1008": "Łódź"}  # Germany, 99.99, no credit limit


def shown(value: object, date_format: str = "%d/%m/%Y") -> str:
    """A value as the text exports (CSV, Word, PDF) show it, written out independently of the writers."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.strftime(date_format)
    return str(value)


def shown_rows(date_format: str = "%d/%m/%Y") -> list[list[str]]:
    return [[shown(v, date_format) for v in row] for row in EXPECTED]


@pytest.fixture
def book(cli, write_csv):
    assert cli("fields", "add", "CONTRACT_START", "--type", "date").code == 0
    imported = cli("import", str(write_csv([HEADER, *CUSTOMERS])), "--json")
    assert imported.code == 0, imported.err
    assert imported.json["created"] == len(CUSTOMERS)
    saved = cli(
        "views",
        "save",
        VIEW,
        "--columns",
        ",".join(VIEW_COLUMNS),
        "--filter",
        "CREDITLIMIT>100",
        "--filter",
        "COUNTRY!=germany",
        "--sort=-CREDITLIMIT",
    )
    assert saved.code == 0, saved.err
    return cli


def export(cli, tmp_path: Path, fmt: str, *extra: str, name: str = "out") -> Path:
    path = tmp_path / f"{name}-{fmt}{EXTENSION[fmt]}"
    result = cli("export", "--view", VIEW, "--format", fmt, "-o", str(path), *extra)
    assert result.code == 0, result.err
    assert path.is_file()
    return path


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def flat(text: str) -> str:
    return " ".join(text.split())


def in_order(text: str, items: list[str], start: int = 0) -> list[int]:
    """Where each item is found, each after the one before (a header wrapped over two lines included)."""
    found = []
    for item in items:
        start = text.find(flat(item), start)
        assert start >= 0, f"{item!r} is missing, or not after {found and items[len(found) - 1]!r}"
        found.append(start)
        start += 1
    return found


def test_plain_csv_has_the_view_rows_columns_and_order(book, tmp_path):
    path = export(book, tmp_path, "csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    header, *rows = read_csv(path)
    assert header == LABELS
    expected = shown_rows()
    expected[-1][1] = "'" + FORMULA_NAME  # neutralised, like the formula-like comment
    expected[-1][3] = "'@SUM(A1)"
    assert rows == expected


def test_import_csv_has_customerid_first_ids_as_headers_and_exact_values(book, tmp_path):
    path = export(book, tmp_path, "import-csv")
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    header, *rows = read_csv(path)
    assert header == ["CUSTOMERID", "ZIP", "NAME", "COMMENTS", "CREDITLIMIT", "CONTRACT_START"]
    assert rows == [[r[2], r[0], r[1], r[3], r[4], r[5]] for r in shown_rows()]  # formulas kept exact
    again = book("import", str(path), "--json")
    assert again.code == 0, again.err
    result = again.json
    assert (result["rows"], result["unchanged"], result["updated"], result["blanked"]) == (6, 6, 0, 0)


def test_date_format_option_changes_the_dates_of_both_csv_formats(book, tmp_path):
    for fmt, id_column in (("csv", 2), ("import-csv", 0)):
        path = export(book, tmp_path, fmt, "--date-format", "YYYY-MM-DD", name="iso")
        rows = read_csv(path)[1:]
        assert [r[id_column] for r in rows] == SORTED_IDS
        assert [r[-1] for r in rows] == ["2022-09-15", "2023-12-31", "2024-03-05", "", "2024-02-29", "2025-02-01"]


def test_xlsx_has_typed_cells_in_the_view_order(book, tmp_path):
    path = export(book, tmp_path, "xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == LABELS
    assert len(values) == 1 + len(EXPECTED)
    for row, (zip_code, name, cid, comments, credit, start) in zip(values[1:], EXPECTED):
        assert row[:4] == [zip_code, name, cid, comments]
        assert isinstance(row[4], int | float) and not isinstance(row[4], bool)
        assert Decimal(str(row[4])) == credit
        if start is None:
            assert row[5] is None
        else:
            assert isinstance(row[5], dt.datetime) and row[5].date() == start
    zip_cells = [sheet.cell(r, 1) for r in range(2, 2 + len(EXPECTED))]
    assert all(c.data_type == "s" for c in zip_cells)  # text stays text: "02138" keeps its zero
    assert sheet.cell(2, 6).is_date
    assert sheet.cell(7, 2).data_type == "s" and sheet.cell(7, 2).value == FORMULA_NAME  # text, never a formula


def test_docx_table_has_the_view_rows_columns_and_order(book, tmp_path):
    path = export(book, tmp_path, "docx")
    document = docx.Document(str(path))
    (table,) = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == LABELS
    assert cells[1:] == shown_rows()
    assert document.paragraphs[0].text == VIEW
    summary = document.paragraphs[1].text
    assert "6 rows" in summary and "Credit limit" in summary


def test_pdf_text_has_every_value_in_the_sort_order(book, tmp_path):
    path = export(book, tmp_path, "pdf")
    text = flat(" ".join(page.extract_text() for page in PdfReader(path).pages))
    assert text.startswith(VIEW)
    header_at = in_order(text, LABELS, start=text.index("6 rows"))  # after the title and filter lines
    for row in shown_rows():
        for value in row:
            for line in value.splitlines():  # a cell's lines may interleave with its neighbours' in the text
                assert flat(line) in text, line
    positions = [text.find(cid) for cid in SORTED_IDS]
    assert all(text.count(cid) == 1 for cid in SORTED_IDS)
    assert header_at[-1] < positions[0] and positions == sorted(positions), dict(zip(SORTED_IDS, positions))


@pytest.mark.parametrize("fmt", FORMATS)
def test_filtered_out_customers_are_in_no_export(book, tmp_path, fmt):
    path = export(book, tmp_path, fmt)
    if fmt in ("csv", "import-csv"):
        text = path.read_text(encoding="utf-8-sig")
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(path).worksheets[0]
        text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    elif fmt == "docx":
        text = "\n".join(cell.text for row in docx.Document(str(path)).tables[0].rows for cell in row.cells)
    else:
        text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    for cid, name in FILTERED_OUT.items():
        assert cid not in text and name not in text
    assert all(cid in text for cid in SORTED_IDS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_json_prints_the_path_the_format_and_the_row_count(book, tmp_path, fmt):
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / f"report{EXTENSION[fmt]}"
    result = book("export", "--view", VIEW, "--format", fmt, "-o", str(path), "--json")
    assert result.code == 0, result.err
    assert result.json == {"path": str(path.resolve()), "format": fmt, "rows": len(EXPECTED), "warnings": []}
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left beside it


def test_exporting_needs_the_list_permission(book, tmp_path):
    assert book("users", "add", "bob", "--perms", "add,edit").code == 0
    for fmt in FORMATS:
        path = tmp_path / f"bob{EXTENSION[fmt]}"
        result = book("--user", "bob", "export", "--format", fmt, "-o", str(path))
        assert result.code == 3, (fmt, result)
        assert "List" in result.err and "Traceback" not in result.err
        assert not path.exists()
    denied = book("--user", "bob", "export", "--format", "csv")
    assert (denied.code, denied.out) == (3, "")
    assert book("users", "add", "carol", "--perms", "list").code == 0
    assert book("--user", "carol", "export", "--format", "import-csv").code == 0


def test_an_unknown_format_is_refused_with_the_valid_names(book, tmp_path):
    result = book("export", "--format", "ods", "-o", str(tmp_path / "x.ods"))
    assert result.code == 2
    for name in FORMATS:
        assert name in result.err
    assert not (tmp_path / "x.ods").exists()


def test_documents_without_a_view_show_the_list_columns(book, tmp_path):
    labels = [CATALOGUE[c].label for c in LIST_COLUMNS]
    docx_path, pdf_path = tmp_path / "all.docx", tmp_path / "all.pdf"
    assert book("export", "--format", "docx", "-o", str(docx_path)).code == 0
    assert book("export", "--format", "pdf", "-o", str(pdf_path)).code == 0
    rows = [[cell.text for cell in row.cells] for row in docx.Document(str(docx_path)).tables[0].rows]
    assert rows[0] == labels
    assert len(rows) == 1 + len(CUSTOMERS)  # every customer: no view, no filter
    assert [r[0] for r in rows[1:]] == [c[0] for c in CUSTOMERS]
    text = flat(" ".join(page.extract_text() for page in PdfReader(pdf_path).pages))
    in_order(text, labels, start=text.index("9 rows"))
    for absent in ("Print as", "Record number", "ZIP or postal code", "Contract start", "Comments"):
        assert absent not in text
    # Spreadsheets and CSV files of the whole list keep every field, custom ones included.
    header = read_csv_text(book("export", "--format", "csv").out)[0]
    assert len(header) == len(CATALOGUE.fields) + 1 and "Contract start" in header
    assert [h for h in header if h != "Contract start"] == [f.label for f in CATALOGUE.fields]


def read_csv_text(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def soffice(source: Path, target: str, tmp_path: Path) -> Path:
    """Convert with LibreOffice in a private profile (tests run in parallel) and return the one file written."""
    out = tmp_path / f"lo-{source.stem}"
    profile = (tmp_path / f"lo-profile-{source.stem}").as_uri()
    env = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8"}
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(out),
         str(source)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = list(out.iterdir()) if out.is_dir() else []
    assert len(files) == 1, (done.stdout, done.stderr)
    return files[0]


@pytest.mark.slow  # starts LibreOffice: in the full run
@pytest.mark.soffice
def test_libreoffice_opens_the_xlsx_and_docx_with_the_same_values(book, tmp_path):
    xlsx_csv = soffice(export(book, tmp_path, "xlsx"), "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path)
    header, *rows = read_csv(xlsx_csv)
    assert header == LABELS
    assert [r[2] for r in rows] == SORTED_IDS
    assert [r[0] for r in rows] == ["02138", "10558", "75008", "101000", "75011", "69001"]  # zeros kept
    assert [r[1] for r in rows] == [row[1] for row in EXPECTED]  # accents, Greek, Cyrillic; formula not run
    assert [r[3] for r in rows] == [shown(row[3]) for row in EXPECTED]
    assert [r[4] for r in rows] == ["18,000.00", "2,500.00", "1,234.50", "750.25", "420.00", "300.00"]
    assert [r[5] for r in rows] == ["15/09/2022", "31/12/2023", "05/03/2024", "", "29/02/2024", "01/02/2025"]

    # "Text" alone writes the system's encoding ("?" for Greek where no UTF-8 locale is installed): ask for UTF-8.
    text = soffice(export(book, tmp_path, "docx"), "txt:Text (encoded):UTF8", tmp_path).read_bytes().decode("utf-8-sig")
    lines = [line.strip() for line in text.splitlines()]
    for label in LABELS:
        assert label in lines
    for row in shown_rows():
        for value in row:
            for line in value.splitlines():
                assert line in lines, line
    assert "02138" in lines
    positions = [lines.index(cid) for cid in SORTED_IDS]
    assert positions == sorted(positions)
    assert not any(name in text for name in FILTERED_OUT.values())
