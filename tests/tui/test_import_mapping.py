"""The column-mapping step of an import as a user drives it at 80x24 (issue 14, "What it must show"): a file from
another product is read, and before it is planned every column is shown with its first values and the field it
will feed; one suggestion is changed from the picker (type to search), a column is skipped, the mapping is saved by
name, the preview opens and is committed; a second file with the same headers and other rows opens the step with
the saved mapping preselected, and finds the customer it already has by e-mail. Snapshots of the step and of its
field picker close the file.

The store is a plain `init` one (the demo store's required custom field SEGMENT is one no such file can fill), and
the files are look-alikes written here, not the real exports of ../shared/realworld/.
"""

from __future__ import annotations

import pytest
from import_helpers import customer, open_import, preview_path, write_csv
from tui_helpers import make_app, settle, widget_text

from services.mapping_columns import Origin
from services.mappings import list_mappings
from store.duck import DuckStore as Store
from store.users import resolve_user
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.customer_list import CustomerListScreen
from tui.screens.help import HelpScreen
from tui.screens.import_mapping import ImportMapping
from tui.screens.import_preview import ImportPreview
from tui.screens.import_screen import ImportScreen
from tui.screens.picker_dialog import PickerDialog

# A CRM's customer export: its own headings, no Customer IDs, a column custbook has no field for.
HEADER = ("Company", "Contact Email", "Phone Number", "Town", "Notes", "Internal Rating")
FIRST = [
    ["Acme Ltd", "ap@acme.test", "+1 555 0100", "Springfield", "Pays late", "A"],
    ["Beta GmbH", "team@beta.test", "+49 30 5550", "Berlin", "", "B"],
    ["Gamma SA", "info@gamma.test", "+41 22 555", "Genève", "Key account", "C"],
]
# The same export a month later: a new customer, and Acme again (found by its e-mail, not created twice).
SECOND = [
    ["Delta Inc", "hello@delta.test", "+1 555 0199", "Portland", "New", "A"],
    ["Acme Limited", "ap@acme.test", "+1 555 0101", "Shelbyville", "Moved", "A"],
]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The folder the user works in, holding both exports."""
    where = tmp_path / "imports"
    where.mkdir()
    write_csv(where / "crm-export.csv", FIRST, header=HEADER)
    write_csv(where / "crm-export-june.csv", SECOND, header=HEADER)
    monkeypatch.chdir(where)
    return where


def text_of(screen, selector: str) -> str:
    """The widget's text as shown, on one line."""
    return " ".join(widget_text(screen.query_one(selector)).split())


def feeds(step: ImportMapping) -> dict[str, tuple[str, ...]]:
    """Each column's fields, as the table shows them (its Feeds column)."""
    table = step.query_one("#columns")
    shown = {}
    for row in range(table.row_count):
        cells = [str(c) for c in table.get_row_at(row)]
        shown[cells[0]] = cells[2]
    return shown


