"""The import, its preview, the column-mapping step, the history and the jobs in French (issue 16), as a French user
drives them at 80x24: every word of these screens in French (the glossary's: aperçu, valider l'importation, Effacés,
inchangés, lignes en échec, lot, annuler le lot, correspondance des colonnes, tâche...), counts with French plurals
and grouped digits, amounts and dates as the region writes them (9 750,00, 28/11/2026), field labels in French, and
nothing cut off at 80 columns.

The footer's key descriptions are translated by the interface's own footer (tui/widgets/footer.py), not checked
here: these screens still yield Textual's. Words other areas say (the file's description, an error's message, the
reason an undo is refused) are in French too, but are theirs to test.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest
from export_helpers import Result
from import_helpers import open_import, preview_path, write_csv, write_mixed
from jobs_helpers import open_jobs, queue_both, run_worker
from rich.cells import cell_len
from textual.widgets import DataTable, Label, Tab
from tui_helpers import make_app, settle, widget_text

from cli.main import main
from core.catalogue import FieldType
from core.i18n import set_language
from core.plan import Policy
from core.regional import NARROW_NBSP
from core.values import DateFormat
from formats.reader import read_file
from services.planning import plan_import
from store.duck import DuckHistory
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.users import resolve_user
from tui.dates import short_when
from tui.history_rows import shown_value
from tui.import_rows import PlanRows
from tui.plan_words import blanked_banner, commit_question, counts_text, outcome, plan_note
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.history import HistoryScreen
from tui.screens.import_mapping import ImportMapping
from tui.screens.import_preview import ImportPreview
from tui.screens.job_result import JobResultScreen

NB = "\u00a0"  # before : ; ? ! in French
G = NARROW_NBSP  # between thousands
SIZE = (80, 24)
# English words of these screens: none may be left on a French screen (the footer's line apart, see above).
ENGLISH = (
    "Preview", "Commit", "Erased", "Unchanged", "Updated", "Warnings", "Errors", "Failed", "Rows", "By field",
    "Row ", "Field", "Old value", "New value", "Customer", "History", "batch", "user ", "loading", "Nothing",
    "erased", "changed", "created", "Choose", "Date format", "Encoding", "Most rows", "Back", "Kind", "When",
    "Undone", "Job", "State", "Queued", "Finished", "done", "not sent", "File column", "First values", "Feeds",
    "not imported", "Generate", "Match by", "Save", "Shared", "top level",
)  # fmt: skip


@pytest.fixture
def french(monkeypatch):
    """A French user in France: the language, and the region's numbers and dates (restored to English after)."""
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    set_language("fr")
    yield
    set_language("en")


@pytest.fixture
def folder(tmp_path, monkeypatch, demo_db):
    """The folder the user works in, holding a file with every kind of row (tests/tui/import_helpers.py)."""
    where = tmp_path / "imports"
    where.mkdir()
    write_mixed(demo_db, where / "mixed.csv")
    monkeypatch.chdir(where)
    return where


def text_of(screen, selector: str) -> str:
    """The widget's text on one line, its no-break spaces kept (str.split would take them for spaces)."""
    return " ".join(re.split(r"[ \n]+", widget_text(screen.query_one(selector)).strip()))


def screen_words(app) -> str:
    """What the screen shows, the footer's line left out."""
    lines = [" ".join(re.split(r"[ \n]+", widget_text(w))) for w in app.screen.query("Static, Label, Button, Tab")]
    lines += [str(c.label) for table in app.screen.query(DataTable) for c in table.columns.values()]
    return "\n".join(line for line in lines if line)


def assert_french(app) -> None:
    shown = screen_words(app)
    left = [word for word in ENGLISH if word in shown]
    assert not left, f"English left on the screen: {left}\n{shown}"


def assert_fits(widget) -> None:
    """The widget's text is whole on the screen: not wider than its region, which is inside 80 columns."""
    region = widget.region
    assert region.right <= SIZE[0], (widget, region)
    text = str(widget.label if isinstance(widget, Tab) else widget.render())
    assert cell_len(text) <= region.width, (text, region)


def table_rows(screen, pane: str) -> list[list[str]]:
    screen._fill(pane)
    table = screen.query_one(f"#{pane}-table")
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


# --- the words, headless ------------------------------------------------------------------------------------------


