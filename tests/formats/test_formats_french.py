"""The Word and PDF documents in French (read back with python-docx and pypdf): the built-in view's title, the
line under it, the page footer, field labels and Yes/No in French, amounts as the region writes them ('500 000,00'
in France, '500,000.00' in the US); and the files that are data (CSV, CSV for import) unchanged by the language."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from core.catalogue import Catalogue
from core.errors import FileRejected
from core.i18n import _, set_language
from core.values import DateFormat
from core.viewdef import ALL_CUSTOMERS
from formats.csv.for_import import shown_choice
from formats.reader import read_bytes
from formats.writer import ExportTable, get_writer, write_file, writers

CATALOGUE = Catalogue.standard()
COLUMNS = ("CUSTOMERID", "NAME", "CREDITLIMIT", "ONHOLD", "LAST_INVOICEDATE", "DELIVERY_OPTIONS")
ROWS = [
    ("C1", "Alpha", Decimal("500000.00"), True, dt.date(2024, 3, 5), "Print#~#E-Mail"),
    ("C2", "Beta", Decimal("-1234.5"), False, None, "Print"),
    ("C3", "Gamma", None, None, dt.date(1999, 12, 31), None),
]
NNBSP, NBSP = "\u202f", "\u00a0"


def table(date_format: DateFormat = DateFormat.DMY_SLASH, filters: tuple[str, ...] = ()) -> ExportTable:
    return ExportTable(
        title=ALL_CUSTOMERS,
        columns=tuple(CATALOGUE[c] for c in COLUMNS),
        rows=list(ROWS),
        row_count=len(ROWS),
        filters=filters,
        generated=dt.datetime(2026, 11, 28, 9, 30),
        date_format=date_format,
    )


def locale(monkeypatch: pytest.MonkeyPatch, name: str | None) -> None:
    for variable in ("LC_ALL", "LC_NUMERIC", "LC_TIME", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    if name is None:
        monkeypatch.delenv("LANG", raising=False)
    else:
        monkeypatch.setenv("LANG", name)


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A French user in France: the language and the region."""
    locale(monkeypatch, "fr_FR.UTF-8")
    set_language("fr")
    yield
    set_language("en")


def word(tmp_path: Path, export: ExportTable) -> docx.document.Document:
    path = tmp_path / "clients.docx"
    write_file(export, get_writer("docx"), path)
    return docx.Document(str(path))


def word_rows(document: docx.document.Document) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


def pdf_text(tmp_path: Path, export: ExportTable) -> str:
    path = tmp_path / "clients.pdf"
    write_file(export, get_writer("pdf"), path)
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def footer_text(document: docx.document.Document) -> str:
    """The footer's words and its fields' placeholders, in order (Word computes the numbers)."""
    paragraph = document.sections[0].footer.paragraphs[0]
    return "".join(t.text or "" for t in paragraph._p.iter() if t.tag.endswith("}t"))


def test_a_french_word_document(french: None, tmp_path: Path) -> None:
    document = word(tmp_path, table(filters=("Pays est égal à « France »",)))
    title, summary = document.paragraphs[:2]
    assert title.text == "Tous les clients" and document.core_properties.title == "Tous les clients"
    assert summary.text == (f"Filtres{NBSP}: Pays est égal à « France »  ·  Créé le 28/11/2026 09:30  ·  3 lignes")
    header, *rows = word_rows(document)
    assert header == [
        "Identifiant client", "Nom de client", "Limite de crédit", "En attente", "Date de dernière facture",
        "Mode de livraison",
    ]  # fmt: skip
    assert rows[0] == ["C1", "Alpha", f"500{NNBSP}000,00", "Oui", "05/03/2024", "Print et E-Mail"]
    assert rows[1] == ["C2", "Beta", f"-1{NNBSP}234,50", "Non", "", "Print"]
    assert rows[2] == ["C3", "Gamma", "", "", "31/12/1999", ""]
    assert footer_text(document) == "Page 1 sur 1"


def test_a_french_pdf_document(french: None, tmp_path: Path) -> None:
    text = pdf_text(tmp_path, table())
    assert text.startswith("Tous les clients Aucun filtre · Créé le 28/11/2026 09:30 · 3 lignes")
    assert "Identifiant client" in text and "Limite de crédit" in text and "Mode de livraison" in text
    assert "500 000,00" in text and "-1 234,50" in text  # the narrow no-break space, read back as a space
    assert "Oui" in text and "Non" in text and "Print et E-Mail" in text
    assert "Page 1 sur 1" in text


def test_the_pdf_says_what_no_font_can_draw_in_french(french: None, no_system_fonts: None, tmp_path: Path) -> None:
    export = ExportTable(ALL_CUSTOMERS, (CATALOGUE["NAME"],), [("山田",)], 1)
    note = get_writer("pdf").write(export, io.BytesIO())
    assert note == (
        "Aucune police du PDF ni de cet ordinateur ne peut dessiner 2 caractères différents de ces clients "
        f"(山 田){NBSP}: ils sont remplacés par «{NBSP}?{NBSP}». Les exportations Word et Excel les conservent. Pour "
        f"les imprimer, installez une police qui les contient (chinois, japonais, coréen{NBSP}: Noto Sans CJK{NBSP}; "
        "sous Debian ou Ubuntu, apt-get install fonts-noto-cjk)"
    )


