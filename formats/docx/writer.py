"""The Word writer: a landscape A4 document with a title, a line naming the filters, the date and the row count,
then one table whose header row repeats on every page.

python-docx builds everything but the table's rows. Its cell API makes a Python object per cell (over 20 s for
25,000 x 10 cells), and even rows parsed in bulk by lxml cost a tree node per run, text and paragraph property: 1.7
GB and 10 s for 25,000 x 40. So the rows never enter the tree: they are written as WordprocessingML text, a chunk at
a time, straight into the document part of the zip, where a marker left in the table stands; memory stays at one
chunk whatever the row count.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from string import Formatter
from typing import BinaryIO
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt
from docx.text.run import Run
from lxml import etree

from core.catalogue import Field
from core.i18n import N_
from core.values import Value
from formats.document import cell_formatters, page_of, summary_parts, title
from formats.writer import ExportTable, register

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CHUNK = 5000  # rows formatted and written at a time; also the progress step
_PAGE_W, _PAGE_H, _MARGIN = Cm(29.7), Cm(21.0), Cm(1.5)
_TWIPS_PER_EMU = 1 / 635  # Word measures table widths in twentieths of a point (dxa); python-docx in EMU
_CELL_STYLE, _HEAD_STYLE = "Table Text", "Table Heading"
_CELL_MARGIN = 57  # twips (0.1 cm) left and right of the text in a cell; Table Grid's 0.19 cm wastes narrow columns
_WIDTH_SAMPLE = 1000  # rows looked at to size the columns
_DOCUMENT_PART = "word/document.xml"
_MARKER_TEXT = "custbook: the rows go here"
_MARKER = f"<!--{_MARKER_TEXT}-->".encode()

# XML 1.0 cannot carry most C0 control characters, U+FFFE/U+FFFF or unpaired surrogates: lxml refuses such text and
# Word refuses such a file. A stray one (pasted from another program) must not cost the whole export, so each
# becomes U+FFFD, the replacement character, where the reader can see that something was there.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def _runs(text: str) -> str:
    """A cell's text as one run: escaped, line breaks as <w:br/>, tabs as <w:tab/>, illegal characters replaced."""
    if text.isprintable():  # the common case, decided in C: no line break, tab or control character
        if "&" in text or "<" in text or ">" in text:
            text = escape(text)
        return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    parts = ["<w:r>"]
    for i, line in enumerate(xml_safe(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    parts.append("</w:r>")
    return "".join(parts)


def _rows_xml(rows: Sequence[Sequence[str]], style_id: str) -> str:
    # cantSplit keeps a row on one page, so a two-line comment is never cut in half by a page break.
    p_open = f'<w:tc><w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>'
    return "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join([f"{p_open}{_runs(t)}</w:p></w:tc>" for t in texts])
        + "</w:tr>"
        for texts in rows
    )


def _header_xml(labels: Sequence[str], widths: Sequence[int], style_id: str) -> str:
    """The header row: w:tblHeader repeats it at the top of every page; grey so it reads as a header on paper."""
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{_runs(label)}</w:p></w:tc>'
        for label, w in zip(labels, widths)
    )
    return f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{cells}</w:tr>"


def _font_size(columns: int) -> float:
    """8 points fits about ten columns across the page; wider views get smaller type rather than one-letter lines."""
    return 8 if columns <= 12 else 7 if columns <= 18 else 6


