"""Files a real spreadsheet program wrote (tests/fixtures/README.md), imported through `custbook import --json`.

The four fixtures hold the same six customers saved four ways: LibreOffice's French CSV (Windows-1252, `;`,
French labels, VRAI/FAUX, `1 234,50` with a no-break space), UTF-8 with BOM, UTF-16 "Unicode text" with tabs, and
an .xlsx workbook. Whatever the file, the store must hold exactly what the user typed, and importing the file again,
or the store's own "CSV for import", must change nothing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = ["lo_fr_cp1252_semicolon.csv", "lo_utf8_bom.csv", "lo_utf16_tab.txt", "lo_sheet.xlsx"]
ROWS = [2, 3, 4, 6, 7, 8]  # row 5 is empty in every file; C002's comment spans two lines but is one row

COMMON = {"STATUS": "active", "ONETIME": "FALSE"}
EXPECTED = {
    "C001": {"NAME": "Société Générale", "PRINTAS": "Société Générale SA", "CREDITLIMIT": "1234.50",
             "ONHOLD": "FALSE", "TAXABLE": "TRUE", "ZIP": "75009", "CITY": "Paris", "COMMENTS": "",
             "EMAIL1": "compta@societe-generale.example"},
    "C002": {"NAME": "Crème Brûlée SARL", "PRINTAS": "Crème Brûlée", "CREDITLIMIT": "15000.00", "ONHOLD": "FALSE",
             "TAXABLE": "TRUE", "ZIP": "69002", "CITY": "Lyon",
             "COMMENTS": "Livraison le matin uniquement\nQuai n° 3 — sonner à l’accueil",
             "EMAIL1": "commandes@creme-brulee.example"},
    "C003": {"NAME": "Zoë Lefèvre", "PRINTAS": "Mme Zoë Lefèvre", "CREDITLIMIT": "2500.75", "ONHOLD": "TRUE",
             "TAXABLE": "FALSE", "ZIP": "02138", "CITY": "Cambridge",
             "COMMENTS": "Cliente depuis 2019; paiement à 30 jours, « prioritaire »",
             "EMAIL1": "zoe.lefevre@example.org"},
    "C004": {"NAME": "Müller & Söhne GmbH", "PRINTAS": "Müller & Söhne", "CREDITLIMIT": "0.00", "ONHOLD": "FALSE",
             "TAXABLE": "TRUE", "ZIP": "80331", "CITY": "München", "COMMENTS": 'Contact : "Herr Müller"',
             "EMAIL1": ""},
    "C005": {"NAME": "Œuvres d'Art Hélène", "PRINTAS": "Œuvres d'Art", "CREDITLIMIT": "980.40", "ONHOLD": "FALSE",
             "TAXABLE": "TRUE", "ZIP": "13001", "CITY": "Marseille", "COMMENTS": "",
             "EMAIL1": "helene@oeuvres.example"},
    "C006": {"NAME": "Ångström Café", "PRINTAS": "Ångström Café", "CREDITLIMIT": "50000.00", "ONHOLD": "TRUE",
             "TAXABLE": "TRUE", "ZIP": "01000", "CITY": "Bourg-en-Bresse", "COMMENTS": "Remise 5 %, ne pas relancer",
             "EMAIL1": ""},
}  # fmt: skip


def export(cli) -> str:
    result = cli("export", "--format", "import-csv")
    assert result.code == 0, result.err
    return result.out


def records(text: str) -> dict[str, dict[str, str]]:
    return {r["CUSTOMERID"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}


def import_json(cli, path: Path, *args: str) -> dict:
    result = cli("import", str(path), "--json", *args)
    assert "Traceback" not in result.err
    summary = result.json
    assert result.code == (1 if summary["failed"] or summary["status"] == "rejected" else 0), result.err
    return summary


def counts(summary: dict) -> tuple[str, int, int, int, int, int, int]:
    keys = ("status", "rows", "created", "updated", "unchanged", "blanked", "failed")
    return tuple(summary[k] for k in keys)  # type: ignore[return-value]


@pytest.mark.parametrize("name", FILES)
def test_every_value_of_a_spreadsheet_file_is_stored_exactly(cli, name):
    summary = import_json(cli, FIXTURES / name)
    assert counts(summary) == ("committed", 6, 6, 0, 0, 0, 0)
    assert (summary["errors"], summary["warnings"]) == ([], [])
    stored = records(export(cli))
    assert sorted(stored) == sorted(EXPECTED)
    for cid, expected in EXPECTED.items():
        row = stored[cid]
        assert {k: row[k] for k in expected} == expected, cid
        others = {k: v for k, v in row.items() if k not in expected and k != "CUSTOMERID"}
        assert others == {k: COMMON.get(k, "") for k in others}, cid


@pytest.mark.parametrize("name", FILES)
def test_importing_the_same_file_again_changes_nothing(cli, name):
    first = import_json(cli, FIXTURES / name)
    assert first["created"] == 6
    before = export(cli)
    again = import_json(cli, FIXTURES / name)
    assert counts(again) == ("committed", 6, 0, 0, 6, 0, 0)
    assert again["batch"] is None
    assert export(cli) == before
    history = cli("history", "--json")
    assert history.code == 0 and len(history.json) == 1  # the second import recorded no batch


@pytest.mark.parametrize("name", FILES[1:])
def test_every_file_holds_what_the_french_file_holds(cli, name):
    import_json(cli, FIXTURES / FILES[0])
    before = export(cli)
    summary = import_json(cli, FIXTURES / name)
    assert counts(summary) == ("committed", 6, 0, 0, 6, 0, 0)
    assert export(cli) == before


@pytest.mark.parametrize("name", FILES)
def test_the_csv_for_import_of_an_imported_file_imports_back_unchanged(cli, tmp_path, name):
    import_json(cli, FIXTURES / name)
    before = export(cli)
    target = tmp_path / "for-import.csv"
    result = cli("export", "--format", "import-csv", "-o", str(target))
    assert result.code == 0, result.err
    summary = import_json(cli, target)
    assert counts(summary) == ("committed", 6, 0, 0, 6, 0, 0)
    assert (summary["errors"], summary["warnings"]) == ([], [])
    assert export(cli) == before


@pytest.mark.parametrize("name", FILES)
def test_row_errors_name_the_rows_the_spreadsheet_shows(cli, name):
    # A required custom field the files lack: every row fails, each naming its own spreadsheet row.
    added = cli("fields", "add", "REGION", "--type", "text", "--required")
    assert added.code == 0, added.err
    summary = import_json(cli, FIXTURES / name)
    assert counts(summary) == ("committed", 6, 0, 0, 0, 0, 6)
    assert [(e["row"], e["column"]) for e in summary["errors"]] == [(row, "REGION") for row in ROWS]
    assert records(export(cli)) == {}