def test_the_export_date_format_still_rules_the_dates(french: None, tmp_path: Path) -> None:
    """ExportTable cannot tell a date format the user chose from the default: the export's format is kept."""
    rows = word_rows(word(tmp_path, table(DateFormat.ISO)))
    assert rows[1][4] == "2024-03-05" and rows[1][2] == f"500{NNBSP}000,00"


def test_amounts_follow_the_region_in_english_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    locale(monkeypatch, "en_US.UTF-8")
    rows = word_rows(word(tmp_path, table()))
    assert rows[0][2:4] == ["Credit limit", "On hold"]
    assert rows[1][2:4] == ["500,000.00", "Yes"] and rows[1][5] == "Print and E-Mail"
    locale(monkeypatch, None)  # no region named: amounts as the files write them, as before
    assert word_rows(word(tmp_path, table()))[1][2] == "500000.00"
    assert pdf_text(tmp_path, table()).startswith("All customers No filters · Generated 28/11/2026 09:30 · 3 rows")


def test_a_french_region_without_the_french_language(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Someone in France reading custbook in English: English words, French amounts."""
    locale(monkeypatch, "fr_FR.UTF-8")
    rows = word_rows(word(tmp_path, table()))
    assert rows[0][2] == "Credit limit" and rows[1][2:4] == [f"500{NNBSP}000,00", "Yes"]


def test_data_files_are_the_same_in_french(french: None) -> None:
    out = {}
    for name in ("csv", "import-csv"):
        stream = io.BytesIO()
        get_writer(name).write(table(), stream)
        out[name] = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))
    assert out["import-csv"][0] == list(COLUMNS)
    assert out["import-csv"][1] == ["C1", "Alpha", "500000.00", "TRUE", "05/03/2024", "Print#~#E-Mail"]
    # plain CSV and Excel: the labels in the user's language (the importer reads both); CSV for import: IDs
    assert out["csv"][0][:3] == ["Identifiant client", "Nom de client", "Limite de crédit"]
    assert out["csv"][1][2:4] == ["500000.00", "TRUE"]
    stream = io.BytesIO()
    get_writer("xlsx").write(table(), stream)
    sheet = openpyxl.load_workbook(stream).active
    assert sheet.title == "Tous les clients"  # the sheet is named for people; its cells are data
    assert [c.value for c in sheet[1]][:4] == ["Identifiant client", "Nom de client", "Limite de crédit", "En attente"]
    assert [c.value for c in sheet[2]][2:4] == [500000, True]


def test_file_errors_are_french(french: None) -> None:
    book = openpyxl.Workbook()
    for row in (["CUSTOMERID", "NAME"], *[[f"C{n}", f"=A{n}"] for n in range(2, 7)]):
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(FileRejected) as caught:
        read_bytes(data.getvalue(), name="script.xlsx")
    assert caught.value.message == (
        "Dans script.xlsx, les cellules B2, B3, B4 et 2 autres contiennent des formules dont le résultat n'a pas été "
        f"enregistré avec le fichier{NBSP}: l'importation les lirait comme vides et effacerait ces champs"
    )
    assert caught.value.fix.startswith("Ouvrez le fichier dans Excel ou LibreOffice")
    with pytest.raises(FileRejected) as caught:
        read_bytes(b"PK\x03\x04 not really a zip", name="x.xlsx")
    assert caught.value.message == (
        f"Le fichier x.xlsx ne peut pas être lu comme un classeur Excel{NBSP}: il est endommagé (peut-être "
        "incomplètement téléchargé ou copié)"
    )
    with pytest.raises(FileRejected) as caught:
        read_bytes(b"Nom,Ville\r\nCaf\xe9,Paris\r\n", name="u.csv", encoding="utf-8")
    assert str(caught.value) == (
        f"Le fichier u.csv ne peut pas être lu en UTF-8{NBSP}: la ligne 2 contient des octets qui ne sont pas du "
        f"UTF-8, juste après «{NBSP}Caf{NBSP}». Choisissez l'encodage dans lequel le fichier a été enregistré "
        "(Windows-1252 pour la plupart des fichiers d'Excel sous Windows, Mac Roman pour les anciens fichiers Mac), "
        "ou laissez l'encodage en Détection automatique."
    )
    with pytest.raises(FileRejected) as caught:
        read_bytes(b"x" * 2048, name="big.csv", max_bytes=1536)
    assert caught.value.message == (
        f"Le fichier big.csv fait 2 Ko{NBSP}; custbook importe des fichiers de 1,5 Ko au plus"
    )


def test_every_format_is_described_in_french(french: None) -> None:
    for writer in writers().values():
        assert _(writer.description) != writer.description, writer.name
    assert shown_choice("Print#~#E-Mail") == "Print et E-Mail" and shown_choice("Print") == "Print"
