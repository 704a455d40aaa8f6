"""Snapshots of the main screens in French, with the region France (LANG=fr_FR.UTF-8), at 120x36 and 80x24.

What should be visible, every word in French: the status line ("Tous les clients (intégrée) · 272 clients · niveau
supérieur · utilisateur alice", shortened where the line is short of room but never cut), the column headers
(Identifiant client, Nom de client, Statut, Ville, Pays, Adresse e-mail principale, Téléphone principal, Limite de
crédit, Devise), amounts as France writes them (8 500,00), and the footer's keys (Aide, Quitter, Filtrer, Trier,
Vues, Modifier, Nouveau, Exporter, Importer, Historique), on two lines at 80 columns rather than cut at the edge.
The help: "Touches", the store, the user and the level, then "Liste de clients" and each key's use in French.
Update only after looking: `pytest tests/tui/test_snapshots_fr_main.py --snapshot-update`, then open
snapshot_report.html.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import make_app, settle

from core.i18n import set_language

SIZES = [(120, 36), (80, 24)]


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch):
    for name in ("LC_ALL", "LC_NUMERIC", "LC_TIME", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    set_language("fr")
    yield
    set_language("en")


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_customer_list_in_french(snap_compare, demo_db, french, size):
    async def loaded(pilot):
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=loaded)


def test_customer_list_sorted_by_credit_limit_in_french(snap_compare, demo_db, french):
    """The amounts column sorted descending: "Limite de crédit ▼" and amounts such as 500 000,00."""

    async def sorted_by_limit(pilot):
        await settle(pilot)
        grid = pilot.app.screen.query_one("CustomerGrid")
        limit = next(i for i, c in enumerate(grid.columns) if c.id == "CREDITLIMIT")
        await pilot.press(*["right"] * limit, "s", "s")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(120, 36), run_before=sorted_by_limit)


def test_help_in_french(snap_compare, demo_db, french, monkeypatch):
    async def help_shown(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    monkeypatch.chdir(demo_db.parent)  # the help names the store as given: "demo.duckdb", the same in every run
    assert snap_compare(make_app(Path(demo_db.name)), terminal_size=(80, 24), run_before=help_shown)
