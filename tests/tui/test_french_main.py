"""The interface's main screens in French and by region (issue 16): the list, the customer's page, the form, the
help, the view builder and the export in French with nothing cut off at 80x24; amounts and dates as the region
writes them (`fr_FR`: 8 500,00 and 27/09/2023; `en_US`: 8,500.00 and 09/27/2023) in the list and the form, which
accepts what it shows (a French user's `1 234,50` is stored as 1234.50); and the language chosen from the command
palette, stored with the user and applied at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from acting import ADMIN
from form_helpers import open_form, type_into
from textual.widgets import Button, Input, Label, OptionList
from tui_helpers import make_app, settle, widget_text

from core.errors import PermissionDenied
from core.i18n import current_language, set_language
from core.values import DateFormat
from core.viewdef import View
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.query import get_customer
from tui.screens.customer_list import CustomerListScreen
from tui.screens.error_dialog import ErrorDialog
from tui.screens.help import HelpScreen
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import CustomerGrid

CID = "C0000003"  # San Francisco, with a contract start date (27/09/2023) and a credit limit
NNBSP = "\u202f"  # French groups digits with a narrow no-break space (CLDR)
LIST_KEYS_FR = ["Aide", "Quitter", "Filtrer", "Trier", "Vues", "Modifier", "Nouveau", "Exporter", "Importer"]
LIST_KEYS_FR += ["Historique"]


def _region(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """The locale as a user's shell sets it (LC_ALL and the LC_ variables would win over LANG)."""
    for name in ("LC_ALL", "LC_NUMERIC", "LC_TIME", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch):
    _region(monkeypatch, "fr_FR.UTF-8")
    set_language("fr")
    yield
    set_language("en")


@pytest.fixture
def american(monkeypatch: pytest.MonkeyPatch):
    _region(monkeypatch, "en_US.UTF-8")
    set_language("en")
    yield
    set_language("en")


def stored(db, cid: str = CID):
    store = Store(db)
    return get_customer(store, catalogue(store), cid, None, user=ADMIN)


