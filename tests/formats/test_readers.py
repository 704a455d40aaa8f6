"""The file readers (first stage of the import: bytes -> RawTable), tested with real bytes: encodings and BOMs,
delimiters, quoting, row numbering, rejections, .xlsx cells, files on disk, and files LibreOffice wrote."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import FileRejected, InvalidValue
from core.table import RawTable
from formats.csv import records as csv_records
from formats.csv.reader import read_csv, resolve_encoding
from formats.csv.records import sniff_delimiter
from formats.reader import read_bytes, read_file
from formats.xlsx.reader import cell_text, read_xlsx

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def rows(table: RawTable) -> list[tuple[int, tuple[str, ...]]]:
    return [(r.number, r.cells) for r in table.rows]


def rejected(data: bytes, name: str = "customers.csv", **kw: object) -> str:
    with pytest.raises(FileRejected) as info:
        read_bytes(data, name=name, **kw)  # type: ignore[arg-type]
    return str(info.value)


# --- encodings ------------------------------------------------------------------------------------------------


def test_plain_utf8() -> None:
    table = read_csv("Customer ID,Customer name\r\nC1,Zoë\r\n".encode(), name="a.csv")
    assert (table.encoding, table.delimiter, table.header) == ("UTF-8", ",", ("Customer ID", "Customer name"))
    assert rows(table) == [(2, ("C1", "Zoë"))]


def test_utf8_bom_is_not_part_of_the_first_header() -> None:
    table = read_csv(b"\xef\xbb\xbfCustomer ID,City\r\nC1,Orl\xc3\xa9ans\r\n", name="a.csv")
    assert table.encoding == "UTF-8 with BOM"
    assert table.header == ("Customer ID", "City")
    assert rows(table) == [(2, ("C1", "Orléans"))]


def test_utf16_le_tab_separated_with_bom_as_excel_unicode_text() -> None:
    text = 'Customer ID\tCustomer name\tCity\r\nC1\tCrème Brûlée\tMünchen\r\nC2\t"Tab\tinside"\t\r\n'
    data = b"\xff\xfe" + text.encode("utf-16-le")
    table = read_csv(data, name="unicode.txt")
    assert (table.encoding, table.delimiter) == ("UTF-16", "\t")
    assert rows(table) == [(2, ("C1", "Crème Brûlée", "München")), (3, ("C2", "Tab\tinside", ""))]


def test_utf16_be_with_bom() -> None:
    table = read_csv("A;B\nÉ;2\n".encode("utf-16"), name="a.csv")  # utf-16 writes a BOM in native order
    assert table.encoding == "UTF-16" and rows(table) == [(2, ("É", "2"))]
    table = read_csv(b"\xfe\xff" + "A;B\nÉ;2\n".encode("utf-16-be"), name="a.csv")
    assert table.encoding == "UTF-16" and rows(table) == [(2, ("É", "2"))]


def test_utf16_without_bom_is_recognised_from_its_zero_bytes() -> None:
    table = read_csv("Customer ID\tCity\r\nC1\tOrléans\r\n".encode("utf-16-le"), name="a.txt")
    assert (table.encoding, rows(table)) == ("UTF-16 LE", [(2, ("C1", "Orléans"))])


def test_windows_1252_semicolon_french() -> None:
    text = (
        "Identifiant client;Nom de client;Limite de crédit;Commentaires\r\n"
        "C001;Société Générale;1\xa0234,50;Payé à l’échéance – « très bon client »\r\n"
        "C002;Crème Brûlée;1234,5;Œuvre d'art, 100 €\r\n"
    )
    table = read_csv(text.encode("cp1252"), name="clients.csv")
    assert (table.encoding, table.delimiter) == ("Windows-1252", ";")
    assert table.header[2] == "Limite de crédit"
    assert rows(table) == [
        (2, ("C001", "Société Générale", "1\xa0234,50", "Payé à l’échéance – « très bon client »")),
        (3, ("C002", "Crème Brûlée", "1234,5", "Œuvre d'art, 100 €")),
    ]


def test_mac_roman_with_cr_line_ends() -> None:
    text = "Nom;Ville;Commentaires\rCrème Brûlée;Orléans;Ça va être livré à l’hôtel\rZoë;Besançon;Noël\r"
    table = read_csv(text.encode("mac_roman"), name="old-mac.csv")
    assert table.encoding == "Mac Roman"
    assert rows(table) == [
        (2, ("Crème Brûlée", "Orléans", "Ça va être livré à l’hôtel")),
        (3, ("Zoë", "Besançon", "Noël")),
    ]


@pytest.mark.parametrize("word", ["Café", "Crédit Agricole", "Müller", "Hôtel", "Société"])
def test_mac_roman_short_file_that_windows_1252_also_decodes(word: str) -> None:
    # Every byte is defined in Windows-1252 ("CafŽ"), so only the shape of the words tells them apart.
    table = read_csv(f"Name\n{word}\n".encode("mac_roman"), name="a.csv")
    assert (table.encoding, rows(table)) == ("Mac Roman", [(2, (word,))])


@pytest.mark.parametrize("word", ["Café", "Müller Straße", "100 € net", "n° 5 l’école", "ÉTÉ", "Peña", "œuvre"])
def test_windows_1252_is_preferred_when_in_doubt(word: str) -> None:
    table = read_csv(f"Name\n{word}\n".encode("cp1252"), name="a.csv")
    assert (table.encoding, rows(table)) == ("Windows-1252", [(2, (word,))])


@pytest.mark.parametrize(
    ("spelling", "label"),
    [
        ("windows-1252", "Windows-1252"),
        ("cp1252", "Windows-1252"),
        ("ANSI", "Windows-1252"),
        ("latin-1", "ISO-8859-1"),
        ("ISO-8859-15", "ISO-8859-15"),
        ("macroman", "Mac Roman"),
        ("Mac Roman", "Mac Roman"),
        ("UTF8", "UTF-8"),
        ("utf-16", "UTF-16"),
        ("Unicode", "UTF-16"),
    ],
)
def test_forced_encoding_spellings(spelling: str, label: str) -> None:
    codec = resolve_encoding(spelling)
    assert codec is not None
    table = read_csv("A,B\né,x\n".encode(codec), name="a.csv", encoding=spelling)
    assert (table.encoding, rows(table)) == (label, [(2, ("é", "x"))])


def test_forced_encoding_decides_over_detection() -> None:
    data = b"Name\nCaf\xe9 \xa4\n"  # 0xA4 is the euro sign in ISO-8859-15, a currency sign in Windows-1252
    assert rows(read_csv(data, name="a.csv")) == [(2, ("Café ¤",))]
    table = read_csv(data, name="a.csv", encoding="iso-8859-15")
    assert (table.encoding, rows(table)) == ("ISO-8859-15", [(2, ("Café €",))])
    # Forced UTF-8 still drops a BOM and says it was there.
    table = read_csv(b"\xef\xbb\xbfA\nx\n", name="a.csv", encoding="utf-8")
    assert (table.header, table.encoding) == (("A",), "UTF-8 with BOM")


@pytest.mark.parametrize("spelling", ["auto", "Auto", "", "automatic"])
def test_auto_spellings(spelling: str) -> None:
    assert resolve_encoding(spelling) is None


@pytest.mark.parametrize("spelling", ["klingon", "base64", "rot13", "utf-9"])
def test_unknown_encoding_is_invalid_value_naming_valid_ones(spelling: str) -> None:
    with pytest.raises(InvalidValue) as info:
        read_csv(b"A\n1\n", name="a.csv", encoding=spelling)
    assert f'"{spelling}"' in str(info.value)
    assert "Windows-1252" in str(info.value) and "UTF-8" in str(info.value)


def test_forced_encoding_with_invalid_bytes_names_the_row() -> None:
    data = "Nom;Ville\nC1;Paris\nC2;Orléans\n".encode("cp1252")
    with pytest.raises(FileRejected) as info:
        read_csv(data, name="clients.csv", encoding="utf-8")
    message = str(info.value)
    assert "clients.csv" in message and "UTF-8" in message
    assert "row 3" in message and 'right after "C2;Orl"' in message
    assert "encoding" in info.value.fix


def test_invalid_bytes_after_a_quoted_line_break_name_the_spreadsheet_row_and_the_line() -> None:
    data = b'Name,Comments\nC1,"two\nlines"\nC2,ok\nC3,caf' + b"\xe9\n"
    with pytest.raises(FileRejected) as info:
        read_csv(data, name="a.csv", encoding="utf-8")
    assert "row 4 (line 5 in a text editor)" in str(info.value)


def test_invalid_byte_at_the_start_of_a_line() -> None:
    data = b"Name\nok\n\xe9t\xe9\n"
    with pytest.raises(FileRejected) as info:
        read_csv(data, name="a.csv", encoding="utf-8")
    assert "row 3 holds" in str(info.value)


def test_a_stray_byte_in_a_utf8_file_is_rejected_not_garbled() -> None:
    # Reading it all as Windows-1252 would turn every é into Ã©: name the bad place instead.
    good = "".join(f"C{i},Société Générale,Orléans\n" for i in range(10))
    data = ("ID,Name,City\n" + good).encode() + b"C99,Caf\xe9,Paris\n"
    with pytest.raises(FileRejected) as info:
        read_csv(data, name="a.csv")
    assert "row 12" in str(info.value) and "UTF-8" in str(info.value)
    assert "CSV UTF-8" in info.value.fix


def test_nul_bytes_outside_utf16_are_binary() -> None:
    assert "binary" in rejected(b"A,B\n1,\x002\n", encoding="cp1252")
    assert "binary" in rejected(b"\xef\xbb\xbfA,B\n1,\x002\n")
    assert read_csv("A,B\n1,2\n".encode("utf-16-le"), name="a.csv", encoding="utf-16-le").rows[0].cells == ("1", "2")


# --- records, rows, cells --------------------------------------------------------------------------------------


def test_quoted_cells_hold_delimiters_quotes_and_line_breaks() -> None:
    data = (
        b'ID,Name,Comments\r\nC1,"Dupont, Jean","He said ""hello""\r\nthen left"\r\nC2,Plain,"a\nb\nc"\r\nC3,Last,x\r\n'
    )
    table = read_csv(data, name="a.csv")
    assert rows(table) == [
        (2, ("C1", "Dupont, Jean", 'He said "hello"\r\nthen left')),
        (3, ("C2", "Plain", "a\nb\nc")),
        (4, ("C3", "Last", "x")),
    ]


def test_empty_rows_are_skipped_but_keep_counting() -> None:
    data = b"ID,Name\r\nC1,a\r\n\r\n,\r\n  ,\t\r\n,,,\r\nC2,b\r\n\r\n"
    table = read_csv(data, name="a.csv")
    assert rows(table) == [(2, ("C1", "a")), (7, ("C2", "b"))]


def test_row_numbers_count_records_not_lines() -> None:
    data = b'ID,Comments\n\nC1,"x\n\ny"\n\nC2,z\n'
    assert rows(read_csv(data, name="a.csv")) == [(3, ("C1", "x\n\ny")), (5, ("C2", "z"))]


def test_cells_are_kept_exactly() -> None:
    data = b"ID,Name,ZIP\n  C1 , Zo\xc3\xab ,02138\n"
    assert rows(read_csv(data, name="a.csv")) == [(2, ("  C1 ", " Zoë ", "02138"))]


def test_ragged_rows_are_kept_as_they_are() -> None:
    data = b"A,B,C\n1\n1,2\n1,2,3,4\n1,2,3,,x\n"
    assert rows(read_csv(data, name="a.csv")) == [
        (2, ("1",)),
        (3, ("1", "2")),
        (4, ("1", "2", "3", "4")),
        (5, ("1", "2", "3", "", "x")),
    ]


def test_trailing_empty_header_cells_are_dropped_with_the_empty_cells_under_them() -> None:
    data = b"A,B,,\n1,2,,\n3,4,, \n5,,,\n6,7\n"
    table = read_csv(data, name="a.csv")
    assert table.header == ("A", "B")
    assert rows(table) == [(2, ("1", "2")), (3, ("3", "4")), (4, ("5", "")), (5, ("6", "7"))]


def test_a_blank_header_cell_in_the_middle_is_kept() -> None:
    assert read_csv(b"A,,C\n1,2,3\n", name="a.csv").header == ("A", "", "C")


def test_header_only_file_has_no_rows() -> None:
    table = read_csv(b"Customer ID,Customer name\r\n", name="a.csv")
    assert table.header == ("Customer ID", "Customer name") and table.rows == ()


def test_cells_with_characters_that_splitlines_would_break_at() -> None:
    data = "A,B\nx\x0by,a\u2028b\nc\x1cd,\x85\n".encode()
    assert rows(read_csv(data, name="a.csv")) == [(2, ("x\x0by", "a\u2028b")), (3, ("c\x1cd", "\x85"))]


# Cells of any text, written by the csv module: reading them back gives the same cells and row numbers.
_cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_cells, min_size=2, max_size=4), min_size=1, max_size=8), st.sampled_from(",;\t|"))
def test_any_cells_round_trip(body: list[list[str]], delimiter: str) -> None:
    header = ["Customer ID", "Customer name"]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([header, *body])
    table = read_csv(out.getvalue().encode(), name="a.csv")
    assert table.delimiter == delimiter  # the header holds only this one
    expected = []
    for number, cells in enumerate(body, start=2):
        if any(c.strip() for c in cells):
            while len(cells) > 2 and not cells[-1].strip():
                cells = cells[:-1]  # empty cells beyond the header hold nothing
            expected.append((number, tuple(cells)))
    assert rows(table) == expected


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", ",", ";", '"', '""', "\n", "\r\n", "\r", " ", "é", "\x0b", "\u2028"]), max_size=60
    ).map("".join)
)
def test_fast_paths_read_like_the_csv_module(text: str) -> None:
    def norm(records: object) -> list[list[str]]:
        return [r or [""] for r in records]  # type: ignore[attr-defined]

    expected = norm(csv.reader(io.StringIO(text, newline="")))
    assert norm(csv_records._records(text, ",")) == expected
    assert norm(csv_records._mixed_records(text, ",")) == expected


# --- delimiters ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(delimiter: str) -> None:
    lines = [["Customer ID", "Customer name", "City"], ["C1", "Dupont", "Paris"], ["C2", "Martin", "Lyon"]]
    data = "\r\n".join(delimiter.join(line) for line in lines).encode()
    table = read_csv(data, name="a.csv")
    assert table.delimiter == delimiter
    assert rows(table) == [(2, ("C1", "Dupont", "Paris")), (3, ("C2", "Martin", "Lyon"))]


def test_semicolon_file_with_decimal_commas() -> None:
    data = b"ID;Nom;Limite\nC1;Dupont, Jean;1234,5\nC2;Martin;1 234,50\n"
    table = read_csv(data, name="a.csv")
    assert table.delimiter == ";" and rows(table)[0] == (2, ("C1", "Dupont, Jean", "1234,5"))


def test_comma_file_whose_header_has_a_semicolon_in_quotes() -> None:
    assert sniff_delimiter('ID,Name,"Limit; EUR"\nC1,a,1\n') == ","
    assert sniff_delimiter('ID;Name;"Limit, EUR"\nC1;a;1,5\n') == ";"


def test_header_decides_when_data_lines_hold_other_candidates() -> None:
    # Every data line has three commas, but the header has none: commas are cell content.
    assert sniff_delimiter("ID|Comments\nC1|a, b, c, d\nC2|e, f, g, h\n") == "|"


def test_next_lines_break_a_tie_in_the_header() -> None:
    assert sniff_delimiter("Nom, prénom;Ville\nDupont, Jean;Paris\nMartin;Lyon\n") == ";"


def test_single_column_file() -> None:
    table = read_csv(b"Customer ID\nC1\nC2\n", name="a.csv")
    assert (table.delimiter, table.header, len(table.rows)) == (",", ("Customer ID",), 2)


# --- rejections -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b"\xff\xfe \x00\n\x00"])
def test_empty_file(data: bytes) -> None:
    message = rejected(data, name="empty.csv")
    assert message.startswith("The file empty.csv is empty")


def test_only_empty_rows_is_an_empty_file() -> None:
    assert "is empty" in rejected(b",,,\r\n;;\r\n")


def test_first_row_empty_but_data_below_has_no_header_row() -> None:
    message = rejected(b"\r\nCustomer ID,Name\r\nC1,a\r\n")
    assert "Row 1" in message and "column names" in message


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "(.xls)"),
        (b"<!DOCTYPE html><html><table>", "a web page"),
        (b"ID,Name\nC1,\x00\x01\x02\n", "binary data"),
    ],
)
def test_binary_files_are_named(data: bytes, what: str) -> None:
    message = rejected(data, name="photo.csv")
    assert "The file photo.csv is not a CSV or Excel file" in message and what in message
    assert "Export the sheet" in message


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("members", "what"),
    [
        ({"notes.txt": b"hello"}, "a ZIP archive"),
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, "OpenDocument spreadsheet (.ods)"),
        ({"word/document.xml": b"<w/>"}, "a Word document"),
    ],
)
def test_zip_that_is_not_xlsx(members: dict[str, bytes], what: str) -> None:
    assert what in rejected(_zip(members), name="customers.csv")


def test_row_limit() -> None:
    body = "".join(f"C{i},Name {i}\n" for i in range(25_000))
    table = read_csv(("ID,Name\n" + body).encode(), name="a.csv")
    assert len(table.rows) == 25_000 and table.rows[-1].number == 25_001
    with pytest.raises(FileRejected) as info:
        read_csv(("ID,Name\n" + body + "C25000,x\n").encode(), name="big.csv")
    assert str(info.value).startswith("The file big.csv has 25,001 customer rows; the limit is 25,000")
    assert "Raise the limit for this import with --max-rows 50000" in info.value.fix and "split" in info.value.fix


def test_row_limit_counts_non_empty_rows_only_and_is_configurable() -> None:
    data = b"ID\n1\n\n\n2\n,\n3\n"
    assert len(read_csv(data, name="a.csv", max_rows=3).rows) == 3
    assert "has 3 customer rows; the limit is 2" in rejected(data, max_rows=2)


def test_a_20_mb_cell_is_read_in_linear_time() -> None:
    big = "x" * (20 * 1024 * 1024)
    data = f'ID,Comments\nC1,"{big}"\nC2,"a, ""b"""\n'.encode()
    start = time.perf_counter()
    table = read_csv(data, name="a.csv")
    assert time.perf_counter() - start < 5
    assert len(table.rows[0].cells[1]) == len(big) and table.rows[1].cells == ("C2", 'a, "b"')
    assert table.rows[1].number == 3


