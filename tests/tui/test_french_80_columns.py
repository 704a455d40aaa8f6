"""A French reviewer's pass at 80x24 (LANG=fr_FR.UTF-8): what was cut, in English or contradictory, now whole and in
French. The command palette offers custbook's own help, not Textual's English Keys panel, and one Quit; the import
preview's errors and warnings are read whole in the table (the message wraps); the form's messages are whole under
their field, its amount example written as the region writes it, its required marker one rule in both forms, and
its discard question answered with "Continuer la saisie" rather than a second "Annuler"; the history's columns fit
80 columns (and are laid out again at another size); the jobs' title, the view builder's hints and field list, the
mapping step's title and "Rapprocher par", and every value of a customer's page are whole.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from acting import ADMIN
from builder_helpers import counted, highlight
from form_helpers import open_form, type_into
from import_helpers import open_import, preview_path, write_csv
from jobs_helpers import open_jobs
from rich.cells import cell_len
from textual.widgets import Button, DataTable, Input, Select, SelectionList, Static
from tui_helpers import make_app, settle, widget_text

from core.i18n import set_language
from core.regional import NARROW_NBSP
from store.duck import DuckStore as Store
from store.fields import catalogue
from store.query import get_customer
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.customer_detail import CustomerDetailScreen
from tui.screens.history import HistoryScreen
from tui.screens.import_mapping import ImportMapping
from tui.screens.import_preview import ImportPreview
from tui.screens.view_builder import ViewBuilder

# Longer journeys at 80 columns: the full run has them; the everyday loop keeps the French snapshots and Pilot tests.
pytestmark = pytest.mark.slow

SIZE = (80, 24)
NB = "\u00a0"  # French puts a no-break space before : ; ? !
G = NARROW_NBSP  # and a narrow one between thousands


@pytest.fixture
def french(monkeypatch):
    """A French user in France, as the reviewer ran it (LANG only; CUSTBOOK_LANG unset); English again after."""
    for name in ("LC_ALL", "LC_MESSAGES", "LC_NUMERIC", "LC_TIME", "CUSTBOOK_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    set_language("fr")
    yield
    set_language("en")


def one_line(text: str) -> str:
    """Text as read: its line breaks and runs of spaces as one space (no-break spaces kept)."""
    return " ".join(re.split(r"[ \n]+", text)).strip()


def column_text(table: DataTable, column: int) -> list[str]:
    """What a DataTable shows in one column, row by row, each row's wrapped lines read as one line."""
    text = widget_text(table).splitlines()
    padding = table.cell_padding
    left = sum(c.get_render_width(table) for c in table.ordered_columns[:column]) + padding
    width = table.ordered_columns[column].get_render_width(table) - 2 * padding
    rows, y = [], table.header_height
    for key in table.rows:
        height = table.rows[key].height
        rows.append(one_line(" ".join(line[left : left + width] for line in text[y : y + height])))
        y += height
    return rows


def inside(widget, container) -> bool:
    """Whether the widget is wholly in view inside its scrolling container."""
    return container.region.contains_region(widget.region)


# --- 1. the command palette --------------------------------------------------------------------------------------


