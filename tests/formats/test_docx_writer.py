"""The Word writer, read back with python-docx: page set-up, title and summary line, the repeated header row and
every cell of the hard-values table as a reader sees it."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core.catalogue import Catalogue
from formats.writer import ExportTable, get_writer, write_file, writers

sys.path.insert(0, str(Path(__file__).parent))
from hard_values import COLUMNS, ROWS, hard_table

CATALOGUE = Catalogue.standard()


def expected_text(value: object) -> str:
    """What a reader of the document should see, written out independently of the writer's code."""
    if value is None:
        return ""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")  # a timestamp in the date format, to the minute
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def write(table: ExportTable, path: Path) -> docx.document.Document:
    write_file(table, get_writer("docx"), path)
    return docx.Document(str(path))


def text_table(rows: list[tuple[str, ...]], title: str = "Texts") -> ExportTable:
    columns = (CATALOGUE["NAME"], CATALOGUE["COMMENTS"])
    return ExportTable(title, columns, rows, len(rows), generated=dt.datetime(2026, 1, 2, 3, 4))


@pytest.fixture
def hard_doc(tmp_path: Path) -> docx.document.Document:
    return write(hard_table(), tmp_path / "x.docx")


def test_registered_as_docx() -> None:
    writer = writers()["docx"]
    assert (writer.name, writer.extension, writer.importable_only) == ("docx", ".docx", False)


def test_landscape_a4_with_narrow_margins(hard_doc: docx.document.Document) -> None:
    (section,) = hard_doc.sections
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert abs(section.page_width - Cm(29.7)) < Cm(0.1) and abs(section.page_height - Cm(21)) < Cm(0.1)
    assert all(abs(m - Cm(1.5)) < Cm(0.01) for m in (section.left_margin, section.right_margin, section.top_margin))


def test_title_and_summary_line(hard_doc: docx.document.Document) -> None:
    title, summary = hard_doc.paragraphs[:2]
    assert title.text == "Hard values: «quotes» & ünïcödé"
    assert title.style.name == "Title"
    for part in ("Country = France", 'Name contains "S"', "28/11/2026 09:30", "5 rows"):
        assert part in summary.text
    assert hard_doc.core_properties.title == "Hard values: «quotes» & ünïcödé"


def test_summary_without_filters(tmp_path: Path) -> None:
    document = write(text_table([("A", "")]), tmp_path / "x.docx")
    assert "No filters" in document.paragraphs[1].text
    assert "1 row" in document.paragraphs[1].text and "1 rows" not in document.paragraphs[1].text


def test_header_row_labels_bold_and_repeated(hard_doc: docx.document.Document) -> None:
    (table,) = hard_doc.tables
    assert len(table.rows) == len(ROWS) + 1
    header = table.rows[0]
    assert [c.text for c in header.cells] == [CATALOGUE[c].label for c in COLUMNS]
    assert header._tr.xpath("./w:trPr/w:tblHeader"), "the header row must repeat on every page"
    assert not any(row._tr.xpath("./w:trPr/w:tblHeader") for row in table.rows[1:])
    for cell in header.cells:
        assert cell.paragraphs[0].style.font.bold is True


def test_grid_style_and_small_font(hard_doc: docx.document.Document) -> None:
    (table,) = hard_doc.tables
    assert table.style.name == "Table Grid"
    assert table.rows[1].cells[0].paragraphs[0].style.font.size == Pt(8)


def test_every_cell_as_displayed(hard_doc: docx.document.Document) -> None:
    (table,) = hard_doc.tables
    got = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert got == [[expected_text(v) for v in row] for row in ROWS]


