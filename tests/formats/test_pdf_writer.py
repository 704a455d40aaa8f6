"""The PDF writer, read back with pypdf: landscape pages, title line, the header row on every page, page numbers,
every hard value's display text (Greek, Cyrillic, accents, leading zeros, decimals, dates), long values wrapped
and never cut, and no file left behind by a failed export. Characters the embedded font lacks (CJK names):
test_pdf_fonts.py."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.catalogue import Catalogue
from formats.csv.for_import import display_formatter
from formats.writer import ExportTable, get_writer, write_file, writers

sys.path.insert(0, str(Path(__file__).parent))
from hard_values import COLUMNS, ROWS, hard_table

CATALOGUE = Catalogue.standard()


def write(table: ExportTable, path: Path) -> list[str]:
    """Write the table as a PDF and return the text of each page, whitespace collapsed to single spaces."""
    write_file(table, get_writer("pdf"), path)
    return [flat(page.extract_text()) for page in PdfReader(path).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def table_of(columns: tuple[str, ...], rows: list[tuple[object, ...]], title: str = "Customers") -> ExportTable:
    return ExportTable(
        title=title,
        columns=tuple(CATALOGUE[c] for c in columns),
        rows=rows,
        row_count=len(rows),
        generated=dt.datetime(2026, 11, 28, 9, 30),
    )


def test_the_registry_lists_pdf() -> None:
    assert "pdf" in writers()
    writer = get_writer("PDF")
    assert (writer.name, writer.extension, writer.importable_only) == ("pdf", ".pdf", False)


def test_hard_values_are_all_in_a_landscape_pdf(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    pages = write(hard_table(), path)
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert box.width > box.height
    text = " ".join(pages)
    assert "Hard values: «quotes» & ünïcödé" in pages[0]
    assert 'Filters: Country = France; Name contains "S"' in pages[0]
    assert "Generated 28/11/2026 09:30" in pages[0]
    assert "5 rows" in pages[0]
    for field_id in COLUMNS:
        assert flat(CATALOGUE[field_id].label) in text
    for row in ROWS:
        for field_id, value in zip(COLUMNS, row):
            shown = display_formatter(CATALOGUE[field_id].type, hard_table().date_format)(value)  # type: ignore[arg-type]
            assert flat(shown) in text, (field_id, shown)
    for expected in (
        "Αθηναϊκή Εμπορική",
        "ООО Северный ветер",
        "Müller & Söhne GmbH — Łódź / Ærøskøbing",
        "Société Générale des Eaux",
        "02138",
        "1234.50",
        "-5.25",
        "05/03/2024",
        "31/12/1999",
        '=HYPERLINK("http://x","y")',
    ):
        assert expected in text
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_a_long_value_is_wrapped_not_cut(tmp_path: Path) -> None:
    words = [f"word{n:03d}" for n in range(75)]
    comment = " ".join(words)  # 600 characters
    assert len(comment) == 599
    url = "https://example.com/" + "x" * 280  # one word far wider than any column
    table = table_of(("CUSTOMERID", "NAME", "COMMENTS", "URL1"), [("C1", "Long one", comment, url)])
    path = tmp_path / "x.pdf"
    pages = write(table, path)
    text = " ".join(pages)
    assert comment in text  # every word, in order: the breaks only fall between words
    assert url in "".join(text.split())

    runs: list[tuple[str, float]] = []
    page = PdfReader(path).pages[0]
    page.extract_text(visitor_text=lambda t, cm, tm, font, size: runs.append((t, tm[4])) if t.strip() else None)
    comment_lines = [t for t, _ in runs if "word" in t]
    assert len(comment_lines) > 3  # drawn on several lines of its column
    assert all(0 <= x < float(page.mediabox.width) for _, x in runs)


def test_many_rows_repeat_the_header_on_every_page(tmp_path: Path) -> None:
    rows = [(f"C{n:04d}", f"Customer number {n}", "Paris", Decimal(n)) for n in range(1, 301)]
    pages = write(table_of(("CUSTOMERID", "NAME", "CITY", "CREDITLIMIT"), rows), tmp_path / "x.pdf")
    count = len(pages)
    assert count > 1
    for number, text in enumerate(pages, 1):
        assert "Customer name" in text
        assert "Credit limit" in text
        assert f"Page {number} of {count}" in text
    assert f"Page {count} of {count}" in pages[-1]
    everything = " ".join(pages)
    assert all(f"C{n:04d} Customer number {n} Paris {n}.00" in everything for n in range(1, 301))
    assert "Customers" in pages[0] and "300 rows" in pages[0]


def test_a_row_taller_than_a_page_continues_on_the_next(tmp_path: Path) -> None:
    comment = " ".join(f"line{n:04d}" for n in range(3000))
    rows = [("C1", "Before", ""), ("C2", "Huge", comment), ("C3", "After", "")]
    pages = write(table_of(("CUSTOMERID", "NAME", "COMMENTS"), rows), tmp_path / "x.pdf")
    assert len(pages) > 1
    text = " ".join(pages)
    assert all(f"line{n:04d}" in text for n in range(3000))
    assert "C3 After" in pages[-1]
    assert all("Customer name" in page for page in pages)


def test_every_field_of_the_catalogue_squeezes_onto_the_page_without_losing_text(tmp_path: Path) -> None:
    fields = CATALOGUE.fields
    assert len(fields) > 40  # the whole list: columns far narrower than their words
    row = tuple("C0001" if f.id == "CUSTOMERID" else "Zoë Lefèvre SARL" if f.id == "NAME" else None for f in fields)
    pages = write(ExportTable("All customers", fields, [row], 1), tmp_path / "x.pdf")
    assert len(pages) == 1
    packed = "".join(pages[0].split())  # words broken between characters, but every character is there
    assert "C0001" in packed and "ZoëLefèvreSARL" in packed
    assert all("".join(f.label.split()) in packed for f in fields)


def test_an_empty_view_still_has_its_title_and_header(tmp_path: Path) -> None:
    pages = write(table_of(("CUSTOMERID", "NAME"), [], title="Nobody here"), tmp_path / "x.pdf")
    assert pages[0].startswith("Nobody here No filters")
    assert "0 rows" in pages[0] and "Customer name" in pages[0] and "Page 1 of 1" in pages[0]


def test_progress_every_5000_rows_and_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    rows = [(f"C{n:05d}", "Name") for n in range(5001)]
    seen: list[int] = []

    def progress(n: int) -> None:
        seen.append(n)
        raise RuntimeError("stop")

    target = tmp_path / "x.pdf"
    with pytest.raises(RuntimeError, match="stop"):
        write_file(table_of(("CUSTOMERID", "NAME"), rows), get_writer("pdf"), target, progress)
    assert seen == [5000]
    assert list(tmp_path.iterdir()) == []