def french_amount(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", NNBSP).replace(".", ",")


def screen_text(app) -> str:
    return "\n".join(widget_text(w) for w in app.screen.query("Static, Label, Button, FooterKey"))


def footer_text(app) -> str:
    return " ".join(k.description for k in app.screen.query("FooterKey") if not k.has_class("-command-palette"))


def footer_keys(app) -> list[str]:
    """The screen's keys in the footer, in their order (the palette's own key, docked on the right, left out)."""
    return [k.description for k in app.screen.query("FooterKey") if not k.has_class("-command-palette")]


async def show_dates_view(pilot) -> CustomerGrid:
    """The list showing an amount and a date: a view of ID, name, credit limit and contract start."""
    screen = pilot.app.screen
    assert isinstance(screen, CustomerListScreen)
    screen.view = View("Dates", columns=("CUSTOMERID", "NAME", "CREDITLIMIT", "CONTRACT_START"))
    screen.reload()
    await settle(pilot)
    return screen.query_one(CustomerGrid)


def row_of(grid: CustomerGrid, cid: str) -> str:
    return next(line for line in widget_text(grid).splitlines() if line.startswith(cid))


# --- the list ------------------------------------------------------------------------------------------------


async def test_the_list_speaks_french_at_80x24_and_nothing_is_cut_off(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = widget_text(app.screen.query_one("#status")).strip()
        assert status.startswith("Tous les clients") and "clients · niveau supérieur" in status, status
        assert "alice" in status  # who is signed in is never the part cut off
        header = widget_text(app.screen.query_one(CustomerGrid)).splitlines()[0]
        assert "Identifiant client" in header and "Nom de client" in header, header
        # Every key of the list, in French, on the footer's lines, none past the edge.
        keys = list(app.screen.query("FooterKey"))
        assert [k.description for k in keys] == LIST_KEYS_FR
        assert all(k.region.right <= 80 and k.region.width > 0 for k in keys), [k.region for k in keys]
        assert app.screen.query_one(Footer).size.height == 2  # French is longer: a second line, nothing cut
        words = (status + " " + footer_text(app)).split()
        for english in ("Help", "Quit", "Find", "customers", "top", "user", "All"):
            assert english not in words, english


async def test_the_list_in_english_keeps_one_footer_line_at_80_columns(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(Footer).size.height == 1
        assert footer_text(app).split() == ["Help", "Quit", "Find", "Sort", "Views", "Edit", "New", "Export",
                                            "Import", "History"]  # fmt: skip


async def test_an_empty_french_list_says_why_in_french(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzqqq")
        await settle(pilot)
        empty = widget_text(app.screen.query_one("#empty")).strip()
        assert empty == "Aucun client ne correspond à «\u00a0zzzqqq\u00a0» · Échap efface le filtre", empty
        status = widget_text(app.screen.query_one("#status"))
        assert f"0{NNBSP}sur" in status or "0 sur" in status, status


@pytest.mark.parametrize(
    ("lang", "amount", "date"),
    [
        ("fr", french_amount, "27/09/2023"),
        ("en_US", lambda v: f"{v:,.2f}", "09/27/2023"),
    ],
    ids=["fr_FR", "en_US"],
)
async def test_amounts_and_dates_in_the_list_follow_the_region(demo_db, monkeypatch, lang, amount, date):
    _region(monkeypatch, "fr_FR.UTF-8" if lang == "fr" else "en_US.UTF-8")
    set_language("fr" if lang == "fr" else "en")
    try:
        app = make_app(demo_db)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            grid = await show_dates_view(pilot)
            limit = stored(demo_db)["CREDITLIMIT"]
            line = row_of(grid, CID)
            assert amount(limit) in line and date in line, line
    finally:
        set_language("en")


# --- the customer's page and the form ------------------------------------------------------------------------


async def test_the_customer_page_in_french_shows_french_labels_and_regional_values(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # C0000003
        await settle(pilot)
        text = screen_text(app)
        limit = stored(demo_db)["CREDITLIMIT"]
        assert "Client C0000003" in text and "Limite de crédit" in text and french_amount(limit) in text, text
        assert "27/09/2023" in text and ("Oui" in text or "Non" in text)
        assert footer_keys(app) == ["Modifier", "Retour", "Aide"]
        assert app.screen.query_one("FooterKey.-command-palette").description == "palette"


async def test_a_french_user_types_1_234_50_and_it_is_stored_as_1234_50(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        form, results = await open_form(pilot, CID)
        limit = stored(demo_db)["CREDITLIMIT"]
        assert form.query_one("#input-CREDITLIMIT", Input).value == french_amount(limit)  # shown as France writes
        assert form.query_one("#input-CONTRACT_START", Input).value == "27/09/2023"
        assert form.query_one("#input-CREDITLIMIT", Input).placeholder == f"par ex. 1{NNBSP}234,50"
        title = widget_text(form.query_one("#title")).strip()
        assert title.startswith("Modifier le client C0000003") and "niveau supérieur" in title, title
        await type_into(pilot, "CREDITLIMIT", "1 234,50")
        await type_into(pilot, "CONTRACT_START", "2024-03-01")  # YYYY-MM-DD is accepted too
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [CID]
    record = stored(demo_db)
    assert record["CREDITLIMIT"] == Decimal("1234.50")
    assert record["CONTRACT_START"] == dt.date(2024, 3, 1)


@pytest.mark.slow
async def test_a_french_amount_the_region_cannot_read_keeps_the_import_message(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        form, results = await open_form(pilot, CID)
        before = stored(demo_db)["CREDITLIMIT"]
        await type_into(pilot, "CREDITLIMIT", "12,3,4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [] and app.screen is form  # not saved: the form stays open
        message = widget_text(form.query_one("#error-CREDITLIMIT"))
        assert "12,3,4" in message, message  # the import's own message names what was typed
    assert stored(demo_db)["CREDITLIMIT"] == before


@pytest.mark.slow
async def test_an_american_user_sees_and_types_us_amounts_and_dates(demo_db, american):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        form, results = await open_form(pilot, CID)
        limit = stored(demo_db)["CREDITLIMIT"]
        assert form.query_one("#input-CREDITLIMIT", Input).value == f"{limit:,.2f}"
        assert form.query_one("#input-CONTRACT_START", Input).value == "09/27/2023"
        assert form.query_one("#input-CONTRACT_START", Input).placeholder == "MM/DD/YYYY"
        await type_into(pilot, "CREDITLIMIT", "1,234.50")
        await type_into(pilot, "CONTRACT_START", "12/31/2024")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [CID]
    record = stored(demo_db)
    assert record["CREDITLIMIT"] == Decimal("1234.50")
    assert record["CONTRACT_START"] == dt.date(2024, 12, 31)


async def test_the_french_form_fits_80_columns(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        form, _ = await open_form(pilot, CID)
        title = widget_text(form.query_one("#title"))
        assert "C0000003" in title and title.rstrip().endswith("alice"), title  # the user's name is not cut off
        assert widget_text(form.query_one("#legend")).strip() == "* obligatoire"  # as the new customer's form
        label = form.query_one("#row-TAXID .label")
        assert widget_text(label).strip() == "Numéro d'identification fiscale"  # one line: the column widened
        assert footer_keys(app) == ["Rendre inactif", "Enregistrer", "Annuler", "Aide"]


def test_the_session_date_format_follows_the_region(monkeypatch):
    from core.regional import region_for

    for lang, expected in (("en_US.UTF-8", DateFormat.MDY_SLASH), ("fr_FR.UTF-8", DateFormat.DMY_SLASH),
                           ("C.UTF-8", DateFormat.DMY_SLASH), ("de_DE.UTF-8", DateFormat.DMY_DOT)):  # fmt: skip
        _region(monkeypatch, lang)
        region_for.cache_clear()
        session = Session(None, ADMIN, None, None)  # type: ignore[arg-type]
        assert session.date_format is expected, lang
        assert session.file_date_format is DateFormat.DMY_SLASH  # files keep cli.md's default


# --- help, dialogs, views, export ----------------------------------------------------------------------------


async def test_the_help_speaks_french(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(" ".join(widget_text(w) for w in app.screen.query("Static")).split())
        assert "Touches" in text and "Liste de clients" in text and "filtre rapide" in text, text
        assert f"Base {demo_db} · utilisateur alice · niveau supérieur" in text
        assert "Depuis le terminal" in text and "quick filter" not in text


async def test_an_error_dialog_shows_the_errors_title_in_french(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(ErrorDialog(PermissionDenied("alice ne peut pas", "Demandez")))
        await settle(pilot)
        assert widget_text(app.screen.query_one("#title")).strip() == "Autorisation refusée"
        assert str(app.screen.query_one("#ok", Button).label) == "OK"


async def test_the_view_builder_and_the_export_speak_french(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        options = [str(o.prompt) for o in app.screen.query_one("#views", OptionList).options]
        assert options[0] == "Tous les clients  (intégrée)", options
        await pilot.press("n")
        await settle(pilot)
        text = screen_text(app)
        assert "Nouvelle vue" in text and "Inclure les fiches d'entité" in text and "clients correspondent" in text
        # The palette's key gives way, so that the screen's keys keep one line.
        assert [k.description for k in app.screen.query("FooterKey")] == [
            "Enregistrer", "Fermer", "Colonnes", "Filtres", "Trier", "Aide",
        ]  # fmt: skip
        tabs = [str(t.label) for t in app.screen.query("ContentTab")]
        assert tabs == ["Colonnes", "Filtres", "Ordre de tri"], tabs
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "Exporter Tous les clients" in screen_text(app)
        labels = {str(label.content): label.size.width for label in app.screen.query(Label) if str(label.content)}
        assert labels.keys() == {"Nom du fichier", "Format de date"}
        assert all(width >= len(text) for text, width in labels.items()), labels  # whole, not cut
        assert app.screen.query_one("#name", Input).value.startswith("tous-les-clients-")
        assert "Format CSV pour l'importation" in " ".join(
            str(o.prompt) for o in app.screen.query_one("#formats", OptionList).options
        )


# --- choosing the language from the palette ----------------------------------------------------------------


async def palette(pilot, words: str) -> None:
    """Open the command palette, type `words`, take the first command it offers."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*words)
    for _ in range(50):  # the palette searches its providers in a task: wait for the first hit
        await pilot.pause(0.02)
        if pilot.app.screen.query("CommandList Option") or pilot.app.screen.query("CommandList"):
            hits = pilot.app.screen.query_one("CommandList").option_count
            if hits:
                break
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture
def chooses(monkeypatch: pytest.MonkeyPatch):
    """A user whose environment does not force the language (the suite sets CUSTBOOK_LANG=en)."""
    monkeypatch.delenv("CUSTBOOK_LANG", raising=False)
    _region(monkeypatch, "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


@pytest.mark.slow
async def test_choosing_french_from_the_palette_stores_it_and_switches_at_once(demo_db, chooses):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert footer_text(app).split()[0] == "Help"
        await palette(pilot, "Language: Fr")
        assert current_language() == "fr"
        assert Store(demo_db).users.resolve("alice").language == "fr"  # remembered with the user
        assert app.session is not None and app.session.user.language == "fr"
        status = widget_text(app.screen.query_one("#status")).strip()
        assert status.startswith("Tous les clients") and "clients" in status, status
        header = widget_text(app.screen.query_one(CustomerGrid)).splitlines()[0]
        assert "Identifiant client" in header, header
        assert [k.description for k in app.screen.query("FooterKey")] == LIST_KEYS_FR
        assert app.screen.query_one("#quick", Input).placeholder.startswith("Filtre rapide")
        # And back: the command is offered in French, naming English as English writes it.
        await palette(pilot, "Langue")
        assert current_language() == "en"
        assert Store(demo_db).users.resolve("alice").language == "en"
        assert footer_text(app).split()[0] == "Help"
        assert widget_text(app.screen.query_one("#status")).strip().startswith("All customers")


async def test_the_stored_choice_applies_at_the_next_start_unless_the_environment_or_lang_says_otherwise(
    demo_db, chooses, monkeypatch
):
    Store(demo_db).users.set_language("alice", "fr")
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert current_language() == "fr"
        assert widget_text(app.screen.query_one("#status")).strip().startswith("Tous les clients")
    set_language("en")
    app = make_app(demo_db)
    app.lang = "en"  # --lang en wins over the stored choice
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert current_language() == "en"
    monkeypatch.setenv("CUSTBOOK_LANG", "en")  # so does $CUSTBOOK_LANG
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert current_language() == "en"


async def test_the_palette_lists_textuals_commands_and_ours_in_french(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        # Textual's Quit gives way to the list's own (q): one Quit, not two.
        assert "Thème" in titles and "Quitter (q)" in titles and "Langue\u00a0: English" in titles, titles
        assert "Filtrer (/)" in titles and "Historique (h)" in titles, titles
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Filtrer (/)"] == "Filtre rapide\u00a0: la liste se restreint pendant la saisie"
