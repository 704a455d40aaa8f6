"""Snapshots of the import preview and the history in French at 80x24, the size of an SSH terminal (issue 16: "a
tmux session at 80x24 shows ... the import preview with its "Effacés" tab, the history ... entirely in French").

What should be visible, in French and whole at 80 columns: the preview's title, counts, note and seven tabs
(Champs, Créés, Modifiés, ⚠ Effacés, Inchangés, Erreurs, Alertes), the Effacés tab's warning and the values that
will be erased; the history's batches with French column names and a batch's field changes, amounts written
'8 500,00' and dates 28/11/2026. The footer's keys are the footer's (tui/widgets/footer.py) to translate.
Update only after looking: `pytest tests/tui/test_snapshots_fr.py --snapshot-update`, then open the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from import_helpers import open_import, preview_path, write_mixed
from tui_helpers import make_app, settle

from cli.main import main
from core.i18n import set_language
from store.duck import DuckHistory
from tui import dates
from tui.screens.history import HistoryScreen

SIZE = (80, 24)
# The history's import: an amount changed (as the region writes it), an e-mail and a city erased, a new customer.
FIRST = (
    "CUSTOMERID,NAME,PRINTAS,SEGMENT,EMAIL1,CITY,CREDITLIMIT\n"
    "C0000001,Seattle Medical Supply LLC,Seattle Medical Supply LLC,SMB,first@example.com,Seattle,123456.5\n"
    "C0000002,Ida Jensen,Ida Jensen,SMB,,,\n"
    "ZZNEW1,Nouveau Client,Nouveau Client,SMB,new@example.com,Lyon,5000\n"
)


@pytest.fixture
def french(monkeypatch):
    """A French user in France (LC_ALL=fr_FR.UTF-8): the language and the region; English again after."""
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    set_language("fr")
    yield
    set_language("en")


def test_import_preview_effaces_tab_fr(snap_compare, demo_db, tmp_path, monkeypatch, french):
    """The preview of a file with every kind of row, on its Effacés tab: the title (file, UTF-8, séparateur
    virgule, 7 lignes, niveau supérieur, utilisateur alice), the counts (Lignes 7 · Créés 1 · Modifiés 2 ·
    Effacés 2 · Inchangés 2 · Échecs 2 · Alertes 1), Valider…, the note that failed rows are left out, the seven
    tabs whole, the warning that 2 fields will be ERASED, the two values that will be erased and the first one in
    full under the table."""
    where = tmp_path / "imports"
    where.mkdir()
    write_mixed(demo_db, where / "mixed.csv")
    monkeypatch.chdir(where)

    async def erased_tab(pilot):
        await open_import(pilot, [])
        await preview_path(pilot, "mixed.csv")
        pilot.app.screen.query_one("#tabs").active = "blanked"
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=erased_tab)


def test_history_fr(snap_compare, demo_db, tmp_path, monkeypatch, french):
    """The history after one import, B1 drilled into: Historique · 1 lot, the batch with its French columns (Lot,
    Type, Date, Auteur, Créés, Modifiés, Effacés, Échecs, Annulé) and its counts, the title of its changes
    (l'importation de first.csv par alice le 28/11/2026 09:30 · 17 changements de champs sur 3 clients), the changes
    with French labels (Avant, Après, Action), '8 500,00' → '123 456,50', (vide), Oui/Non, modifié/effacé/créé,
    and the highlighted change in full; the columns up to Annulé in view (28/11 09:30: this year's date without its
    year), the file named under the table ("Fichier : first.csv"). The batch's time is fixed, and today in the same
    year, so that the picture does not change."""
    (tmp_path / "first.csv").write_text(FIRST, encoding="utf-8")
    assert main(["--db", str(demo_db), "--user", "alice", "import", str(tmp_path / "first.csv")]) == 0
    at = dt.datetime(2026, 11, 28, 9, 30)
    real_list, real_get = DuckHistory.batches, DuckHistory.batch

    def fixed_list(repo, *, user, limit=200):
        return [replace(b, at=at) for b in real_list(repo, user=user, limit=limit)]

    def fixed_get(repo, batch, *, user):
        got, changes = real_get(repo, batch, user=user)
        return replace(got, at=at), changes

    monkeypatch.setattr(DuckHistory, "batches", fixed_list)
    monkeypatch.setattr(DuckHistory, "batch", fixed_get)
    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 12, 1))  # the batches are this year's

    async def drilled(pilot):
        await settle(pilot)
        pilot.app.push_screen(HistoryScreen(pilot.app.session))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=drilled)
