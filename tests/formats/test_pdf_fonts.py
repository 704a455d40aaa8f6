"""The PDF's characters beyond DejaVu Sans, read back with pypdf: Japanese and Chinese names drawn in an installed
font that fontconfig finds (these tests fail without one: `.ci/run` installs fonts-droid-fallback), wrapped with
that font's widths, on every page; fontconfig asked once per export and never for Latin names; and, with no font
found or no fontconfig at all, "?" and a note that says how to install one."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.catalogue import Catalogue, Field, FieldType
from formats.writer import ExportTable, get_writer, write_file

sys.path.insert(0, str(Path(__file__).parent))
from test_pdf_writer import flat, table_of

CATALOGUE = Catalogue.standard()
BODY_PT = 8.0  # the body's font size up to 12 columns
PAD_PT = 1.0 * 72 / 25.4  # the cell's padding, 1 mm on each side
INSTALL = (
    "To print them, install a font that has them (Chinese, Japanese, Korean: Noto Sans CJK; on Debian or Ubuntu, "
    "apt-get install fonts-noto-cjk)"
)


def write(table: ExportTable, path: Path) -> list[str]:
    """Write the table as a PDF and return the text of each page, whitespace collapsed to single spaces."""
    write_file(table, get_writer("pdf"), path)
    return [unpadded(flat(page.extract_text())) for page in PdfReader(path).pages]


def unpadded(text: str) -> str:
    """pypdf reads the two-byte codes of a CID-keyed CFF font (Noto Sans CJK), which fpdf2 maps with a CMap of its
    own, as a NUL and the character (poppler reads them right): the NULs go, the characters stay to be checked."""
    return text.replace("\x00", "")


def fonts_of(path: Path) -> list[list[str]]:
    """The base font names in each page's resources."""
    return [[str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()] for page in PdfReader(path).pages]


def test_japanese_and_chinese_names_are_drawn_in_an_installed_font(cjk_font: str, tmp_path: Path) -> None:
    rows = [
        ("J1", "山田商事株式会社", "東京都", "Tokyo office"),
        ("C1", "北京华为技术有限公司", "北京市", ""),
        ("M1", "Yamada 山田 & Co — Ōsaka", "Αθήνα", "長年のお得意様。"),
    ]
    path = tmp_path / "x.pdf"
    pages = write(table_of(("CUSTOMERID", "NAME", "CITY", "COMMENTS"), rows, title="顧客 Customers"), path)
    text = pages[0]
    assert text.startswith("顧客 Customers")
    assert "J1 山田商事株式会社 東京都 Tokyo office" in text
    assert "C1 北京华为技术有限公司 北京市" in text
    assert "M1 Yamada 山田 & Co — Ōsaka Αθήνα 長年のお得意様。" in text  # runs of both fonts, in order on one line
    assert "?" not in text
    (names,) = fonts_of(path)
    assert len(names) == 3 and sum("DejaVu" in name for name in names) == 2  # DejaVu's two styles and the other
    note = write_file(table_of(("NAME",), rows), get_writer("pdf"), tmp_path / "y.pdf").note
    assert note is None


def test_a_japanese_comment_wraps_with_the_installed_font_s_widths(cjk_font: str, tmp_path: Path) -> None:
    comment = "長年のお得意様です。午前中のみ配送、事前に電話すること。" * 12
    path = tmp_path / "x.pdf"
    write(table_of(("CUSTOMERID", "COMMENTS", "CITY"), [("J1", comment, "大阪市")]), path)
    runs: list[tuple[str, float]] = []
    PdfReader(path).pages[0].extract_text(
        visitor_text=lambda t, cm, tm, font, size: runs.append((unpadded(t), tm[4])) if t.strip() else None
    )
    lines = [(t.strip(), x) for t, x in runs if t.strip() and t.strip() in comment]
    (city_x,) = [x for t, x in runs if t.strip() == "大阪市"]
    assert "".join(t for t, _ in lines) == comment  # nothing lost
    assert len(lines) > 2
    # CJK characters are one em wide in every CJK font: each line fits its column, and all but the last are full.
    room = city_x - lines[0][1] - 2 * PAD_PT
    assert all(len(t) * BODY_PT <= room + 0.01 for t, _ in lines)
    assert all((len(t) + 1) * BODY_PT > room for t, _ in lines[:-1])


