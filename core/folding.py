"""Folding text for finding it: "koln" finds Köln, "lodz" finds Łódź, "strasse" finds Straße.

`fold` gives the form a search compares: lower case (Unicode case folding), accents removed (NFKD, the combining
diacritical marks dropped), and the Latin letters NFKD leaves whole folded to the letters people type for them
(Ł -> l, Ø -> o, ß -> ss, Æ -> ae, Œ -> oe, Đ and Ð -> d, Þ -> th, ı -> i, ŀ -> l, and a few more below), with
typographic apostrophes and dashes as typed on a keyboard. Other scripts are left as they are, lower-cased: in
Russian and Greek the marks belong to the letters (й is not и), so only Latin letters lose theirs.

It works character by character (after NFC, which composes a letter typed with its accent apart), so a folded
text contains the folding of each of its parts: a search of a folded text by a folded pattern finds what the
pattern's letters, folded one by one, spell. `RULES` names the rules: a change that folds any text differently
must change it, so that stores fill their folded texts again (store.search).
Pure standard library.
"""

from __future__ import annotations

import unicodedata

RULES = "1"

# Latin letters NFKD does not decompose, and what a person typing on a plain keyboard writes for them. Keys are in
# lower case: the text is case-folded first (Ł -> ł, ẞ -> ss).
LETTERS: dict[str, str] = {
    "ł": "l",  # Polish
    "ø": "o",  # Danish, Norwegian
    "æ": "ae",
    "œ": "oe",
    "đ": "d",  # Croatian, Vietnamese
    "ð": "d",  # Icelandic eth
    "þ": "th",  # Icelandic thorn
    "ı": "i",  # Turkish dotless i
    "ŀ": "l",  # Catalan l with middle dot (NFKD would leave the dot)
    "ħ": "h",  # Maltese
    "ŧ": "t",  # Sami
    "ǥ": "g",  # Sami
    "ŋ": "n",  # Sami
    "ĸ": "k",  # Greenlandic kra
    "ƀ": "b",
    "ɨ": "i",
    "ƶ": "z",
    "ȥ": "z",
    "ȼ": "c",
    "ɇ": "e",
    "ɉ": "j",
    "ɍ": "r",
    "ɏ": "y",
    "ƒ": "f",
    "ɫ": "l",
    "ȴ": "l",
    "ꝉ": "l",
    "ꞁ": "l",
    "ɖ": "d",
    "ɗ": "d",
    "ɓ": "b",
    "ƙ": "k",
    "ƴ": "y",
    "ʼ": "'",  # modifier letter apostrophe (also from ŉ)
}
# Punctuation typed plainly: O’Brien is found by "o'brien", Saint‐Étienne (a Unicode hyphen) by "saint-etienne".
PUNCTUATION: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
}

# The blocks of combining diacritical marks (accents), dropped after NFKD. Other marks (a Devanagari virama, a Thai
# vowel) are part of their letters and stay.
_ACCENTS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))


def _is_accent(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _ACCENTS)


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "LATIN" in unicodedata.name(ch, "")


def fold_char(ch: str) -> str:
    """The folding of one character (see the module's docstring)."""
    if ch in PUNCTUATION:
        return PUNCTUATION[ch]
    lowered = ch.casefold()
    parts = []
    for c in lowered:
        for d in unicodedata.normalize("NFKD", LETTERS.get(c, c)):
            if not _is_accent(d):
                parts.append(LETTERS.get(d, d))
    folded = "".join(parts).casefold()
    if not all(_is_latin(c) for c in folded):
        return lowered  # another script: its marks are part of its letters
    return "".join(LETTERS.get(c, c) for c in folded)


class _Table(dict[int, str]):
    """str.translate's table, filled as characters are met (the few thousand a store holds, at most)."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_TABLE = _Table()


def fold(text: str) -> str:
    """`text` as a search compares it: "Łódź" -> "lodz", "Köln" -> "koln", "Straße" -> "strasse", "ΚΑΡΆ" -> "κάρά"
    (lower case, accents and Latin letters folded, other scripts lower-cased)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", text).translate(_TABLE)
