"""Folding for find-as-you-type (issue 16 item 4): case, accents and the Latin letters NFKD keeps whole (Ł, Ø, ß...)
fold to what a person types; other scripts stay as they are, lower-cased."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from core.folding import LETTERS, fold, fold_char


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Köln", "koln"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("ẞ", "ss"),
        ("Ørsted", "orsted"),
        ("Ærø", "aero"),
        ("Œuvre", "oeuvre"),
        ("Đorđe", "dorde"),
        ("Ðóra", "dora"),
        ("Þórsdóttir", "thorsdottir"),
        ("Diyarbakır", "diyarbakir"),
        ("İstanbul", "istanbul"),
        ("Ŀlorenç", "llorenc"),
        ("Ħamrun", "hamrun"),
        ("Müller & Söhne GmbH", "muller & sohne gmbh"),
        ("Nuria Núñez", "nuria nunez"),
        ("Émile Zoë", "emile zoe"),
        ("e\u0301cole", "ecole"),  # an accent typed apart from its letter
        ("O’Brien", "o'brien"),
        ("Saint‐Étienne – Sud", "saint-etienne - sud"),
        ("ﬁnance", "finance"),  # a ligature
        ("ＡＢＣ", "abc"),  # full-width letters
        ("C0000012", "c0000012"),
        ("", ""),
    ],
)
def test_latin_text_folds_as_people_type_it(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Иванов и партнёры", "иванов и партнёры"),  # й and ё are letters of their own in Russian
        ("ЙОРК", "йорк"),
        ("Καραγιάννης", "καραγιάννησ"),  # case folding: a final sigma is a sigma
        ("高橋食品株式会社", "高橋食品株式会社"),
        ("क्षत्रिय", "क्षत्रिय"),  # a Devanagari virama is part of its letters
    ],
)
def test_other_scripts_are_only_lower_cased(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_each_named_letter_folds_in_both_cases() -> None:
    for letter, plain in LETTERS.items():
        assert fold(letter) == plain
        upper = letter.upper()
        if len(upper) == 1 and upper != letter and upper.casefold() == letter:
            assert fold(upper) == plain, upper


def _every_character() -> list[str]:
    """Every assigned character but the private-use ones (the others fold to themselves)."""
    every = (chr(cp) for cp in range(sys.maxunicode + 1))
    return [c for c in every if unicodedata.category(c) not in ("Cn", "Co", "Cs")]


def _uncached_fold(text: str) -> str:
    """`fold` without its table (which would keep every character of Unicode met here)."""
    return "".join(fold_char(c) for c in unicodedata.normalize("NFC", text))


def test_folding_twice_changes_nothing() -> None:
    """A folded text searched by a folded pattern: both must be at rest after one folding, for every character."""
    moved = [(c, f) for c in _every_character() if _uncached_fold(f := _uncached_fold(c)) != f]
    assert moved == []
    assert all(fold(c) == _uncached_fold(c) for c in "Łódź Köln ẞ Ŀ ı ﬁ ＡＢＣ Иванов Καρα 高橋")


def test_a_text_folds_as_its_characters_do() -> None:
    """Character by character (after NFC), so a folded text holds the folding of each of its parts: what the
    quick filter's narrowing (a longer text searches only the last matches) relies on."""
    text = "Łódź Köln Straße Ærø Иванов Καρα ŀl 高橋 O’Brien e\u0301"
    nfc = unicodedata.normalize("NFC", text)
    assert fold(text) == "".join(fold_char(c) for c in nfc)
    for end in range(len(nfc) + 1):
        assert fold(nfc).startswith(fold(nfc[:end]))
