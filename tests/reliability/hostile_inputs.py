"""Hostile import files for the fuzz tests: hypothesis strategies for valid CSV files (several encodings and
delimiters) and workbooks with odd cells, the mutations that damage them (flipped, inserted and deleted bytes,
truncation, a damaged part inside an intact ZIP), and arbitrary bytes.

Only builds bytes: no store, no reading. The values mix what real files hold with what breaks parsers (quotes,
delimiters, line breaks, control characters, huge numbers, dates Excel cannot count, formulas without a value).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable

import openpyxl
from hypothesis import strategies as st

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "iso8859-15", "mac-roman")
DELIMITERS = (",", ";", "\t", "|")

# Headers as files name them: each field once (ID, English or French label, odd spacing), then, now and then, a
# name that rejects the file (unknown, empty, repeated) so that both outcomes are reached.
FIELD_SPELLINGS = (
    ("NAME", "Customer name", "nom_de_client"), ("PRINTAS", "Print as"), ("STATUS", "Statut"), ("CREDITLIMIT",
    "Limite de crédit"), ("ONHOLD", "On hold"), ("TAXABLE",), ("EMAIL1", "E-mail"), ("ZIP", "code postal"),
    ("COMMENTS",), ("PARENTID",), ("CURRENCY",), ("PAYMETHOD",), ("DELIVERY_OPTIONS",), ("SEGMENT",),
    ("CONTRACT_START",), ("VIP",), ("RECORDNO", "WHENCREATED"), ("Ville", "CITY"), ("Error",),
)  # fmt: skip
BAD_HEADERS = ("", " ", "Unknown column", "NAME", "customer id", "\x1b[31m", '"')
IDS = (*(f"C{n:07d}" for n in range(1, 45)), "NEW-1", "NEW-2", "", " C0000003", "c0000001")

ODD_VALUES = (
    "", " ", "C0000001", "C0000002", "C0000003", "NEW-1", "Zoë Ñandú", "Łódź", "高橋", "Müller; \"Frères\"",
    "=1+1", "@SUM(A1)", "-5", "+33 1", "1 234,50", "1,234.50", "1234.567", "-0", "1e400", "NaN", "Infinity",
    "9999999999999999999.99", "31/12/2024", "12/31/2024", "2024-02-30", "00/00/0000", "TRUE", "vrai", "Both",
    "active", "inactive", "Enterprise", "a@b.co", "bob@", "x" * 300, "\x1b[31mRED\x1b[0m", "\x9b2J", "\x07",
    "line\nbreak", "cr\ronly", "tab\tin", '"', '""', '"unclosed', "\u2028", "\ufeff", "\x85", "\u202e", "?",
    "C0000001 ", " C0000002", "--", "/* x */", "'; DROP TABLE customers; --",
)  # fmt: skip

cell_text = st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=30))


@st.composite
def header_row(draw: st.DrawFn) -> list[str]:
    fields = draw(st.lists(st.sampled_from(FIELD_SPELLINGS), max_size=6, unique=True))
    header = ["CUSTOMERID", *(draw(st.sampled_from(spellings)) for spellings in fields)]
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(BAD_HEADERS)))
    if draw(st.booleans()):
        draw(st.randoms(use_true_random=False)).shuffle(header)
    return header


def rows_for(header: list[object], values: st.SearchStrategy[object]) -> st.SearchStrategy[list[list[object]]]:
    """Rows under `header`: the Customer ID column mostly holds stored IDs (updates) or new ones; a row now and
    then has a cell too few or too many."""
    cells = [st.sampled_from(IDS) | values if h == "CUSTOMERID" else values for h in header]
    row = st.tuples(*cells).map(list) if cells else st.just([])
    ragged = st.lists(values, min_size=max(0, len(header) - 1), max_size=len(header) + 1)
    return st.lists(row | ragged, max_size=8)


@st.composite
def csv_file(draw: st.DrawFn) -> bytes:
    """A CSV as spreadsheet programs write it: a header of known (and some unknown) names, rows of odd values,
    in one of the encodings and delimiters custbook detects."""
    import csv

    header = draw(header_row())
    rows = draw(rows_for(header, cell_text))
    delimiter = draw(st.sampled_from(DELIMITERS))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=draw(st.sampled_from(("\r\n", "\n", "\r"))))
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


_EXCEL_VALUES = st.one_of(
    cell_text,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=9000)),
    st.sampled_from(("=1+1", "=A1", "=NOW()", "=#REF!", "=1/0", '=HYPERLINK("http://x")')),
)
_NUMBER_FORMATS = ("General", "0", "00000", "0.00", "@", "DD/MM/YYYY", "yyyy-mm-dd h:mm", "[h]:mm:ss", "#,##0.00")


def workbook_bytes(
    header: list[object], rows: list[list[object]], formats: list[str] | None = None, *, sheets: int = 1
) -> bytes:
    """An .xlsx as openpyxl writes it. openpyxl stores formulas without their values, as a script would."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([_clean(v) for v in header])
    for row in rows:
        sheet.append([_clean(v) for v in row])
    for i, fmt in enumerate(formats or ()):
        for row in sheet.iter_rows(min_row=2):
            if i < len(row):
                row[i].number_format = fmt
    for n in range(1, sheets):
        book.create_sheet(f"Other {n}").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    return _fixed_times(out.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The same workbook bytes on every run (hypothesis replays cases): openpyxl stamps the time of saving in the
    document properties and the ZIP entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@st.composite
def xlsx_file(draw: st.DrawFn) -> bytes:
    """A valid workbook whose cells are of every type Excel has, some odd (a float NaN, a time, a formula)."""
    header: list[object] = list(draw(header_row()))
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(_EXCEL_VALUES))  # a header cell that is not text
    width = len(header)
    rows = draw(rows_for(header, _EXCEL_VALUES))
    gaps = draw(st.lists(st.just([]), max_size=2))  # empty rows in the middle of the sheet
    formats = draw(st.lists(st.sampled_from(_NUMBER_FORMATS), max_size=width))
    return workbook_bytes(header, rows[:3] + gaps + rows[3:], formats, sheets=draw(st.integers(1, 2)))