def test_a_25000_by_40_file_reads_quickly() -> None:
    header = ",".join(f"Column {i}" for i in range(40))
    line = ",".join(["C1", "Société Générale", "", "TRUE", "1234.50", "02138", "", "Paris"] * 5)
    data = ("\r\n".join([header] + [line] * 25_000) + "\r\n").encode()
    start = time.perf_counter()
    table = read_csv(data, name="a.csv")
    elapsed = time.perf_counter() - start
    assert len(table.rows) == 25_000 and len(table.rows[0].cells) == 40
    assert elapsed < 2  # about 0.1 s; generous so that a loaded machine does not fail it


# --- xlsx -----------------------------------------------------------------------------------------------------


def _xlsx(*sheet_rows: list[object], formats: dict[str, str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in sheet_rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_cells_become_the_text_a_user_would_type() -> None:
    data = _xlsx(
        ["Customer ID", "ZIP or postal code", "Credit limit", "On hold", "Since", "Comments", None, None],
        ["C1", 2138, 1234.5, True, dt.date(2024, 3, 1), "a_x000D_\nb"],
        [],
        ["C2", "02139", 2500.75, False, dt.datetime(2024, 3, 1, 13, 5), None, None, ""],
        ["C3", 2138.0, 1e-7, 12.0, dt.datetime(2024, 3, 1), 1e20],
        formats={"B2": "00000"},
    )
    table = read_xlsx(data, name="customers.xlsx")
    assert (table.encoding, table.delimiter) == (None, None)
    assert table.header == ("Customer ID", "ZIP or postal code", "Credit limit", "On hold", "Since", "Comments")
    assert rows(table) == [
        (2, ("C1", "02138", "1234.5", "TRUE", "2024-03-01", "a\r\nb")),
        (4, ("C2", "02139", "2500.75", "FALSE", "2024-03-01 13:05:00", "")),
        (5, ("C3", "2138", "0.0000001", "12", "2024-03-01", "100000000000000000000")),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (True, "TRUE"), (False, "FALSE"), (7, "7"), (-3.0, "-3"), (1234.5, "1234.5"), (0.1, "0.1"),
     (0.1 + 0.2, "0.30000000000000004"),
     (1.5e-5, "0.000015"), (dt.time(9, 30), "09:30:00"), ("  kept  ", "  kept  ")],
)  # fmt: skip
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_xlsx_row_numbers_are_the_sheets_and_short_rows_are_padded() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["C1"] = "Customer ID", "Customer name", "City"
    sheet["A3"] = "C1"
    sheet["A7"], sheet["B7"] = "C2", "Zoë"
    sheet["E9"] = "   "  # only white space: an empty row
    out = io.BytesIO()
    book.save(out)
    table = read_xlsx(out.getvalue(), name="a.xlsx")
    assert rows(table) == [(3, ("C1", "", "")), (7, ("C2", "Zoë", ""))]


def test_xlsx_first_row_empty() -> None:
    book = openpyxl.Workbook()
    book.active["A2"] = "Customer ID"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FileRejected, match="Row 1 of the first sheet"):
        read_xlsx(out.getvalue(), name="a.xlsx")