def _column_widths(
    columns: Sequence[Field], sample: Sequence[Sequence[str]], total: int, font_size: float
) -> list[int]:
    """Widths in twips from what the first rows hold: every column asks for room for its typical value (and its
    label's longest word); short ones (dates, amounts, flags) get all they ask, long ones share what is left."""
    char = round(font_size * 12)  # twips: a generous average character, bold or in a fallback font
    padding = 2 * _CELL_MARGIN + 30
    wants = []
    for j, column in enumerate(columns):
        word = max((len(w) for w in column.shown_label.split()), default=1)  # bold: counted a quarter wider
        lengths = sorted(max(map(len, row[j].splitlines()), default=0) for row in sample[:_WIDTH_SAMPLE])
        typical = lengths[len(lengths) * 9 // 10] if lengths else 0
        wants.append(padding + char * min(max(word * 5 // 4, typical, 3), 60))
    if sum(wants) <= total:  # everything fits on one line: share the spare room in proportion
        widths = [w * total // sum(wants) for w in wants]
    else:  # the widest columns are capped at the level where the rest exactly fits
        left, cap = total, 0
        for i, want in enumerate(sorted(wants)):
            if want * (len(wants) - i) > left:
                cap = left // (len(wants) - i)
                break
            left -= want
        widths = [min(w, cap) for w in wants]
    widths[-1] += total - sum(widths)
    return widths


def _chunks(rows: Iterable[tuple[Value, ...]], fmts: Sequence[Callable[[Value], str]]) -> Iterator[list[list[str]]]:
    it = iter(rows)
    while chunk := list(itertools.islice(it, _CHUNK)):
        yield [[f(v) for f, v in zip(fmts, row)] for row in chunk]


def _add_styles(document: Document, font_size: float) -> None:
    for name, bold in ((_CELL_STYLE, False), (_HEAD_STYLE, True)):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.font.size = Pt(font_size)
        style.font.bold = bold
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _add_page_numbers(section: Section) -> None:
    """'Page 2 of 7' in the user's language: the words as the translation orders them, the numbers as fields."""
    paragraph = section.footer.paragraphs[0]
    for words, name, _spec, _conversion in Formatter().parse(page_of()):
        if words:
            paragraph.add_run(words)
        if name:
            _add_field(paragraph.add_run(), "PAGE" if name == "page" else "NUMPAGES")


def _add_field(run: Run, instruction: str) -> None:
    """A field Word computes as it lays the pages out (the page number, the number of pages)."""
    for kind in ("begin", None, "separate", "end"):
        if kind is None:
            node = etree.SubElement(run._r, qn("w:instrText"))
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            node.text = f" {instruction} "
        else:
            etree.SubElement(run._r, qn("w:fldChar")).set(qn("w:fldCharType"), kind)
            if kind == "separate":
                etree.SubElement(run._r, qn("w:t")).text = "1"


def _drop_thumbnail(document: Document) -> None:
    """python-docx's template carries a preview of a blank portrait page; better no preview than a wrong one."""
    rels = document.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(r_id)


def _summary(table: ExportTable) -> str:
    return "  ·  ".join(summary_parts(table))


def _rows_into_zip(
    package: bytes, out: BinaryIO, rows: Iterator[tuple[int, bytes]], big: bool, progress: Callable[[int], None] | None
) -> None:
    """Copy the package python-docx wrote to `out`, streaming the rows into the document part at the marker."""
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        # Level 1: the repetitive row markup still shrinks about twentyfold, in a fraction of the default's time.
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename != _DOCUMENT_PART:
                target.writestr(info, data)
                continue
            head, tail = data.split(_MARKER)  # exactly one marker: it is a comment, no text can spell it
            # The part's size is unknown until the end; past 2 GB it needs Zip64, which must be asked for up front.
            with target.open(_DOCUMENT_PART, "w", force_zip64=big) as part:
                part.write(head)
                done = 0
                for n, blob in rows:
                    part.write(blob)
                    done += n
                    if progress and n == _CHUNK:
                        progress(done)
                part.write(tail)


class DocxWriter:
    name = "docx"
    extension = ".docx"
    description = N_("Word (landscape table, header repeated on every page)")
    importable_only = False
    document = True

    def write(self, table: ExportTable, out: BinaryIO, progress: Callable[[int], None] | None = None) -> None:
        document = docx.Document()
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = _PAGE_W, _PAGE_H
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = _MARGIN
        font_size = _font_size(len(table.columns))
        _add_styles(document, font_size)
        _add_page_numbers(section)
        _drop_thumbnail(document)
        heading = xml_safe(title(table))
        props = document.core_properties
        props.title = heading
        props.author = props.last_modified_by = "custbook"
        props.created = props.modified = table.generated.astimezone(dt.UTC)  # the file stores UTC
        document.add_paragraph(heading, style="Title")
        document.add_paragraph(xml_safe(_summary(table)))
        if not table.columns:
            document.save(out)
            return
        rows = _add_table(document, table, font_size)
        package = io.BytesIO()
        document.save(package)
        big = table.row_count * len(table.columns) > 5_000_000  # about 150 bytes a cell: 750 MB and more
        _rows_into_zip(package.getvalue(), out, rows, big, progress)


def _add_table(document: Document, table: ExportTable, font_size: float) -> Iterator[tuple[int, bytes]]:
    """Add the table with its grid and header row; return its rows as (row count, UTF-8 XML) chunks, to stream."""
    columns = table.columns
    usable = int((_PAGE_W - 2 * _MARGIN) * _TWIPS_PER_EMU)
    grid = document.add_table(rows=0, cols=len(columns))
    grid.style = document.styles["Table Grid"]
    grid.autofit = False  # fixed layout: Word lays pages out from the grid instead of measuring every cell
    tbl = grid._tbl
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(usable))
    margins = f'<w:left w:w="{_CELL_MARGIN}" w:type="dxa"/><w:right w:w="{_CELL_MARGIN}" w:type="dxa"/>'
    cell_mar = etree.fromstring(f'<w:tblCellMar xmlns:w="{_W_NS}">{margins}</w:tblCellMar>')
    tbl.tblPr.find(qn("w:tblLook")).addprevious(cell_mar)  # the schema's order: tblCellMar comes before tblLook
    cell_style = document.styles[_CELL_STYLE].style_id
    head_style = document.styles[_HEAD_STYLE].style_id

    fmts = cell_formatters(table)
    chunks = _chunks(table.rows, fmts)
    first = next(chunks, [])
    widths = _column_widths(columns, first, usable, font_size)
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    header = _header_xml([c.shown_label for c in columns], widths, head_style)
    tbl.append(etree.fromstring(f'<w:tbl xmlns:w="{_W_NS}">{header}</w:tbl>')[0])
    tbl.append(etree.Comment(_MARKER_TEXT))

    def encoded() -> Iterator[tuple[int, bytes]]:
        for chunk in itertools.chain([first] if first else [], chunks):
            yield len(chunk), _rows_xml(chunk, cell_style).encode()

    return encoded()


register(DocxWriter())