def test_the_previews_sentences_are_french_with_french_plurals(demo_db, tmp_path, french):
    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    plan = plan_import(store, read_file(write_mixed(demo_db, tmp_path / "mixed.csv")), user=alice)
    question = commit_question(plan)
    assert question.startswith(
        f"Valider l'importation de mixed.csv{NB}: 1 client créé, 2 clients mis à jour et 2 champs effacés."
    )
    assert f"l'onglet Effacés les liste){NB}; annuler le lot" in question
    assert f"2 lignes en échec seront écartées{NB};" in question
    assert counts_text(plan, "", "").plain == (
        "Lignes 7 · Créés 1 · Modifiés 2 · Effacés 2 · Inchangés 2 · Échecs 2 · Alertes 1"
    )
    assert blanked_banner(plan).startswith(f"⚠ 2 champs seront EFFACÉS par des cellules vides du fichier{NB}:")
    assert plan_note(plan, stale=True) == (
        f"La base a changé depuis cet aperçu{NB}: appuyez sur r pour actualiser l'aperçu.",
        True,
    )
    assert outcome(plan, "B7").startswith(
        f"Importation validée dans le lot B7{NB}: 1 client créé, 2 clients mis à jour, 2 champs effacés."
    )
    strict = plan_import(store, plan.raw, user=alice, policy=Policy.STRICT)
    assert outcome(strict, None).startswith(f"Rien n'a été importé{NB}: le mode est strict")
    assert commit_question(strict) == (
        f"2 lignes de mixed.csv sont en échec et le mode est strict{NB}: rien ne sera importé."
    )

    rows = PlanRows(plan, catalogue(store), plan.options.date_format, "bold")
    updated = rows.tab("updated")
    assert updated.columns == ("Ligne", "ID client", "Champ", "Avant", "", "Après")
    assert [str(c) for c in updated.rows[2]] == [
        "4",
        "C0000003",
        "Limite de crédit",
        f"9{G}750,00",
        "→",
        f"12{G}000,00",
    ]
    assert updated.details[1] == f"Ligne 2, C0000001, Téléphone{NB}: +1 206-555-0109 → (effacé)"
    assert rows.tab("new").details[0] == f"Ligne 5{NB}: nouveau client C9000001, Nouveau Client Sàrl (12 champs)"
    assert rows.tab("errors").details[2].startswith("Ligne 7, Limite de crédit ('lots')")
    assert rows.tab("blanked").columns[-1] == "Valeur qui sera effacée"


def test_history_values_are_written_as_the_region_writes_them(demo_db, french):
    fields = catalogue(Store(demo_db))
    limit = fields.get("CREDITLIMIT")
    assert limit is not None and limit.type is FieldType.DECIMAL
    from core.regional import screen_region

    region = screen_region()
    assert shown_value(limit, "123456.50", region.date_format, region) == f"123{G}456,50"
    bools = [f for f in fields.fields if f.type is FieldType.BOOL]
    assert shown_value(bools[0], "true", region.date_format, region) == "Oui"
    assert shown_value(None, None, region.date_format, region) == "(vide)"


# --- the import screen and the preview ----------------------------------------------------------------------------