def test_the_installed_font_is_on_every_page_that_uses_it(cjk_font: str, tmp_path: Path) -> None:
    contact = Field("X_TANTO", "担当者", "担当者", FieldType.TEXT, custom=True)  # a custom field's own label
    rows = [(f"C{n:04d}", f"Customer {n}", "") for n in range(1, 300)] + [("J1", "山田商事", "佐藤")]
    table = ExportTable("Customers", (CATALOGUE["CUSTOMERID"], CATALOGUE["NAME"], contact), rows, len(rows))
    path = tmp_path / "x.pdf"
    pages = write(table, path)
    assert len(pages) > 2
    assert all("担当者" in page for page in pages)  # the header row, written once and repeated
    assert "J1 山田商事 佐藤" in pages[-1]
    assert all(len(names) == 3 for names in fonts_of(path))


def test_fontconfig_is_asked_once_per_export_and_never_for_latin_names(
    cjk_font: str, tmp_path: Path, monkeypatch
) -> None:
    real = shutil.which("fc-match")
    assert real is not None
    log, bin_dir = tmp_path / "asked.log", tmp_path / "bin"
    bin_dir.mkdir()
    spy = bin_dir / "fc-match"
    spy.write_text(f'#!/bin/sh\necho asked >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    spy.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")

    latin = [("L1", "Łódź Müller — Ærøskøbing", "Αθήνα"), ("L2", "ООО Северный ветер", "Zoë")]
    assert (
        write_file(table_of(("CUSTOMERID", "NAME", "CITY"), latin), get_writer("pdf"), tmp_path / "l.pdf").note is None
    )
    assert not log.exists()

    mixed = [*latin, ("J1", "山田", "東京"), ("K1", "Kim", ""), ("C1", "华为", "北京"), ("T1", "ไทย", "")]
    write_file(table_of(("CUSTOMERID", "NAME", "CITY"), mixed), get_writer("pdf"), tmp_path / "m.pdf")
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
    assert "山田" in unpadded(PdfReader(tmp_path / "m.pdf").pages[0].extract_text())


def test_without_an_installed_font_they_are_question_marks_and_the_note_says_how_to_install_one(
    no_system_fonts: None, tmp_path: Path
) -> None:
    rows = [("J1", "山田商事株式会社", "東京都", "Tokyo office"), ("J2", "Ёлка & Ωmega", "Αθήνα", "")]
    pages = write(table_of(("CUSTOMERID", "NAME", "CITY", "COMMENTS"), rows), tmp_path / "x.pdf")
    text = " ".join(pages)
    assert "J1 ???????? ??? Tokyo office" in text
    assert "Ёлка & Ωmega" in text and "Αθήνα" in text
    # ... and the export says so, naming them once each, in the order met.
    note = write_file(table_of(("CUSTOMERID", "NAME", "CITY"), rows), get_writer("pdf"), tmp_path / "y.pdf").note
    assert note == (
        "No font of the PDF or of this computer can draw 11 different characters of these customers (山 田 商 事 株 式 "
        f"会 社 …): they are printed as “?”. The Word and Excel exports keep them. {INSTALL}"
    )
    latin = write_file(table_of(("CUSTOMERID", "NAME"), [("L1", "Łódź Müller")]), get_writer("pdf"), tmp_path / "z.pdf")
    assert latin.note is None


def test_without_fontconfig_the_export_still_works(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-match to run: as on a system without fontconfig
    path = tmp_path / "x.pdf"
    done = write_file(table_of(("CUSTOMERID", "NAME"), [("J1", "山田"), ("L1", "Łódź")]), get_writer("pdf"), path)
    assert "J1 ?? L1 Łódź" in flat(PdfReader(path).pages[0].extract_text())
    assert done.note is not None and done.note.startswith("No font of the PDF or of this computer can draw 2 ")


def test_the_command_line_warns_when_the_pdf_could_not_draw_some_letters(
    no_system_fonts: None, cli, write_csv, tmp_path: Path
) -> None:
    cli(
        "import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["J1", "山田商事", "Yamada"], ["L1", "Łódź", "L"]]))
    )
    done = cli("export", "--format", "pdf", "-o", str(tmp_path / "list.pdf"))
    assert done.code == 0 and "Exported 2 customers" in done.err
    warned = "warning: No font of the PDF or of this computer can draw 4 different characters of these customers"
    assert f"{warned} (山 田 商 事)" in done.err
    assert f"The Word and Excel exports keep them. {INSTALL}." in done.err
    as_json = cli("export", "--format", "pdf", "-o", str(tmp_path / "list2.pdf"), "--json")
    assert as_json.json["warnings"] == [
        "No font of the PDF or of this computer can draw 4 different characters of these customers (山 田 商 事): they "
        f"are printed as “?”. The Word and Excel exports keep them. {INSTALL}"
    ]
