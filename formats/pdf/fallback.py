"""System fonts for the characters DejaVu Sans lacks (Japanese, Chinese and Korean names, mostly), found through
fontconfig and embedded in the PDF being written.

fontconfig is asked once per export, and only when the first such character is met, so an export of Latin names
costs nothing more: `fc-match --sort` with that character gives the installed fonts best first, trimmed to those
that add characters, each with the characters it has. Each later character takes the first of them that has it; a
font is read (`FPDF.add_font`, subset on output as fpdf2 does) only when a character first needs it. No fontconfig
(Windows, macOS without it), no font that has the character, or a font fpdf2 cannot read: the character stays
"?" and the export's note names it. Glyphs are drawn one after another, without shaping: right for Chinese,
Japanese and Korean, not for the joined letters of Arabic or the Indic scripts.

Why fontconfig's command rather than a font shipped with custbook: a CJK font is 4 to 20 MB, and fontconfig is how
Linux programs find a font for a character (it knows every installed font and the characters each has), at the cost
of one process of about 5 ms and no Python dependency. Leans on fpdf2's `FPDF._resource_catalog` to list a font in a
page's resources. Imports fpdf2 only; the writer decides what to draw with what.
"""

from __future__ import annotations

import subprocess
from bisect import bisect_right
from dataclasses import dataclass, field

from fpdf import FPDF
from fpdf.enums import PDFResourceType
from fpdf.fonts import TTFFont

# What fpdf2's add_font reads; fontconfig also lists bitmap and Type 1 fonts, which it does not.
_READABLE = (".ttf", ".otf", ".ttc", ".otc")
_QUERY_TIMEOUT = 10.0  # seconds: a first run may build fontconfig's cache, which takes a few seconds
# file, face index, colour font, scalable, then the characters as hexadecimal ranges ("20-7e a0 4e00-9fff")
_FORMAT = "%{file}\t%{index}\t%{color}\t%{outline}\t%{charset}\n"


@dataclass
class _Candidate:
    """An installed font that fontconfig offered, read into the document only when a character needs it."""

    path: str
    index: int
    ranges: str  # fontconfig's charset, parsed on first use: most candidates are never asked
    _starts: list[int] = field(default_factory=list)
    _ends: list[int] = field(default_factory=list)
    font: TTFFont | None = None
    broken: bool = False  # fpdf2 could not read it: never tried again in this export

    def has(self, code: int) -> bool:
        if self.ranges:
            for part in self.ranges.split():
                low, _, high = part.partition("-")
                self._starts.append(int(low, 16))
                self._ends.append(int(high or low, 16))
            self.ranges = ""
        at = bisect_right(self._starts, code) - 1
        return at >= 0 and code <= self._ends[at]


def installed_fonts(ch: str) -> list[tuple[str, int, str]]:
    """(path, face index, character ranges) of the installed fonts, those that have `ch` first, as fontconfig sorts
    them for a sans-serif text; none when fontconfig is missing or fails."""
    query = f"sans-serif:charset={ord(ch):x}"
    try:
        done = subprocess.run(
            ["fc-match", "--sort", "--format", _FORMAT, query],
            capture_output=True,
            encoding="utf-8",
            errors="surrogateescape",  # a file name in another encoding comes back as os.fsdecode gives it
            timeout=_QUERY_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):  # no fontconfig, or one that hangs: print "?" rather than fail
        return []
    if done.returncode != 0:
        return []
    fonts = []
    for line in done.stdout.splitlines():
        path, index, color, outline, ranges = (line.split("\t") + [""] * 5)[:5]
        # Colour fonts (emoji) hold pictures, not outlines that a text operator can draw.
        if color == "True" or outline != "True" or not path.lower().endswith(_READABLE):
            continue
        # A variable font's named instance is face index + instance << 16: fpdf2 reads the face's default.
        fonts.append((path, int(index or 0) & 0xFFFF, ranges))
    return fonts


class Fallback:
    """The system fonts of one document: which one draws a character DejaVu lacks, read into the PDF on demand."""

    def __init__(self, pdf: FPDF) -> None:
        self._pdf = pdf
        self._candidates: list[_Candidate] | None = None  # None until the first character asks: fontconfig not run
        self._chosen: dict[int, TTFFont | None] = {}
        self.fonts: list[TTFFont] = []  # those read into the document, in the order they were first needed

    def font_for(self, code: int) -> TTFFont | None:
        """The font that draws this character (one DejaVu lacks), or None if no installed font can."""
        if code in self._chosen:
            return self._chosen[code]
        if self._candidates is None:
            self._candidates = [_Candidate(p, i, r) for p, i, r in installed_fonts(chr(code))]
        found = None
        for candidate in self._candidates:
            if candidate.broken or not candidate.has(code):
                continue
            font = candidate.font or self._read(candidate)
            if font is not None and code in font.cmap:  # fontconfig's charset and the font's own cmap agree, mostly
                found = font
                break
        self._chosen[code] = found
        return found

    def use_on_page(self) -> None:
        """List the fonts read so far in the current page's resources (the page's text may name any of them)."""
        catalogue, page = self._pdf._resource_catalog, self._pdf.page
        for font in self.fonts:
            catalogue.add(PDFResourceType.FONT, font.i, page)

    def _read(self, candidate: _Candidate) -> TTFFont | None:
        family = f"Fallback{len(self.fonts) + 1}"
        try:
            # The face of a collection (.ttc: Noto Sans CJK's JP, KR, SC... faces): fpdf2 2.8.6 reads the face asked
            # for, and the CID-keyed CFF outlines of Noto Sans CJK (hence pyproject's fpdf2>=2.8.6).
            self._pdf.add_font(family, "", candidate.path, collection_font_number=candidate.index)
        # Any system font may be damaged or of a kind fpdf2 does not read (and fontTools raises many types): the
        # export goes on with "?" for its characters rather than fail over one file of the system's.
        except Exception:
            candidate.broken = True
            return None
        font = self._pdf.fonts[family.lower()]
        assert isinstance(font, TTFFont)
        candidate.font = font
        self.fonts.append(font)
        self.use_on_page()
        return font