async def test_the_import_screen_is_french_and_whole_at_80_columns(demo_db, folder, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(pilot, [])
        assert text_of(screen, "#title") == "Importer des clients · niveau supérieur · utilisateur alice"
        labels = [str(label.render()) for label in screen.query(".label") if str(label.render())]
        assert labels == ["Fichier", "Format de date", "Encodage", "En cas d'échec", "Lignes (max.)", "Envoyer à"]
        for label in screen.query(Label):
            assert_fits(label)
        assert screen.query_one("#tree").border_title == f"Entrée · Backspace{NB}: haut"
        assert screen.query_one("#max_rows").value == f"25{G}000"
        assert screen.query_one("#date_format").value is DateFormat.DMY_SLASH  # shown as French writes it:
        assert "JJ/MM/AAAA" in widget_text(screen.query_one("#date_format SelectCurrent #label"))
        assert_french(app)
        box = screen.query_one("#max_rows")
        box.value = f"30{G}000"  # as French users group digits
        request = screen._request()  # no file yet: says so, in French
        assert request is None and text_of(screen, "#note").startswith("Choisissez un fichier")
        screen.query_one("#path").value = "mixed.csv"
        request = screen._request()
        assert request is not None and request.max_rows == 30000


@pytest.mark.slow
async def test_the_preview_with_its_effaces_tab_at_80_columns(demo_db, folder, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "mixed.csv")
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        assert text_of(preview, "#title").startswith(f"Aperçu de l'importation{NB}: mixed.csv ·")
        tabs = [str(tab.label) for tab in preview.query(Tab)]
        assert tabs == ["Champs 12", "Créés 1", "Modifiés 2", "⚠ Effacés 2", "Inchangés 2", "Erreurs 3", "Alertes 1"]
        for tab in preview.query(Tab):
            assert_fits(tab)  # every tab's title in view at 80 columns, none scrolled away
        assert text_of(preview, "#commit") == "Valider…"
        by_field = {r[0]: r[1:] for r in table_rows(preview, "fields")}
        assert by_field["Téléphone"] == ["1", "", "1"] and by_field["Ville"] == ["", "1", "1"]
        preview.query_one("#tabs").active = "blanked"
        await settle(pilot)
        assert table_rows(preview, "blanked")[0] == ["2", "C0000001", "Téléphone", "+1 206-555-0109"]
        assert text_of(preview, "#blanked-warning").startswith("⚠ 2 champs seront EFFACÉS")
        assert text_of(preview, "#detail") == (
            f"Ligne 2, C0000001{NB}: Téléphone sera effacé (valeur actuelle{NB}: +1 206-555-0109)"
        )
        assert_french(app)

        await pilot.press("c")  # commit: the confirmation, then the outcome
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert text_of(app.screen, "#title") == f"Valider cette importation{NB}?"
        await pilot.press("left", "enter")
        await settle(pilot)
        assert app.screen is preview
        assert text_of(preview, "#outcome").startswith(f"Importation validée dans le lot B1{NB}: 1 client créé")
        assert text_of(preview, "#save") == "Enregistrer les échecs"
        assert_fits(preview.query_one("#save"))
        await pilot.press("enter")  # the failed rows, saved beside the file
        await settle(pilot)
        toasts = " ".join(str(n.message) for n in app._notifications)
        assert "2 lignes en échec enregistrées dans" in toasts


@pytest.mark.slow
async def test_a_fields_changes_in_french(demo_db, folder, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "mixed.csv")
        await pilot.press("enter")  # the By field tab's first field: Customer name
        await settle(pilot)
        title = text_of(app.screen, "#title")
        assert title == "Nom de client · 1 dans un nouveau client · aperçu de mixed.csv, non validé"
        assert cell_len(title) <= SIZE[0] - 2
        grid = app.screen.query_one("#changes")
        assert [c.shown_label for c in grid.columns] == [
            "ID client", "Ligne", "Avant", "Après", "Action"
        ]  # fmt: skip
        assert grid.row_at(0)[-1] == "nouveau client"


# --- the column mapping ---------------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_the_column_mapping_step_in_french(db, tmp_path, monkeypatch, french):
    where = tmp_path / "imports"
    where.mkdir()
    header = ("Company", "Contact Email", "Phone Number", "Town", "Internal Rating")
    write_csv(where / "crm-export.csv", [["Acme Ltd", "ap@acme.test", "+1 555 0100", "Lyon", "A"]], header=header)
    monkeypatch.chdir(where)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "crm-export.csv")
        step = app.screen
        assert isinstance(step, ImportMapping)
        table = step.query_one("#columns")
        assert [str(c.label) for c in table.columns.values()] == ["Colonne du fichier", "Premières valeurs", "Alimente"]
        feeds = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert feeds["Town"] == "Ville" and feeds["Internal Rating"] == "non importée"
        assert text_of(step, "#detail").startswith("“Company” alimente Nom de client et Imprimer en tant que")
        assert text_of(step, "#unfed") == "Chaque champ dont un nouveau client a besoin est alimenté."
        for widget in step.query("#save-row > *"):  # the name, Publique, Enregistrer and Aperçu all in view
            assert widget.region.right <= SIZE[0], widget
        assert_fits(step.query_one("#preview"))
        assert_french(app)
        await pilot.press("enter")  # the field picker
        await settle(pilot)
        assert text_of(app.screen, "#title") == "Champ pour « Company »"
        lines = [str(o.prompt) for o in app.screen.query_one("#items")._options]
        assert lines[0] == "Non importée : écarter la colonne".replace(" :", f"{NB}:")
        assert any(line.startswith("Nom de client NAME · obligatoire") for line in lines)
        await pilot.press(*"ville")  # French labels are searched too
        await settle(pilot)
        first = app.screen.query_one("#items").get_option_at_index(0)
        assert str(first.prompt).startswith("Ville CITY")


# --- history ---------------------------------------------------------------------------------------------------------

FIRST = (
    "CUSTOMERID,NAME,PRINTAS,SEGMENT,EMAIL1,CITY,CREDITLIMIT\n"
    "C0000001,Seattle Medical Supply LLC,Seattle Medical Supply LLC,SMB,first@example.com,Seattle,123456.5\n"
    "C0000002,Ida Jensen,Ida Jensen,SMB,,,\n"
)


