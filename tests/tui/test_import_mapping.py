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

from services.mapping_step import Origin
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
        # Escape from the preview comes back to the columns as they were left; Escape from them, to the file.
        await pilot.press("s", "f5")
        await settle(pilot)
        assert isinstance(app.screen, ImportPreview)
        await pilot.press("escape")
        await settle(pilot)
        back = app.screen
        assert isinstance(back, ImportMapping) and back.current.columns[0].fields == ()
        assert back.current.keys.generate is True
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
    assert customer(db, "C0000001") is None


# --- snapshots -----------------------------------------------------------------------------------------------


async def _step_of_crm_export(pilot) -> None:
    await open_import(pilot, [])
    await preview_path(pilot, "crm-export.csv")


def test_import_mapping_snapshot(snap_compare, db, folder):
    """At 80x24, the step for a CRM's export: the title (file, encoding, delimiter, 3 rows, level, user), that no
    mapping fits so the fields are custbook's suggestions (m for another), the six columns with their first values,
    the field each feeds (Company both the name and the print-as) and how (suggested; "unknown" for Internal
    Rating, not imported), the first column in full under the table, every field a new customer needs fed, IDs
    generated and customers matched by e-mail (ticked, chosen), the name box, Save, Preview and Back, and the
    keys."""
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
