"""The PDF's fonts as the writer uses them: one `Face` per embedded style of DejaVu Sans (regular, bold) says
which characters it can draw, how wide a text is, how it wraps, and writes the operators that show it.

A character DejaVu lacks is drawn with the system font that `fallback` finds for it (the same one for both styles:
CJK fonts rarely come in bold), in a run of its own inside the line: widths come from that font's metrics, so
wrapping and right alignment stay right. A character no font has is drawn as "?" and listed in `Face.lacking`.
The tables below are filled lazily, one character at a time, so 1M rows of Latin names pay one dict look-up per
character, as before fallback fonts existed.

Leans on a few fpdf2 internals (a TrueType font's `cmap`, `cw`, `subset.pick` and `i`), which the tests cover by
reading every export back.
"""

from __future__ import annotations

import unicodedata
from itertools import groupby
from typing import Any

from fpdf import FPDF
from fpdf.fonts import TTFFont
from fpdf.util import escape_parens

from formats.pdf.fallback import Fallback

FAMILY = "DejaVu"
PT = 25.4 / 72  # millimetres per point


class _Printable(dict[int, int]):
    """A `str.translate` table filled lazily: control characters become spaces, characters that neither the font
    nor a system font can draw "?"."""

    def __init__(self, cmap: Any, fallback: Fallback) -> None:
        super().__init__({10: 10})  # line breaks stay; they split a value into lines
        self._cmap = cmap
        self._fallback = fallback
        self.borrowed: dict[str, TTFFont] = {}  # characters drawn with a system font, and that font
        self.lacking: list[str] = []  # the characters met that no font can draw, in order of first meeting

    def __missing__(self, code: int) -> int:
        if unicodedata.category(chr(code)) == "Cc":
            self[code] = 32
        elif code in self._cmap:
            self[code] = code
        elif (font := self._fallback.font_for(code)) is not None:
            self[code] = code
            self.borrowed[chr(code)] = font
        else:
            self[code] = 63
            self.lacking.append(chr(code))
        return self[code]


def _embedded_font(pdf: FPDF) -> TTFFont:
    """The current font, always our embedded DejaVu (fpdf2 types it as any font or none)."""
    font = pdf.current_font
    assert isinstance(font, TTFFont), f"expected the embedded {FAMILY} font, not {font!r}"
    return font


class _Widths(dict[str, float]):
    """Advance width of each character in millimetres at 1 pt, read once from the metrics of the font drawing it."""

    def __init__(self, char_widths: Any, borrowed: dict[str, TTFFont]) -> None:
        super().__init__()
        self._cw = char_widths  # thousandths of the font size, by code point
        self._borrowed = borrowed

    def __missing__(self, ch: str) -> float:
        other = self._borrowed.get(ch)
        width = self[ch] = (other.cw if other else self._cw)[ord(ch)] * 0.001 * PT
        return width


class _Codes(dict[int, str]):
    """A `str.translate` table from characters to the escaped two-byte glyph codes of a font's subset, as fpdf2's
    `text()` writes them; asking for a character adds its glyph to the subset embedded in the file."""

    def __init__(self, font: Any) -> None:
        super().__init__()
        self._font = font

    def __missing__(self, code: int) -> str:
        glyph = self._font.subset.pick(code)
        self[code] = "" if glyph is None else escape_parens(chr(glyph).encode("utf-16-be").decode("latin-1"))
        return self[code]


class Face:
    """One embedded style of the font: what it can draw, how wide a text is, how it wraps, and how it is shown."""

    def __init__(self, pdf: FPDF, style: str, fallback: Fallback) -> None:
        pdf.set_font(FAMILY, style)
        font = self.font = _embedded_font(pdf)
        self.style = style
        self._printable = _Printable(font.cmap, fallback)
        self._borrowed = self._printable.borrowed
        self._width_of = _Widths(font.cw, self._borrowed).__getitem__
        self._codes = _Codes(font)
        self._other_codes: dict[int, _Codes] = {}  # by system font's number in the document
        self.widest_ascii = max(map(self._width_of, map(chr, range(32, 127))))

    @property
    def lacking(self) -> list[str]:
        """The characters met so far that no font can draw (printed as "?")."""
        return self._printable.lacking

    def show(self, text: str, size: float) -> str:
        """The operators that show cleaned text at the text position, at `size` points, leaving this face's font
        selected: one string, or runs that switch to a system font and back for the characters it draws."""
        borrowed = self._borrowed
        if not borrowed or text.isascii() or borrowed.keys().isdisjoint(text):
            return f"({text.translate(self._codes)}) Tj"
        ops, current = [], None
        for font, run in groupby(text, borrowed.get):
            if font is not current:
                ops.append(f"/F{(font or self.font).i} {size:.2f} Tf")
                current = font
            codes = self._codes if font is None else self._codes_of(font)
            ops.append(f"({''.join(run).translate(codes)}) Tj")
        if current is not None:
            ops.append(f"/F{self.font.i} {size:.2f} Tf")
        return " ".join(ops)

    def clean(self, text: str) -> str:
        if text.isascii() and text.isprintable():
            return text
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        return text.translate(self._printable)

    def width(self, text: str) -> float:
        """Width in millimetres at 1 pt (multiply by the font size)."""
        return sum(map(self._width_of, text))

    def wrap(self, text: str, limit: float) -> list[str]:
        """Greedy word wrap of cleaned text into lines no wider than `limit` (mm at 1 pt); a word wider than a
        whole line (a Japanese name has no spaces) is broken between characters. Nothing is dropped but the spaces
        where lines break."""
        width, width_of = self.width, self._width_of
        space = width_of(" ")
        lines: list[str] = []
        for para in text.split("\n"):
            if width(para) <= limit:
                lines.append(para)
                continue
            line, used = "", 0.0
            for word in para.split(" "):
                w = width(word)
                if line and used + space + w <= limit:
                    line, used = f"{line} {word}", used + space + w
                    continue
                if line:
                    lines.append(line)
                if w <= limit:
                    line, used = word, w
                    continue
                line, used = "", 0.0
                for ch in word:
                    cw = width_of(ch)
                    if line and used + cw > limit:
                        lines.append(line)
                        line, used = "", 0.0
                    line, used = line + ch, used + cw
            lines.append(line)
        return lines

    def _codes_of(self, font: TTFFont) -> _Codes:
        codes = self._other_codes.get(font.i)
        if codes is None:
            codes = self._other_codes[font.i] = _Codes(font)
        return codes