async def test_history_in_french_with_grouped_counts_and_regional_values(demo_db, tmp_path, monkeypatch, french):
    (tmp_path / "first.csv").write_text(FIRST, encoding="utf-8")
    assert main(["--db", str(demo_db), "--user", "alice", "import", str(tmp_path / "first.csv")]) == 0
    real = DuckHistory.batches

    def big(repo, *, user, limit=200):  # a batch of a big import: its counts with grouped digits
        return [
            replace(b, updated=12345, at=dt.datetime(2026, 11, 28, 9, 30)) for b in real(repo, user=user, limit=limit)
        ]

    monkeypatch.setattr(DuckHistory, "batches", big)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        result = Result()
        app.push_screen(HistoryScreen(app.session), result)
        await settle(pilot)
        history = app.screen
        assert text_of(history, "#status") == "Historique · 1 lot, le plus récent d'abord · utilisateur alice"
        table = history.query_one("#batches")
        labels = [str(c.label).strip() for c in table.columns.values()]
        assert labels[:9] == ["Lot", "Type", "Date", "Auteur", "Créés", "Modifiés", "Effacés", "Échecs", "Annulé"]
        # Up to Annulé, the columns are in view at 80 columns, beside the table's scroll bar (this year's dates
        # without their year, columns closer where needed: tests/tui/test_french_80_columns.py).
        right = sum(c.get_render_width(table) for c in list(table.columns.values())[:9])
        assert right <= SIZE[0] - 2
        row = [c.plain.strip() for c in table.get_row_at(0)]
        at = short_when(dt.datetime(2026, 11, 28, 9, 30), DateFormat.DMY_SLASH)  # 28/11 09:30 in 2026
        assert row[1:6] == ["import", at, "alice", "0", f"12{G}345"]
        await pilot.press("enter")
        await settle(pilot)
        title = text_of(history, "#changes-title")
        assert title.startswith("B1 · l'importation de first.csv par alice le ")
        assert title.endswith(" · 5 changements de champs sur 2 clients")
        grid = history.query_one("#changes")
        shown = [grid.row_at(i) for i in range(grid.total)]
        assert ("C0000001", "Limite de crédit", f"8{G}500,00", f"123{G}456,50", "modifié") in shown
        assert ("C0000002", "Ville", "Aarhus C", "(vide)", "effacé") in shown
        assert text_of(history, "#change") == f"C0000001 · Limite de crédit (modifié){NB}: 8{G}500,00 → 123{G}456,50"
        assert_french(app)
        await pilot.press("escape", "u")  # undo B1, after a confirmation in French
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert text_of(app.screen, "#title") == f"Annuler le lot B1{NB}?"
        assert str(app.screen.query_one("#confirm").label) == "Annuler le lot B1"
        await pilot.press("left", "enter")
        await settle(pilot)
        assert [c.plain.strip() for c in table.get_row_at(0)][1] == "annule B1"
        assert text_of(history, "#status").startswith("Historique · 2 lots, les plus récents d'abord")


# --- jobs ---------------------------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_jobs_and_a_jobs_result_in_french(demo_db, tmp_path, french):
    queue_both(demo_db, tmp_path)
    run_worker(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_jobs(pilot)
        jobs = app.screen
        status = text_of(jobs, "#status")
        assert status == "Tâches · 2 tâches (0 à traiter), récentes d'abord · actualisée toutes les 2 s"
        assert cell_len(status) <= SIZE[0] - 2
        table = jobs.query_one("#jobs")
        assert [str(c.label) for c in table.columns.values()][:8] == [
            "Tâche", "État", "Fichier", "Soumise", "Fin", "Créés", "Modifiés", "Échecs"
        ]  # fmt: skip
        assert [str(c) for c in table.get_row_at(1)][1] == "terminée"
        await pilot.press("down")
        assert "terminée" in text_of(jobs, "#detail") and "Entrée affiche le résultat." in text_of(jobs, "#detail")
        assert f"non envoyé{NB}:" in text_of(jobs, "#detail")
        assert_french(app)
        await pilot.press("enter")
        await settle(pilot)
        result = app.screen
        assert isinstance(result, JobResultScreen)
        assert text_of(result, "#counts") == "Lignes 2 │ Créés 0 │ Modifiés 1 │ Effacés 0 │ Inchangés 0 │ Échecs 1"
        assert [str(tab.label) for tab in result.query(Tab)] == ["Erreurs 1", "Alertes 0"]
        assert text_of(result, "#save-label") == f"Lignes en échec dans{NB}:"
        assert_french(app)


def test_the_english_screen_words_stay_english(demo_db, tmp_path):
    """The same sentences without the French fixture: English, as before (the suite's language)."""
    store = Store(demo_db)
    plan = plan_import(
        store, read_file(write_mixed(demo_db, tmp_path / "mixed.csv")), user=resolve_user(store, "alice")
    )
    assert commit_question(plan).startswith("Commit mixed.csv: 1 customer created, 2 customers updated and 2 fields")
    rows = PlanRows(plan, catalogue(store), plan.options.date_format, "bold").tab("updated")
    assert [str(c) for c in rows.rows[2]][3:] == ["9,750.00", "→", "12,000.00"]