async def confirm(pilot, expect: str) -> None:
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog)
    assert expect in text_of(dialog, "#message")
    await pilot.press("left", "enter")  # the focus starts on Cancel
    await settle(pilot)


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_map_change_skip_save_preview_commit_then_a_similar_file_gets_the_saved_mapping(db, folder):
    app = make_app(db)
    results: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, results)
        await preview_path(pilot, "crm-export.csv")

        step = app.screen
        assert isinstance(step, ImportMapping)
        assert text_of(step, "#using").startswith("No saved or built-in mapping fits this file")
        assert feeds(step) == {
            "Company": "Customer name + Print as",
            "Contact Email": "Email",
            "Phone Number": "Phone",
            "Town": "City",
            "Notes": "Comments",
            "Internal Rating": "not imported",
        }
        assert {c.origin for c in step.current.columns} == {Origin.SUGGESTED}
        assert text_of(step, "#unfed") == "Every field a new customer needs is fed."
        # No Customer ID column: IDs are generated and existing customers matched by e-mail, preticked.
        assert step.query_one("#generate").value is True
        assert step.query_one("#match").value == "EMAIL1"
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")

        # The phone numbers are mobiles: Enter on the column, type to search, Enter.
        await pilot.press("down", "down", "enter")
        picker = app.screen
        assert isinstance(picker, PickerDialog)
        await pilot.press(*"mobile")
        assert [i.value for i in picker.shown] == ["CELLPHONE"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is step
        assert feeds(step)["Phone Number"] == "Mobile phone"
        assert "“Phone Number” feeds Mobile phone (your choice)" in text_of(step, "#detail")

        # The notes stay in the CRM: s skips the column.
        await pilot.press("down", "down", "s")
        await settle(pilot)
        assert feeds(step)["Notes"] == "not imported"

        # Without a column for the name, new customers cannot be made: the screen says so, live.
        await pilot.press("up", "up", "up", "up", "s")
        await settle(pilot)
        assert text_of(step, "#unfed").startswith("Not fed yet: Customer name, Print as.")
        await pilot.press("enter", *"customer name", "enter")  # Company -> Customer name again
        await settle(pilot)
        await pilot.press("a", *"print", "enter")  # ... and Print as too
        await settle(pilot)
        assert feeds(step)["Company"] == "Customer name + Print as"
        assert text_of(step, "#unfed") == "Every field a new customer needs is fed."

        # Saved by name, private: Tab to the name box (after the two ID options), type, Enter.
        await pilot.press("tab", "tab", "tab")
        assert app.focused is step.query_one("#name")
        await pilot.press(*"crm-export", "enter")
        await settle(pilot)
        store = Store(db)
        saved = [e for e in list_mappings(store, user=resolve_user(store, "alice")) if not e.builtin]
        assert [(e.name, e.owner, e.public) for e in saved] == [("crm-export", "alice", False)]
        assert text_of(step, "#using").startswith("Using the crm-export mapping")

        await pilot.press("f5")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        assert "mapping crm-export" in text_of(preview, "#title")
        assert text_of(preview, "#counts").startswith("Rows 3 · New 3 · Updated 0")
        await pilot.press("c")
        await confirm(pilot, "3 customers created")
        batch = preview.done.batch if preview.done else None
        assert batch
        await pilot.press("enter")  # Done
        await settle(pilot)
        assert results == [batch] and isinstance(app.screen, CustomerListScreen)

        acme = customer(db, "C0000001")
        assert (acme["NAME"], acme["PRINTAS"], acme["EMAIL1"]) == ("Acme Ltd", "Acme Ltd", "ap@acme.test")
        assert (acme["CELLPHONE"], acme["PHONE1"], acme["CITY"], acme["COMMENTS"]) == (
            "+1 555 0100", None, "Springfield", None,
        )  # fmt: skip
        assert customer(db, "C0000003")["CITY"] == "Genève"

        # A month later, the same export with other rows: the saved mapping is preselected.
        results.clear()
        await open_import(pilot, results)
        await preview_path(pilot, "crm-export-june.csv")
        step = app.screen
        assert isinstance(step, ImportMapping)
        assert text_of(step, "#using").startswith("Using the crm-export mapping")
        assert feeds(step) == {
            "Company": "Customer name + Print as",
            "Contact Email": "Email",
            "Phone Number": "Mobile phone",
            "Town": "City",
            "Notes": "not imported",
            "Internal Rating": "not imported",
        }
        assert {c.origin for c in step.current.columns} == {Origin.MAPPING}
        await pilot.press("f5")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        assert text_of(preview, "#counts").startswith("Rows 2 · New 1 · Updated 1")
        await pilot.press("c")
        await confirm(pilot, "1 customer created, 1 customer updated")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)

    acme = customer(db, "C0000001")
    assert (acme["NAME"], acme["CITY"], acme["CELLPHONE"]) == ("Acme Limited", "Shelbyville", "+1 555 0101")
    assert customer(db, "C0000004")["NAME"] == "Delta Inc"
    assert customer(db, "C0000005") is None  # Acme was found by its e-mail, not created again