def test_xlsx_empty_sheet() -> None:
    with pytest.raises(FileRejected, match="is empty"):
        read_xlsx(_xlsx(), name="a.xlsx")


def test_xlsx_row_limit() -> None:
    data = _xlsx(["ID"], *[[f"C{i}"] for i in range(6)])
    assert len(read_xlsx(data, name="a.xlsx", max_rows=6).rows) == 6
    with pytest.raises(FileRejected, match="has more than 5 customer rows; the limit is 5"):
        read_xlsx(data, name="a.xlsx", max_rows=5)


def test_corrupt_xlsx_is_rejected_in_plain_words() -> None:
    data = _xlsx(["ID"], ["C1"])
    for broken in (data[: len(data) // 2], _zip({"xl/workbook.xml": b"<not xml"})):
        message = rejected(broken, name="broken.xlsx")
        assert "The file broken.xlsx cannot be read as an Excel workbook: it is damaged" in message
        assert "save it again as .xlsx" in message


def _declaring(data: bytes, member: str, size: int) -> bytes:
    """The archive with `member` declaring `size` unpacked bytes in the central directory (where zipfile reads it):
    what a ZIP bomb of a few kilobytes declares, without spending seconds deflating gigabytes of zeros here."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_len = int.from_bytes(out[at + 28 : at + 30], "little")
        if out[at + 46 : at + 46 + name_len] == member.encode():
            out[at + 24 : at + 28] = size.to_bytes(4, "little")
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 4)
    raise AssertionError(member)


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_before_it_is_opened() -> None:
    data = _xlsx(["ID"], ["C1"])
    bomb = _declaring(data, "xl/worksheets/sheet1.xml", 3_000_000_000)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:  # zipfile believes the declaration
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 3_000_000_000
    message = rejected(bomb, name="bomb.xlsx")
    assert "The file bomb.xlsx unpacks to 3.0 GB, far more than 25,000 customer rows can hold" in message
    assert "save it again as .xlsx or CSV" in message
    # The allowance grows with the row limit (20 KB a row): 600 MB is too much for 25,000 rows, not for 50,000.
    big = _declaring(data, "xl/worksheets/sheet1.xml", 600_000_000)
    assert "unpacks to 0.6 GB" in rejected(big, name="b.xlsx")
    assert [r.cells for r in read_xlsx(big, name="b.xlsx", max_rows=50_000).rows] == [("C1",)]


def test_other_files_named_xlsx() -> None:
    assert "not an .xlsx workbook" in rejected(b"ID,Name\nC1,a\n", name="list.xlsx")
    assert "a PNG image" in rejected(b"\x89PNG\r\n\x1a\n\x00\x00", name="list.xlsx")
    ods = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    assert "(it looks like an OpenDocument spreadsheet (.ods))" in rejected(ods, name="list.xlsx")
    assert "(.xls) or a password-protected workbook" in rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", name="a.xlsx")


def test_xlsx_is_recognised_by_content_whatever_its_name() -> None:
    table = read_bytes(_xlsx(["ID"], ["C1"]), name="export.csv")
    assert table.delimiter is None and rows(table) == [(2, ("C1",))]


# --- files on disk --------------------------------------------------------------------------------------------


def test_read_file(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes("Identifiant client;Ville\r\nC1;Orléans\r\n".encode("cp1252"))
    table = read_file(path)
    assert (table.name, table.encoding, rows(table)) == ("clients.csv", "Windows-1252", [(2, ("C1", "Orléans"))])
    assert read_file(str(path), encoding="latin-1").encoding == "ISO-8859-1"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileRejected) as info:
        read_file(tmp_path / "nope.csv")
    assert str(info.value).startswith(f"There is no file {tmp_path / 'nope.csv'}")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match="is a folder, not a file"):
        read_file(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.csv"
    path.write_bytes(b"ID\nC1\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(FileRejected, match="not allowed to read the file"):
        read_file(path)


def test_too_big_is_refused_from_its_size_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: takes no room

    def must_not_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("read a file that is too big")

    monkeypatch.setattr(Path, "open", must_not_read)
    with pytest.raises(FileRejected) as info:
        read_file(path)
    assert str(info.value).startswith("The file huge.csv is 300 MB; the largest file custbook imports is 200 MB")
    with pytest.raises(FileRejected, match="is 1 KB; the largest file custbook imports is 100 bytes"):
        read_bytes(b"x" * 1024, name="a.csv", max_bytes=100)


# --- files LibreOffice wrote (see tests/fixtures/README.md) ----------------------------------------------------

EN_HEADER = ("Customer ID", "Customer name", "Print as", "Credit limit", "On hold", "Taxable", "ZIP or postal code",
             "City", "Comments", "Email")  # fmt: skip
COMMENT_2 = "Livraison le matin uniquement\nQuai n° 3 — sonner à l’accueil"
COMMENT_3 = "Cliente depuis 2019; paiement à 30 jours, « prioritaire »"


def _expected(limit: str, decimal: str, yes: str, no: str) -> list[tuple[int, tuple[str, ...]]]:
    return [
        (2, ("C001", "Société Générale", "Société Générale SA", limit, no, yes, "75009", "Paris", "",
             "compta@societe-generale.example")),
        (3, ("C002", "Crème Brûlée SARL", "Crème Brûlée", "15000", no, yes, "69002", "Lyon", COMMENT_2,
             "commandes@creme-brulee.example")),
        (4, ("C003", "Zoë Lefèvre", "Mme Zoë Lefèvre", f"2500{decimal}75", yes, no, "02138", "Cambridge", COMMENT_3,
             "zoe.lefevre@example.org")),
        (6, ("C004", "Müller & Söhne GmbH", "Müller & Söhne", "0", no, yes, "80331", "München",
             'Contact : "Herr Müller"', "")),
        (7, ("C005", "Œuvres d'Art Hélène", "Œuvres d'Art", f"980{decimal}4", no, yes, "13001", "Marseille", "",
             "helene@oeuvres.example")),
        (8, ("C006", "Ångström Café", "Ångström Café", "50000", yes, yes, "01000", "Bourg-en-Bresse",
             "Remise 5 %, ne pas relancer", "")),
    ]  # fmt: skip


def test_libreoffice_french_windows_1252_semicolon() -> None:
    table = read_file(FIXTURES / "lo_fr_cp1252_semicolon.csv")
    assert (table.encoding, table.delimiter) == ("Windows-1252", ";")
    assert table.header == (
        "Identifiant client", "Nom de client", "Imprimer en tant que", "Limite de crédit", "En attente", "Imposable",
        "CEDEX ou code postal", "Ville", "Commentaires", "Adresse e-mail",
    )  # fmt: skip
    assert rows(table) == _expected("1\xa0234,50", ",", "VRAI", "FAUX")


def test_libreoffice_utf8_bom_comma() -> None:
    table = read_file(FIXTURES / "lo_utf8_bom.csv")
    assert (table.encoding, table.delimiter, table.header) == ("UTF-8 with BOM", ",", EN_HEADER)
    assert rows(table) == _expected("1,234.50", ".", "TRUE", "FALSE")


def test_libreoffice_utf16_tab_unicode_text() -> None:
    table = read_file(FIXTURES / "lo_utf16_tab.txt")
    assert (table.encoding, table.delimiter) == ("UTF-16", "\t")
    assert table.header == ("CUSTOMERID", "NAME", "PRINTAS", "CREDITLIMIT", "ONHOLD", "TAXABLE", "ZIP", "CITY",
                            "COMMENTS", "EMAIL1")  # fmt: skip
    assert rows(table) == _expected("1,234.50", ".", "TRUE", "FALSE")


def test_libreoffice_xlsx() -> None:
    table = read_file(FIXTURES / "lo_sheet.xlsx")
    assert (table.encoding, table.delimiter, table.header) == (None, None, EN_HEADER)
    assert rows(table) == _expected("1234.5", ".", "TRUE", "FALSE")


def test_fixtures_are_small() -> None:
    for path in FIXTURES.glob("lo_*"):
        assert path.stat().st_size < 8 * 1024, path.name


def test_utf32_text_behind_a_utf16_mark_is_refused_naming_the_encoding_tried():
    """Salesforce Data Loader writes UTF-32 BE after a UTF-16 BE mark (dataloader_csvtext_BOM_UTF32BE.csv in
    shared/realworld): read as UTF-16 it became columns full of U+0000 (issue 18, item 7)."""
    data = codecs.BOM_UTF16_BE + '"column1","column2"\n"a","b"\n'.encode("utf-32-be")
    with pytest.raises(FileRejected) as info:
        read_bytes(data, name="accounts.csv")
    assert "does not read as UTF-16: it decodes to NUL characters" in str(info.value)
    assert "CSV UTF-8" in info.value.fix


def test_a_file_mixing_utf8_and_windows_1252_lines_is_refused_naming_a_line_of_each():
    """Issue 17, item 14: two files pasted together, one saved as UTF-8 and one as Windows-1252, used to be read
    whole as Windows-1252 and to commit "CafÃ©" with exit 0. Now the file is refused; read with a chosen encoding
    it is the user's call; a file wholly in Windows-1252 is read as before."""
    header = b"CUSTOMERID,NAME,PRINTAS\r\n"
    mixed = header + "C1,Café Lyon,Cafe\r\n".encode() + "C2,Crème Paris,Creme\r\n".encode("cp1252")
    with pytest.raises(FileRejected) as caught:
        read_csv(mixed, name="pasted.csv")
    assert "mixes two encodings: line 2 is UTF-8 and line 3 is not" in caught.value.message
    forced = read_csv(mixed, name="pasted.csv", encoding="cp1252")
    assert forced.rows[0].cells[1] == "CafÃ© Lyon"  # what the user asked for, knowingly
    legacy = header + "C1,Café Lyon,Cafe\r\nC2,Crème Paris,Creme\r\nC3,SÃO JOÃO Ltda,Sao\r\n".encode("cp1252")
    assert [r.cells[1] for r in read_csv(legacy, name="w.csv").rows] == ["Café Lyon", "Crème Paris", "SÃO JOÃO Ltda"]
