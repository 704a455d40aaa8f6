"""The PDF writer: a landscape A4 table for printing, with a title, the view's filters and page numbers.

Names in Latin, Greek and Cyrillic are drawn with DejaVu Sans, embedded from `formats/fonts/` (licence beside it);
other characters (the demo's Japanese names, for instance) with an installed font that has them, found through
fontconfig (`fallback`) and embedded too. A character no font has is drawn as "?": the export never fails over a
glyph, and says which characters it could not draw and how to install a font (`PdfWriter.write`'s note). Long
values are wrapped inside their column, never cut; a row that does not fit goes to the next page, below the header
row that every page repeats.

Layout is done here, not by fpdf2's `table()` (45 s for 25,000 rows): lines are measured with a per-character
width table (`faces`) and each row is written into the page as one text object, as `text()` would write it line by
line (15 s). That leans on a few fpdf2 internals (`FPDF._out`, `FPDF._set_font_for_page`, and the font's that
`faces` and `fallback` name), which the tests cover by reading every export back. This module only lays out and
writes; which rows and columns to show is the store's work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

from fpdf import FPDF

from core.catalogue import Field, FieldType
from core.i18n import N_, group_digits, ngettext
from core.values import Value
from formats.document import cell_formatters, page_of, summary_parts, title
from formats.pdf.faces import FAMILY, PT, Face
from formats.pdf.fallback import Fallback
from formats.writer import ExportTable, register

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

# Sizes in millimetres (the document unit) and points (font sizes).
_MARGIN = 10.0
_FOOTER_H = 8.0  # the band under the table that holds "Page x of y"
_PAD_X = 1.0
_PAD_Y = 0.7
_LEADING = 1.2  # line height as a multiple of the font size
_TITLE_PT = 14.0
_INFO_PT = 9.0
_BODY_PT = 8.0
_MIN_BODY_PT = 5.5  # wide views get a smaller font rather than unreadable slivers of columns
_SAMPLE_ROWS = 200  # rows measured to choose column widths
_TYPICAL = 0.9  # the share of sampled lines a column's wanted width fits on one line
_MIN_COL = 14.0
_MAX_COL_SHARE = 0.4  # no column asks for more than this share of the page width
_PROGRESS_EVERY = 5000
_HEADER_SHADE = 225
_GRID_GREY = 150
# fpdf2 reserves the width of one digit per character of the alias ("{nb}" gets only three): room for 99,999 pages.
_PAGES = "{pgs}"
_RIGHT_ALIGNED = (FieldType.DECIMAL, FieldType.INTEGER)


class _Document(FPDF):
    """fpdf2 calls footer() as each page is closed."""

    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.fallback = Fallback(self)

    def footer(self) -> None:
        # The page's text may use any system font read so far (a header row is written once and repeated).
        self.fallback.use_on_page()
        self.set_y(-_FOOTER_H)
        self.set_font(FAMILY, "", _BODY_PT)
        # cell(), not text(): only cell() substitutes the {nb} alias with the page count when the file is closed.
        self.cell(0, _FOOTER_H / 2, page_of().format(page=self.page_no(), pages=_PAGES), align="C")


def _new_document(title: str) -> _Document:
    pdf = _Document()
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(False)  # pages are broken by _Grid, row by row
    pdf.alias_nb_pages(_PAGES)
    pdf.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("custbook")
    pdf.set_line_width(0.1)
    pdf.set_draw_color(_GRID_GREY)
    return pdf


def body_size(columns: int) -> float:
    return _BODY_PT if columns <= 12 else max(_MIN_BODY_PT, _BODY_PT * 12 / columns)


def column_widths(
    columns: Sequence[Field], sample: Sequence[Sequence[str]], regular: Face, bold: Face, size: float, room: float
) -> list[float]:
    """Widths (mm) filling `room`, from the header and the sampled values, much as a browser lays out a table.

    Each column wants a typical line on one line (at most a share of the page) and needs its longest word. If every
    column can have what it wants, the spare room is shared in proportion to that. Otherwise each gets its longest
    word, then the columns that need least extra room to stop wrapping get it first, and whatever is left is
    shared in proportion to what the rest lack. Only when the longest words alone do not fit are words broken,
    every column shrunk alike but none below the minimum width.
    """
    n = len(columns)
    low = min(_MIN_COL, room / n)
    high = max(room * _MAX_COL_SHARE, low)
    pad = 2 * _PAD_X
    wants, needs = [], []
    for i, column in enumerate(columns):
        lines = [line for row in sample for line in row[i].split("\n") if line]
        head = max(map(bold.width, column.shown_label.split()), default=0.0)
        # A typical line, not the longest: one long comment should wrap rather than widen its column for all.
        spans = sorted(map(regular.width, lines))
        typical = spans[int(_TYPICAL * (len(spans) - 1))] if spans else 0.0
        word = max((regular.width(w) for line in lines for w in line.split()), default=0.0)
        if column.type in _RIGHT_ALIGNED:  # a larger number may come after the sample: never split its digits
            typical = word = word + regular.width("00")
        wants.append(min(max(max(head, typical) * size + pad, low), high))
        needs.append(min(max(max(head, word) * size + pad, low), wants[-1]))
    if sum(wants) <= room:
        return [w * room / sum(wants) for w in wants]
    if sum(needs) <= room:
        widths, spare = list(needs), room - sum(needs)
        for i in sorted(range(n), key=lambda i: wants[i] - needs[i]):
            if wants[i] - needs[i] > spare:
                break
            widths[i], spare = wants[i], spare - (wants[i] - needs[i])
        lacking = [(i, wants[i] - widths[i]) for i in range(n) if widths[i] < wants[i]]
        for i, lack in lacking:
            widths[i] += spare * lack / sum(lack for _, lack in lacking)
        return widths
    pinned: set[int] = set()  # columns held at the minimum because shrinking would take them below it
    while True:
        free = [i for i in range(n) if i not in pinned]
        if not free:
            return [room / n] * n
        scale = (room - low * len(pinned)) / sum(needs[i] for i in free)
        widths = [low if i in pinned else needs[i] * scale for i in range(n)]
        too_narrow = [i for i in free if widths[i] < low - 1e-9]
        if not too_narrow:
            return widths
        pinned.update(too_narrow)


class _Grid:
    """Draws the table row by row: pages, the repeated header row, wrapping, alignment and rules."""

    def __init__(self, pdf: _Document, columns: Sequence[Field], widths: list[float], regular: Face, bold: Face):
        self.pdf, self.regular, self.bold = pdf, regular, bold
        self.size = body_size(len(columns))
        self.size_mm = self.size * PT
        self.lh = self.size_mm * _LEADING
        self.baseline = 0.5 * self.lh + 0.3 * self.size_mm  # where fpdf2's cell() puts text in a line
        self.edges = [_MARGIN]
        for w in widths:
            self.edges.append(self.edges[-1] + w)
        # In the faces' unit (mm at 1 pt); the epsilon keeps a word exactly as wide as its column on one line.
        self.limits = [(w - 2 * _PAD_X) / self.size + 1e-9 for w in widths]
        self.short = [int(limit / regular.widest_ascii) for limit in self.limits]  # ASCII texts that surely fit
        self.right = [c.type in _RIGHT_ALIGNED for c in columns]
        self.header = [bold.wrap(bold.clean(c.shown_label), limit) for c, limit in zip(columns, self.limits)]
        self.header_h = 2 * _PAD_Y + max(map(len, self.header), default=1) * self.lh
        self.bottom = pdf.h - _MARGIN - _FOOTER_H
        self.lines_per_page = int((self.bottom - _MARGIN - self.header_h - 2 * _PAD_Y) // self.lh)
        self.y = self.top = self.body_top = 0.0
        self._header_ops: dict[float, str] = {}

    def start(self, y: float) -> None:
        """Header row at y (mm) on the current page."""
        pdf, left, right = self.pdf, self.edges[0], self.edges[-1]
        self.top = y
        pdf.set_fill_color(_HEADER_SHADE)
        pdf.rect(left, y, right - left, self.header_h, style="F")
        pdf.set_fill_color(0)  # text is painted in the fill colour
        _select(pdf, self.bold, self.size)
        if y not in self._header_ops:
            self._header_ops[y] = self._text_ops(self.header, y, self.bold)
        pdf._out(self._header_ops[y])
        _select(pdf, self.regular, self.size)
        self.y = self.body_top = y + self.header_h
        pdf.line(left, self.y, right, self.y)

    def row(self, cells: Sequence[str]) -> None:
        width, wrap = self.regular.width, self.regular.wrap
        parts: list[Sequence[str]] = [
            ()
            if not text
            else [text]
            if "\n" not in text and ((len(text) <= short and text.isascii()) or width(text) <= limit)
            else wrap(text, limit)
            for text, limit, short in zip(cells, self.limits, self.short)
        ]
        while True:
            count = max(map(len, parts), default=1) or 1
            room = int((self.bottom - self.y - 2 * _PAD_Y) // self.lh)
            if count <= room:
                break
            at_top = self.y <= self.body_top
            if not at_top and (count <= self.lines_per_page or room < 1):
                self._next_page()
                continue
            # Taller than a whole page: draw what fits here and go on below the header of the next page.
            room = max(room, 1)
            self._ink([p[:room] for p in parts], room)
            parts = [p[room:] for p in parts]
            self._next_page()
        self._ink(parts, count)

    def finish(self) -> None:
        pdf, edges = self.pdf, self.edges
        for x in edges:
            pdf.line(x, self.top, x, self.y)
        pdf.line(edges[0], self.top, edges[-1], self.top)

    def _ink(self, parts: Sequence[Sequence[str]], count: int) -> None:
        """One body row of `count` lines at self.y, and the rule under it."""
        ops = self._text_ops(parts, self.y, self.regular)
        self.y += 2 * _PAD_Y + count * self.lh
        k, rule = self.pdf.k, (self.pdf.h - self.y) * self.pdf.k
        self.pdf._out(f"{ops} {self.edges[0] * k:.2f} {rule:.2f} m {self.edges[-1] * k:.2f} {rule:.2f} l S")

    def _text_ops(self, parts: Sequence[Sequence[str]], y: float, face: Face) -> str:
        """The content-stream operators that draw each column's lines in a row starting at y (mm): what text()
        writes, in one text object per row instead of one call of ~10 µs of checks per line, which made a
        25,000-row export take 15 s instead of 3."""
        size, lh, width, show, k = self.size, self.lh, face.width, face.show, self.pdf.k
        top = self.pdf.h - y - _PAD_Y - self.baseline  # the first baseline, from the bottom of the page
        ops = ["BT"]
        for lines, left, right, aligned in zip(parts, self.edges, self.edges[1:], self.right):
            for j, line in enumerate(lines):
                if line:
                    x = right - _PAD_X - width(line) * size if aligned else left + _PAD_X
                    ops.append(f"1 0 0 1 {x * k:.2f} {(top - j * lh) * k:.2f} Tm {show(line, size)}")
        ops.append("ET")
        return " ".join(ops)

    def _next_page(self) -> None:
        self.finish()
        self.pdf.add_page()
        self.start(_MARGIN)


def _select(pdf: _Document, face: Face, size: float) -> None:
    """Make a style of the font current on the page at `size` points, as text() does before its first line."""
    pdf.set_font(FAMILY, face.style, size)
    pdf._out(pdf._set_font_for_page(face.font, size))


def _title_block(pdf: _Document, table: ExportTable, regular: Face, bold: Face, room: float) -> float:
    """The title and the line of filters, date and row count; returns where the table starts (mm)."""
    y = _MARGIN
    for face, size, text in (
        (bold, _TITLE_PT, title(table)),
        (regular, _INFO_PT, " · ".join(summary_parts(table))),
    ):
        if not text:
            continue
        _select(pdf, face, size)
        lh = size * PT * _LEADING
        for line in face.wrap(face.clean(text), room / size):
            # What text() writes, but through the face: a name in the title may need a system font.
            baseline = pdf.h - y - 0.5 * lh - 0.3 * size * PT
            pdf._out(f"BT {_MARGIN * pdf.k:.2f} {baseline * pdf.k:.2f} Td {face.show(line, size)} ET")
            y += lh
        y += 1.0
    return y + 2.0


class PdfWriter:
    name = "pdf"
    extension = ".pdf"
    description = N_("PDF (landscape table for printing; Latin, Greek and Cyrillic letters)")
    importable_only = False
    document = True

    def write(self, table: ExportTable, out: BinaryIO, progress: Callable[[int], None] | None = None) -> str | None:
        pdf = _new_document(title(table))
        pdf.add_page()
        regular, bold = Face(pdf, "", pdf.fallback), Face(pdf, "B", pdf.fallback)
        room = pdf.w - 2 * _MARGIN
        fmts = cell_formatters(table)
        clean = regular.clean

        def cells(rows: Iterable[tuple[Value, ...]]) -> Iterable[list[str]]:
            return ([clean(f(v)) for f, v in zip(fmts, row)] for row in rows)

        rows = iter(table.rows)
        sample = list(cells(islice(rows, _SAMPLE_ROWS)))
        top = _title_block(pdf, table, regular, bold, room)
        if not table.columns:
            out.write(pdf.output())
            return _lacking_note(regular, bold)
        size = body_size(len(table.columns))
        widths = column_widths(table.columns, sample, regular, bold, size, room)
        grid = _Grid(pdf, table.columns, widths, regular, bold)
        grid.start(top)
        for n, row in enumerate(chain(sample, cells(rows)), 1):
            grid.row(row)
            if progress and n % _PROGRESS_EVERY == 0:
                progress(n)
        grid.finish()
        out.write(pdf.output())
        return _lacking_note(regular, bold)


def _lacking_note(*faces: Face) -> str | None:
    lacking = list(dict.fromkeys(ch for face in faces for ch in face.lacking))
    if not lacking:
        return None
    shown = " ".join(lacking[:8]) + (" …" if len(lacking) > 8 else "")
    return ngettext(
        "No font of the PDF or of this computer can draw {count} character of these customers ({shown}): it is "
        "printed as “?”. The Word and Excel exports keep it. To print it, install a font that has it (Chinese, "
        "Japanese, Korean: Noto Sans CJK; on Debian or Ubuntu, apt-get install fonts-noto-cjk)",
        "No font of the PDF or of this computer can draw {count} different characters of these customers ({shown}): "
        "they are printed as “?”. The Word and Excel exports keep them. To print them, install a font that has them "
        "(Chinese, Japanese, Korean: Noto Sans CJK; on Debian or Ubuntu, apt-get install fonts-noto-cjk)",
        len(lacking),
    ).format(count=group_digits(len(lacking)), shown=shown)


register(PdfWriter())