@pytest.mark.slow  # a longer interface journey: in the full run (README), not the everyday loop
async def test_the_preview_opens_only_when_the_mapping_can_work_and_escape_goes_back(db, folder):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "crm-export.csv")
        step = app.screen
        assert isinstance(step, ImportMapping)
        # Neither generated nor matched IDs, and no ID column: what is missing is said, and F5 stays here.
        step.query_one("#generate").value = False
        step.query_one("#match").value = "-"
        await settle(pilot)
        assert step.current.problem is not None
        assert text_of(step, "#problem").startswith("Cannot preview yet: No column holds Customer IDs.")
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen is step
        step.query_one("#generate").value = True
        await settle(pilot)
        assert not step.query_one("#problem").display

        # No column for the name and the print-as, and rows not matched to customers: every row would fail, so F5
        # is refused, and the line says what to do (no toast over the screen).
        await pilot.press("s")
        await settle(pilot)
        assert text_of(step, "#unfed") == "Not fed yet: Customer name, Print as. Every new customer needs them."
        assert text_of(step, "#problem") == (
            "Cannot preview yet: Choose a column for Customer name, Print as: Enter on a column, then the field."
        )
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen is step and step.query_one("#problem").has_class("flash")
        assert not app._notifications
        # The name again, but not the print-as: the fix offered is a on the column that feeds the name.
        await pilot.press("enter", *"customer name", "enter")
        await settle(pilot)
        assert text_of(step, "#problem") == (
            "Cannot preview yet: Choose a column for Print as: Enter on a column, then Print as; or a on “Company” "
            "to add it to the column that already feeds Customer name."
        )
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen is step
        # Matched by e-mail, the rows may all update customers the store has: the preview opens, with the warning.
        step.query_one("#match").value = "EMAIL1"
        await settle(pilot)
        assert not step.query_one("#problem").display
        assert text_of(step, "#unfed").startswith(
            "Not fed yet: Print as. Every new customer needs it: rows that match no customer by Email will fail."
        )
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ImportPreview)
        # Escape from the preview comes back to the columns as they were left; Escape from them, to the file.
        await pilot.press("escape")
        await settle(pilot)
        back = app.screen
        assert isinstance(back, ImportMapping) and back.current.columns[0].fields == ("NAME",)
        assert back.current.keys.generate is True and back.current.keys.match == "EMAIL1"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
    assert customer(db, "C0000001") is None


# csvlint's title_row.csv: a title with blank cells beside it, then the column names on row 2 (none custbook knows).
TITLED = '"This is a title row",,\r\n"Foo","Bsr","Baz"\r\n"Biff","Baff","Boff"\r\n"Qux","Teaspoon","Doge"\r\n'


@pytest.mark.slow  # a longer interface journey: in the full run (README), not the everyday loop
async def test_the_header_row_is_chosen_with_h_and_columns_without_a_heading_show_by_letter(db, folder):
    (folder / "titled.csv").write_text(TITLED, encoding="utf-8")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "titled.csv")
        step = app.screen
        assert isinstance(step, ImportMapping)
        # Row 1 read as the header: its blank cells' columns hold data, shown by their letters, to map or skip.
        assert list(feeds(step)) == ["This is a title row", "column B", "column C"]
        assert "UTF-8, comma-delimited, 3 rows" in text_of(step, "#title")
        assert "The column names are on row 1 · h: another row" in text_of(step, "#using")

        await pilot.press("h")
        picker = app.screen
        assert isinstance(picker, PickerDialog)
        assert [i.value for i in picker.shown] == ["1", "2", "3", "4"]
        assert picker.shown[1].line.plain == "Row 2  Foo · Bsr · Baz"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is step
        assert feeds(step) == {"Foo": "not imported", "Bsr": "not imported", "Baz": "not imported"}
        assert "UTF-8, comma-delimited, 2 rows" in text_of(step, "#title")  # the rows below the header
        assert "The column names are on row 2 (row 1 skipped) · h: another row" in text_of(step, "#using")

        await pilot.press("enter", *"customer name", "enter")
        await settle(pilot)
        await pilot.press("a", *"print as", "enter")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        assert "2 rows" in text_of(preview, "#title")
        assert "mapping columns chosen on screen" in text_of(preview, "#title")
        assert text_of(preview, "#counts").startswith("Rows 2 · New 2 · Updated 0")
        assert [r.row for r in preview.plan.creates] == [3, 4]