async def test_the_palette_has_no_english_keys_panel_and_one_quit(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Touches" not in titles and "Keys" not in titles, titles  # F1 and ? are the help, in French
        assert "Aide (?)" in titles
        assert [t for t in titles if t.startswith("Quitter")] == ["Quitter (q)"], titles  # not twice
        # A screen without q of its own keeps Textual's Quit: the palette can still leave custbook from there.
        form, _results = await open_form(pilot, "C0000003")
        titles = [c.title for c in app.get_system_commands(form)]
        assert "Quitter" in titles and "Touches" not in titles, titles


async def test_the_palette_in_english_has_no_keys_panel_either(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Keys" not in titles and [t for t in titles if t.startswith("Quit")] == ["Quit (q)"], titles


# --- 2. the import preview's errors and warnings -----------------------------------------------------------------

BAD = [
    ["C0000001", "Seattle Medical Supply LLC", "12,3,4", "01/02/2024"],
    ["C0000002", "Ida Jensen", "100", "31/02/2024"],
    ["C0000003", "Johnson Family Farms", "lots", "231/02/2"],
    ["C0000004", "Imprimerie Lefèvre & Cie"],  # short: a warning
]


@pytest.fixture
def bad_file(tmp_path, monkeypatch):
    where = tmp_path / "imports"
    where.mkdir()
    write_csv(where / "bad.csv", BAD, header=("CUSTOMERID", "NAME", "CREDITLIMIT", "CONTRACT_START"))
    monkeypatch.chdir(where)
    return where / "bad.csv"


async def test_the_errors_and_warnings_are_read_whole_in_the_table_at_80_columns(demo_db, bad_file, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, bad_file.name)
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        for pane in ("errors", "warnings"):
            preview.query_one("#tabs").active = pane
            await settle(pilot)
            table = preview.query_one(f"#{pane}-table", DataTable)
            messages = [one_line(str(m)) for m in (i.message for i in getattr(preview.plan, pane))]
            assert messages and len(table.rows) == len(messages)
            shown = column_text(table, len(table.columns) - 1)
            assert shown == messages  # every sentence whole, in order
            assert table.virtual_size.width <= table.size.width  # and nothing to scroll sideways to
            if pane == "errors":
                assert shown[0].startswith(f"«{NB}12,3,4{NB}» n'est pas un nombre.")
                assert shown[1].endswith("Vérifiez le jour et le mois.")


async def test_the_messages_wrap_again_when_the_terminal_is_resized(demo_db, bad_file, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, bad_file.name)
        preview = app.screen
        preview.query_one("#tabs").active = "errors"
        await settle(pilot)
        table = preview.query_one("#errors-table", DataTable)
        narrow = [table.rows[k].height for k in table.rows]
        await pilot.resize_terminal(160, 36)
        await settle(pilot)
        await pilot.pause()
        assert [table.rows[k].height for k in table.rows] == [1] * len(narrow) and max(narrow) > 1
        messages = [one_line(i.message) for i in preview.plan.errors]
        assert column_text(table, 3) == messages


# --- 3, 6, 7 and 8. the customer form ----------------------------------------------------------------------------


DATE_SAID = f"«{NB}231/02/2{NB}» n'est pas une date au format JJ/MM/AAAA. Écrivez-la au format JJ/MM/AAAA."


async def test_a_message_under_the_last_field_on_screen_is_scrolled_into_view_whole(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        form, _results = await open_form(pilot, "C0000003")
        await type_into(pilot, "CONTRACT_START", "231/02/2")
        fields, row = form.query_one("#fields"), form.query_one("#row-CONTRACT_START")
        # The date's box on the last line above the buttons, as Tab leaves it when it reaches it.
        fields.scroll_to(y=row.virtual_region.y - fields.scrollable_content_region.height + 1, animate=False)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause()
        error = form.query_one("#error-CONTRACT_START", Static)
        assert one_line(widget_text(error)) == DATE_SAID
        assert error.size.height == 3 and inside(error, fields), (error.region, fields.region)  # its 3 lines shown


async def test_a_message_under_a_field_reached_with_tab_is_in_view_whole(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        form, _results = await open_form(pilot, "C0000003")
        await type_into(pilot, "CONTRACT_START", "231/02/2")
        await type_into(pilot, "CREDITLIMIT", "12,3,4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        fields = form.query_one("#fields")
        error = form.query_one("#error-CREDITLIMIT", Static)
        assert inside(error, fields), (error.region, fields.region)  # the first wrong field, scrolled to
        while not form.query_one("#input-CONTRACT_START").has_focus:  # Tab down to the date, as a user does
            await pilot.press("tab")
        await settle(pilot)
        await pilot.pause()
        error = form.query_one("#error-CONTRACT_START", Static)
        assert one_line(widget_text(error)) == DATE_SAID
        assert error.size.height == 3 and inside(error, fields), (error.region, fields.region)


async def test_the_forms_amount_example_is_written_as_the_region_writes_it(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        form, _results = await open_form(pilot, "C0000003")
        assert form.query_one("#input-CREDITLIMIT", Input).placeholder == f"par ex. 1{G}234,50"
        await type_into(pilot, "CREDITLIMIT", "12,3,4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = one_line(widget_text(form.query_one("#error-CREDITLIMIT")))
        assert said == f"«{NB}12,3,4{NB}» n'est pas un nombre. Écrivez-le comme 1{G}234,50.", said


async def test_the_english_forms_amount_example_stays_1234_50(demo_db, monkeypatch):
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        form, _results = await open_form(pilot, "C0000003")
        await type_into(pilot, "CREDITLIMIT", "1234.50.7")
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = one_line(widget_text(form.query_one("#error-CREDITLIMIT")))
        assert said == "'1234.50.7' is not a number. Write it like 1234.50.", said


@pytest.mark.parametrize("customer", ["C0000003", None], ids=["edit", "new"])
async def test_both_forms_mark_the_same_fields_required_with_one_word(demo_db, french, customer):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        form, _results = await open_form(pilot, customer)
        assert widget_text(form.query_one("#legend")).strip() == "* obligatoire"
        marked = {f.id for f in form.fields if widget_text(form.query_one(f"#row-{f.id} .label")).endswith(" *")}
        assert marked == {f.id for f in form.fields if f.required}  # fields.md's required fields, in both
        assert marked >= {"CUSTOMERID", "NAME", "PRINTAS", "SEGMENT"} and "STATUS" not in marked
        status = form.query_one("#input-STATUS", Select)
        assert status.value == "active" and not status._allow_blank  # never empty: nothing to fill


async def test_discarding_the_forms_changes_is_not_answered_with_a_second_annuler(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        form, results = await open_form(pilot, "C0000003")
        await type_into(pilot, "CITY", "Lyon")
        await pilot.press("escape")  # the footer's "esc Annuler"
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert one_line(widget_text(dialog.query_one("#title"))) == f"Abandonner vos modifications{NB}?"
        buttons = [str(b.label) for b in dialog.query(Button)]
        assert buttons == ["Abandonner", "Continuer la saisie"], buttons
        assert all(b.region.right <= SIZE[0] and cell_len(str(b.label)) < b.size.width for b in dialog.query(Button))
        await pilot.press("enter")  # the focus starts on the safe answer: back to the form, the change kept
        await settle(pilot)
        assert app.screen is form and form.query_one("#input-CITY", Input).value == "Lyon" and results == []


async def test_discarding_a_views_changes_is_not_answered_with_a_second_annuler(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ViewBuilder(app.session, None))
        await counted(pilot)
        await pilot.press(*"Ma vue")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert [str(b.label) for b in app.screen.query(Button)] == ["Abandonner", "Continuer la saisie"]


# --- 4. the history ----------------------------------------------------------------------------------------------


def history_text(history) -> list[str]:
    return widget_text(history.query_one("#batches", DataTable)).splitlines()


async def edit_then_undo(pilot, app) -> HistoryScreen:
    """An edit of C0000003 (batch B1), then its undo (B2), from the history as a user does it."""
    await open_form(pilot, "C0000003")
    await type_into(pilot, "CITY", "Lyon")
    await pilot.press("ctrl+s")
    await settle(pilot)
    history = HistoryScreen(app.session)
    app.push_screen(history)
    await settle(pilot)
    await pilot.press("u")
    await settle(pilot)
    await pilot.press("left", "enter")  # the focus starts on "Keep B1"
    await settle(pilot)
    return history


HEADINGS = ["Lot", "Type", "Date", "Auteur", "Créés", "Modifiés", "Effacés", "Échecs", "Annulé"]


async def test_the_history_fits_80_columns_in_french_after_an_undo(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        history = await edit_then_undo(pilot, app)
        lines = history_text(history)
        assert lines[0].split()[:9] == HEADINGS, lines[0]  # every heading whole, Annulé included
        today = dt.date.today().strftime("%d/%m")
        b2, b1 = lines[1].split(), lines[2].split()
        assert b2[:3] == ["B2", "annule", "B1"] and b1[:2] == ["B1", "saisie"], lines
        assert b1[2] == today and re.fullmatch(r"\d\d:\d\d", b1[3]), b1  # this year's date: no year
        assert b1[9] == "B2", b1  # B1 undone by B2: the Annulé column in view
        table = history.query_one("#batches", DataTable)
        assert sum(c.get_render_width(table) for c in table.ordered_columns[:9]) <= SIZE[0] - 2  # beside the bar
        # The file's column runs past the edge: the line under the table names the highlighted batch's file.
        assert one_line(widget_text(history.query_one("#file-line"))) == f"Fichier{NB}: modification de C0000003"
        await pilot.press("down")
        await settle(pilot)
        assert one_line(widget_text(history.query_one("#file-line"))) == f"Fichier{NB}: modification de C0000003"


async def test_the_history_is_laid_out_again_when_the_terminal_is_resized(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        history = await edit_then_undo(pilot, app)
        await pilot.press("down")  # on B1
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        await pilot.pause()
        lines = history_text(history)
        assert lines[0].split() == [*HEADINGS, "Fichier"], lines[0]
        year = str(dt.date.today().year)
        assert year in lines[2] and "modification de C0000003" in lines[2], lines  # the whole date, the whole file
        assert not history.query_one("#file-line").has_class("shown")
        assert history.query_one("#batches", DataTable).cursor_row == 1  # still on B1
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        await pilot.pause()
        assert history_text(history)[0].split()[:9] == HEADINGS


# --- 5. the jobs, the view builder, the mapping step, a customer's page ------------------------------------------


async def test_the_jobs_title_is_whole_at_80_columns(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_jobs(pilot)
        title = one_line(widget_text(app.screen.query_one("#status")))
        assert title == f"Tâches · aucune tâche pour l'instant{NB}: une importation traitée hors ligne apparaît ici"


async def test_the_view_builders_hints_and_fields_are_whole_at_80_columns(demo_db, french):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ViewBuilder(app.session, None))
        await counted(pilot)
        builder = app.screen
        # Every field of the list whole: a long one on two lines, its tick box on the first.
        fields = builder.query_one(SelectionList)
        longest = max(range(fields.option_count), key=lambda i: cell_len(str(fields.get_option_at_index(i).prompt)))
        fields.focus()
        await settle(pilot)
        await highlight(pilot, fields, longest)  # with the arrow keys, as a user scrolls to it
        await settle(pilot)
        prompt = one_line(str(fields.get_option_at_index(longest).prompt))
        first, height = fields._index_to_line[longest], fields._heights[longest]
        top = int(fields.scroll_y)
        assert height == 2 and top <= first and first + height <= top + fields.scrollable_content_region.height
        lines = ["".join(s.text for s in fields.render_line(y)) for y in range(first - top, first - top + height)]
        assert lines[0].startswith("▐ ▌ ") and lines[1].startswith("    "), lines  # the box on its first line
        assert one_line(" ".join(line[4:] for line in lines)) == prompt and "…" not in "".join(lines), lines
        # The filter's value box has room for its hint (a date's pattern).
        await pilot.press("f3")
        builder.query_one("#filter-field", Select).value = "CONTRACT_START"
        await settle(pilot)
        box = builder.query_one("#filter-value", Input)
        assert box.placeholder == f"une date{NB}: JJ/MM/AAAA" and box.size.width > cell_len(box.placeholder)
        assert box.region.right <= SIZE[0]
        # The keys under the filters and the sort keys, whole on two lines.
        hint = one_line(widget_text(builder.query_one("#filters .hint")))
        assert hint == f"Tous les filtres doivent correspondre · Entrée{NB}: modifier un filtre · Suppr{NB}: le retirer"
        await pilot.press("f4")
        await settle(pilot)
        hint = one_line(widget_text(builder.query_one("#sort .hint")))
        assert hint == f"Clé principale en premier · Entrée{NB}: inverser le sens · [ ] déplacer · Suppr{NB}: retirer"


async def test_the_mapping_steps_title_and_match_by_are_whole_at_80_columns(db, tmp_path, monkeypatch, french):
    where = tmp_path / "imports"
    where.mkdir()
    header = ("Company", "Contact Email", "Phone Number", "Town", "Notes", "Internal Rating")
    write_csv(where / "crm-export.csv", [["Acme Ltd", "ap@acme.test", "+1 555 0100", "Springfield", "", "A"]],
              header=header)  # fmt: skip
    monkeypatch.chdir(where)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "crm-export.csv")
        step = app.screen
        assert isinstance(step, ImportMapping)
        title = one_line(widget_text(step.query_one("#title")))
        assert "…" not in title and title.endswith("niveau supérieur · utilisateur alice"), title
        match = step.query_one("#match", Select)
        longest = max(cell_len(text) for text, _value in step._match_options)
        assert "(aucun rapprochement)" in [text for text, _value in step._match_options]
        assert match.size.width >= longest + 3 and match.region.right <= SIZE[0], (match.region, longest)


async def test_a_customers_page_shows_every_value_whole_at_80_columns(demo_db, french):
    store = Store(demo_db)
    record = get_customer(store, catalogue(store), "C0000004", None, user=ADMIN)
    assert record is not None
    long_values = [str(record[f]) for f in ("EMAIL1", "URL1") if record.get(f)]
    assert long_values and max(len(v) for v in long_values) > 23  # longer than the value column at 80
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CustomerDetailScreen(app.session, "C0000004"))
        await settle(pilot)
        lines = widget_text(app.screen.query_one("#fields")).splitlines()
        for value in long_values:
            first = next(i for i, line in enumerate(lines) if value[:12] in line)
            x = lines[first].index(value[:12])
            shown = lines[first][x:].split("  ")[0]
            for line in lines[first + 1 :]:
                if line[:x].strip():
                    break  # the next field
                shown += line[x:].split("  ")[0]
            assert shown == value, (shown, value)
        assert "…" not in "\n".join(lines)