def test_hard_values_spelled_out(hard_doc: docx.document.Document) -> None:
    (table,) = hard_doc.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    col = {c: i for i, c in enumerate(COLUMNS)}
    first = rows[0]
    assert first[col["CREDITLIMIT"]] == "1234.50"
    assert first[col["LAST_INVOICEDATE"]] == "05/03/2024"
    assert first[col["ONHOLD"]] == "Yes" and rows[1][col["ONHOLD"]] == "No"
    assert first[col["ZIP"]] == "02138"  # leading zeros are text, kept
    assert first[col["COMMENTS"]] == "Line one\nLine two"
    assert rows[1][col["LAST_INVOICEDATE"]] == "" and rows[1][col["EMAIL1"]] == ""
    assert [r[col["NAME"]] for r in rows[1:3]] == ["Αθηναϊκή Εμπορική", "ООО Северный ветер"]
    assert rows[3][col["NAME"]] == '=HYPERLINK("http://x","y")'  # Word runs no formulas: shown as typed
    assert rows[4][col["NAME"]] == "Müller & Söhne GmbH — Łódź / Ærøskøbing"
    assert rows[4][col["COMMENTS"]] == "-3 minus first\ttab"


def test_line_break_is_a_break_in_the_same_paragraph(hard_doc: docx.document.Document) -> None:
    cell = hard_doc.tables[0].rows[1].cells[COLUMNS.index("COMMENTS")]
    assert len(cell.paragraphs) == 1
    assert len(cell._tc.xpath(".//w:br")) == 1


def test_spaces_markup_and_line_endings_survive(tmp_path: Path) -> None:
    rows = [("  padded  ", "a\r\nb\rc"), ("<b>&amp;</b> ]]>", "'quoted' \"double\"")]
    document = write(text_table(rows), tmp_path / "x.docx")
    got = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    assert got == [["  padded  ", "a\nb\nc"], ["<b>&amp;</b> ]]>", "'quoted' \"double\""]]
    texts = document.tables[0]._tbl.xpath(".//w:t")
    assert texts and all(t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve" for t in texts)


def test_control_characters_become_replacement_characters(tmp_path: Path) -> None:
    rows = [("bad\x00\x07\x1b name", "vertical\x0btab\x0cform"), ("lone \ud800 surrogate", "not a char \ufffe")]
    document = write(text_table(rows, title="Title\x01"), tmp_path / "x.docx")
    got = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    assert got == [
        ["bad\ufffd\ufffd\ufffd name", "vertical\ufffdtab\ufffdform"],
        ["lone \ufffd surrogate", "not a char \ufffd"],
    ]
    assert document.paragraphs[0].text == "Title\ufffd"


def test_no_rows_gives_the_header_alone(tmp_path: Path) -> None:
    document = write(text_table([]), tmp_path / "x.docx")
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [["Customer name", "Comments"]]
    assert "0 rows" in document.paragraphs[1].text


def test_wide_view_columns_share_the_page(tmp_path: Path) -> None:
    columns = CATALOGUE.fields  # every field: far more than fits at 8 points
    row = tuple("x" * 30 if f.type == "text" else None for f in columns)
    document = write(ExportTable("Wide", columns, [row] * 3, 3), tmp_path / "x.docx")
    tbl = document.tables[0]._tbl
    widths = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(widths) == len(columns) and min(widths) > 0
    assert sum(widths) == int(tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")))
    assert document.tables[0].rows[1].cells[0].paragraphs[0].style.font.size < Pt(8)


def test_progress_every_5000_rows(tmp_path: Path) -> None:
    seen: list[int] = []
    rows = list(itertools.islice(itertools.cycle(ROWS), 10_001))
    table = ExportTable("Many", hard_table().columns, rows, len(rows))
    write_file(table, get_writer("docx"), tmp_path / "x.docx", progress=seen.append)
    assert seen == [5000, 10_000]
    with zipfile.ZipFile(tmp_path / "x.docx") as package:
        assert package.read("word/document.xml").count(b"<w:tr>") == len(rows) + 1


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    def stop(n: int) -> None:
        raise RuntimeError("cancelled")

    rows = list(itertools.islice(itertools.cycle(ROWS), 5000))
    table = ExportTable("Many", hard_table().columns, rows, len(rows))
    with pytest.raises(RuntimeError, match="cancelled"):
        write_file(table, get_writer("docx"), tmp_path / "x.docx", progress=stop)
    assert list(tmp_path.iterdir()) == []