def write_invoice_ninja(path) -> None:
    """An Invoice Ninja export's shape: three title rows (the product and date, a blank line, CLIENTS) above the
    column names."""
    header = ("Name", "Balance", "Billing Street", "Billing City", "Contact First Name", "Contact Last Name",
              "Contact Email")  # fmt: skip
    blank = [""] * len(header)
    rows = [
        blank,
        ["CLIENTS", *blank[1:]],
        list(header),
        ["Acme Ltd", "$10.00", "1 Main St", "Springfield", "Ada", "Byron", "ap@acme.test"],
        ["Beta GmbH", "$0.00", "2 Hauptstr.", "Berlin", "Bo", "Berg", "team@beta.test"],
    ]
    write_csv(path, rows, header=("Invoice Ninja v4.5.17 - December 19, 2020 11:28 pm", *blank[1:]))


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_no_mapping_says_which_one_fits_and_the_preview_names_the_columns_chosen_on_screen(db, folder):
    write_invoice_ninja(folder / "clients.csv")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "clients.csv")
        step = app.screen
        assert isinstance(step, ImportMapping)
        assert text_of(step, "#using").startswith("Using the invoice-ninja mapping")
        assert "The column names are on row 4 (rows 1-3 skipped)" in text_of(step, "#using")
        assert "UTF-8, comma-delimited, 2 rows" in text_of(step, "#title")  # not the title rows

        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerDialog) and picker.shown[0].value == "-"
        await pilot.press("up", "enter")  # the top entry: No mapping
        await settle(pilot)
        assert step.current.preselected is None
        assert text_of(step, "#using").startswith(
            "No mapping is used: the fields shown are custbook's suggestions; the invoice-ninja mapping fits this "
            "file · m: another mapping"
        )
        await pilot.press("f5")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ImportPreview)
        # (Textual drops the last letter of a word that ends exactly at the edge: "columns" here, at 80 columns.)
        assert "2 rows · mapping column" in text_of(preview, "#title")
        assert preview.plan.mapping == "columns chosen on screen"
        assert text_of(preview, "#counts").startswith("Rows 2 · New 2")


@pytest.mark.slow  # a longer interface journey: in the full run (README), not the everyday loop
async def test_a_mapping_is_saved_shared_with_other_users_when_ticked(db, folder):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "crm-export.csv")
        step = app.screen
        assert isinstance(step, ImportMapping)
        # Tab past the two ID options to the name, then to "Shared with other users" beside it.
        await pilot.press("tab", "tab", "tab", *"crm for all", "tab")
        assert app.focused is step.query_one("#public")
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        store = Store(db)
        saved = [e for e in list_mappings(store, user=resolve_user(store, "alice")) if not e.builtin]
        assert [(e.name, e.owner, e.public) for e in saved] == [("crm for all", "alice", True)]
        assert text_of(step, "#using").startswith("Using the crm for all mapping")
        assert [n.message for n in app._notifications][-1].startswith(
            "Saved the mapping “crm for all”, shared with other users"
        )