def _clean(value: object) -> object:
    # openpyxl refuses control characters in strings: a workbook cannot hold them (Excel writes _xHHHH_ escapes).
    if isinstance(value, str):
        return "".join(ch if ch >= " " or ch in "\t\n\r" else f"_x{ord(ch):04X}_" for ch in value)
    return value


BASE_WORKBOOK = workbook_bytes(
    ["CUSTOMERID", "NAME", "PRINTAS", "CREDITLIMIT", "ONHOLD", "CONTRACT_START", "ZIP", "SEGMENT"],
    [
        ["C0000001", "Zoë", "Zoë SA", 1234.5, True, dt.date(2024, 3, 5), "02138", "SMB"],
        ["C0000002", _clean("\x1b[31mRED"), "Red Ltd", -1, "FALSE", dt.datetime(2024, 1, 1, 12), 2138, "Enterprise"],
        ["NEW-1", "Nouveau", "Nouveau", float("nan"), None, "31/12/2024", None, "Mid-market"],
    ],
    ["General", "@", "@", "0.00", "General", "DD/MM/YYYY", "00000", "@"],
)


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[bytes]) -> bytes:
    """`base` damaged by up to five edits: flipped bits, inserted or deleted bytes, a duplicated run, a cut."""
    data = bytearray(draw(base))
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(("flip", "insert", "delete", "truncate", "duplicate", "set")))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from((b"\x00", b'"', b"\r", b"\xff")))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif op == "truncate":
            del data[at:]
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
        elif op == "set" and at < len(data):
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


def _rezip(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


# "Billion laughs": entities that expand to gigabytes if the XML parser expands them without limit.
XML_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'.encode() for p, c in zip("abcdefgh", "bcdefghi"))
    + b"]><sst><si><t>&i;</t></si></sst>"
)
XLSX_PARTS = (
    "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml",
    "xl/_rels/workbook.xml.rels", "_rels/.rels",
)  # fmt: skip


@st.composite
def damaged_part(draw: st.DrawFn) -> bytes:
    """A workbook whose ZIP is intact but one of its XML parts is damaged, missing or replaced: the damage
    reaches the XML and workbook parsers instead of stopping at the ZIP's checksum."""
    base = draw(st.just(BASE_WORKBOOK) | xlsx_file())
    member = draw(st.sampled_from(XLSX_PARTS))
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        if member not in archive.namelist():
            return base
        body = archive.read(member)
    how = draw(st.sampled_from(("mutate", "empty", "replace", "drop")))
    if how == "drop":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                if info.filename != member:
                    dst.writestr(info.filename, src.read(info.filename))
        return out.getvalue()
    if how == "empty":
        return _rezip(base, member, lambda _: b"")
    if how == "replace":
        junk = draw(st.sampled_from((b"<x/>", b"not xml", XML_BOMB)))
        return _rezip(base, member, lambda _: junk)
    damaged = draw(mutated(st.just(body)))
    return _rezip(base, member, lambda _: damaged)