def test_the_unchanged_tab_names_each_customer_and_how_a_row_without_an_id_found_it(db, folder):
    """The preview's Unchanged tab (tui/import_rows.py) for the same export imported again: matched by e-mail."""
    from core.plan import ImportOptions
    from core.values import DateFormat
    from formats.reader import read_file
    from services import imports
    from services.mapping_step import propose
    from store.fields import catalogue
    from tui.import_rows import PlanRows

    store = Store(db)
    alice = resolve_user(store, "alice")
    raw = read_file(folder / "crm-export.csv")
    proposal = propose(store, raw, user=alice)
    assert proposal is not None and proposal.keys.match == "EMAIL1"
    options = proposal.options(ImportOptions())
    imports.commit(store, imports.plan(store, proposal.table, user=alice, entity=None, options=options), user=alice)
    again = imports.plan(store, proposal.table, user=alice, entity=None, options=options)
    assert again.unchanged == 3 and len(again.matched) == 3
    tab = PlanRows(again, catalogue(store), DateFormat.DMY_SLASH, "bold yellow").tab("unchanged")
    assert tab.columns == ("Row", "Customer ID", "Name")
    assert [str(c) for c in tab.rows[0]] == ["2", "C0000001", "Acme Ltd"]
    assert tab.details[0] == "Row 2: C0000001, Acme Ltd (found by Email), already holds every value of the file"


# --- snapshots -----------------------------------------------------------------------------------------------


async def _step_of_crm_export(pilot) -> None:
    await open_import(pilot, [])
    await preview_path(pilot, "crm-export.csv")


def test_import_mapping_snapshot(snap_compare, db, folder):
    """At 80x24, the step for a CRM's export: the title (file, encoding, delimiter, 3 rows, level, user), that no
    mapping fits so the fields are custbook's suggestions (m for another), that the column names are on row 1 (h
    for another row), the six columns with their first values and the field each feeds (Company both the name and
    the print-as; Internal Rating not imported), the file's column with the most room and no How column at this
    width, the first column in full under the table with why it feeds what it feeds, every field a new customer
    needs fed, IDs generated and customers matched by e-mail (ticked, chosen), the name box with "Shared with
    other users" beside it, Save and Preview, and six keys in the footer (F5, h, m, ^s, esc, F1 Help) whole."""
    assert snap_compare(make_app(db), terminal_size=(80, 24), run_before=_step_of_crm_export)


def test_import_mapping_picker_snapshot(snap_compare, db, folder):
    """At 80x24, the field picker over the step, opened with Enter on "Phone Number" and "ph" typed: the fields
    whose names hold it (Phone, marked as this column's and highlighted; Secondary phone; Mobile phone), and the
    keys (Enter choose, Esc cancel, another column's field moves here)."""

    async def picking(pilot) -> None:
        await _step_of_crm_export(pilot)
        await pilot.press("down", "down", "enter", "p", "h")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=(80, 24), run_before=picking)


async def test_v_gives_every_new_customer_a_value_for_a_required_field_no_column_feeds(db, folder):
    """A store with a required list field (the demo's Segment) and another product's file, which has no such
    column: v chooses one value for every new customer, and the import goes through with it."""
    from cli.main import main

    assert main(["--db", str(db), "--user", "alice", "fields", "add", "SEGMENT", "--type", "enum",
                 "--values", "SMB,Enterprise", "--required"]) == 0  # fmt: skip
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, [])
        await preview_path(pilot, "crm-export.csv")
        step = app.screen
        assert isinstance(step, ImportMapping)
        assert "Not fed yet: Segment" in text_of(step, "#unfed") and "v:" in text_of(step, "#unfed")
        await pilot.press("v")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerDialog) and [i.value for i in picker.shown] == ["SMB", "Enterprise"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "Segment Enterprise for every new customer" in text_of(step, "#unfed")
        await pilot.press("f5")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ImportPreview) and text_of(preview, "#counts").startswith("Rows 3 · New 3")
        assert all(("SEGMENT", "Enterprise") in {(c.field, c.new) for c in r.changes} for r in preview.plan.creates)
