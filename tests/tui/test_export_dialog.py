"""The export dialog as a user drives it: the proposed file name, a view exported to Excel and CSV and read back,
cancelling a running export, replacing an existing file only when confirmed, the open store refused as the file, and
a user without the List permission. Snapshots of the dialog at 120x36 and 80x24."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import threading
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from acting import ADMIN
from export_helpers import Result, until
from tui_helpers import make_app, settle, widget_text

from core.users import Permission, UserType
from core.values import DateFormat
from core.viewdef import Filter, Op, SortKey, View
from formats.writer import get_writer
from services import export as export_service
from services.export import export_table
from services.views import save_view
from store.customers import count_customers
from store.duck import DuckStore as Store
from store.users import add_user, resolve_user
from store.views import builtin_view
from tui.screens import export_dialog
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.error_dialog import ErrorDialog
from tui.screens.export_dialog import ExportDialog, proposed_name, with_extension

DAY = dt.date(2026, 11, 28)
SIZES = [(120, 36), (80, 24)]


@pytest.fixture(autouse=True)
def fixed_day_and_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Exports land in the test's own folder; the proposed name carries a fixed date."""
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    monkeypatch.setattr(export_dialog, "today", lambda: DAY)
    return out


def expected_rows(db: Path, view: View, fmt: str, date_format: DateFormat = DateFormat.DMY_SLASH):
    store = Store(db)
    table = export_table(
        store, user=resolve_user(store, "alice"), writer=get_writer(fmt), view=view, date_format=date_format
    )
    return table.columns, list(table.rows)


def status(app) -> str:
    return widget_text(app.screen.query_one("#status")).replace("\n", " ")


async def open_dialog(pilot, view: View) -> Result:
    await settle(pilot)
    result = Result()
    pilot.app.push_screen(ExportDialog(pilot.app.session, view), result)
    await settle(pilot)
    return result


def test_proposed_names_are_safe_and_follow_the_format():
    assert proposed_name("All customers", ".xlsx", DAY) == "all-customers-2026-11-28.xlsx"
    assert proposed_name("Big accounts / FR: Île-de-France", ".csv", DAY) == (
        "big-accounts-fr-ile-de-france-2026-11-28.csv"
    )
    assert proposed_name("高橋 ../..", ".pdf", DAY) == "customers-2026-11-28.pdf"
    known = [".csv", ".xlsx", ".docx", ".pdf"]
    assert with_extension("report.xlsx", ".pdf", known) == "report.pdf"
    assert with_extension("report", ".csv", known) == "report.csv"
    assert with_extension("report.v2", ".csv", known) == "report.v2.csv"


async def test_export_all_customers_to_excel(demo_db, fixed_day_and_folder):
    app = make_app(demo_db)
    notes: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
        result = await open_dialog(pilot, builtin_view())
        assert app.screen.query_one("#name").value == "all-customers-2026-11-28.xlsx"
        await pilot.press("tab", "enter")  # to the file name; Enter exports
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
    target = fixed_day_and_folder / "all-customers-2026-11-28.xlsx"
    assert result.value == target and target.is_file()
    assert notes and str(target) in notes[0]
    columns, rows = expected_rows(demo_db, builtin_view(), "xlsx")
    sheet = openpyxl.load_workbook(target, read_only=True).active
    got = list(sheet.iter_rows(values_only=True))
    assert list(got[0]) == [c.label for c in columns]
    assert len(got) - 1 == len(rows) > 200
    name = [c.id for c in columns].index("NAME")
    assert [(r[0], r[name]) for r in got[1:]] == [(r[0], r[name]) for r in rows]
    assert not list(fixed_day_and_folder.glob(".*part"))


async def test_export_a_saved_view_to_csv_in_another_date_format(demo_db, fixed_day_and_folder):
    store = Store(demo_db)
    view = save_view(
        store,
        resolve_user(store, "alice"),
        View(
            "Paris & Lyon",
            columns=("CUSTOMERID", "NAME", "CITY", "CONTRACT_START", "CREDITLIMIT"),
            filters=(Filter("COUNTRY", Op.EQ, "france"),),
            sort=(SortKey("CREDITLIMIT", True),),
        ),
    ).view
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        result = await open_dialog(pilot, view)
        await pilot.press("up", "up")  # from Excel up to plain CSV
        name_box = app.screen.query_one("#name")
        assert name_box.value == "paris-lyon-2026-11-28.csv"
        app.screen.query_one("#date-format").value = DateFormat.ISO
        await pilot.press("tab", "enter")
        await settle(pilot)
    target = fixed_day_and_folder / "paris-lyon-2026-11-28.csv"
    assert result.value == target
    columns, rows = expected_rows(demo_db, view, "csv", DateFormat.ISO)
    with target.open(encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert got[0] == [c.label for c in columns] == ["Customer ID", "Customer name", "City", "Contract start",
                                                    "Credit limit"]  # fmt: skip
    assert [r[0] for r in got[1:]] == [r[0] for r in rows] and 0 < len(rows) < 100
    dates = {r[3] for r in got[1:] if r[3]}
    assert dates and all(len(d) == 10 and d[4] == "-" for d in dates)  # YYYY-MM-DD, as chosen


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_escape_while_exporting_cancels_and_leaves_no_file(demo_db, fixed_day_and_folder, monkeypatch):
    reached, gate, finished = threading.Event(), threading.Event(), threading.Event()
    real_table, real_write = export_service.export_table, export_service.write_file

    def slow_table(*args, **kwargs):
        table = real_table(*args, **kwargs)

        def rows():
            it = iter(table.rows)
            yield next(it)
            reached.set()
            gate.wait(10)  # the export is "long" until the test lets it go on
            yield from it

        return replace(table, rows=rows())

    def watched_write(*args, **kwargs):
        try:
            return real_write(*args, **kwargs)
        finally:
            finished.set()

    monkeypatch.setattr(export_service, "export_table", slow_table)
    monkeypatch.setattr(export_service, "write_file", watched_write)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        result = await open_dialog(pilot, builtin_view())
        await pilot.press("tab", "enter")
        assert await asyncio.to_thread(reached.wait, 10)
        assert app.screen.query_one("#progress").has_class("shown")
        assert app.screen.query_one("#name").disabled
        await pilot.press("escape")
        gate.set()
        assert await asyncio.to_thread(finished.wait, 10)
        await until(pilot, lambda: "cancelled" in status(app), "the cancellation shown")
        assert isinstance(app.screen, ExportDialog)  # still open: the user may change a choice and retry
        assert "no file was written" in status(app)
        assert not app.screen.query_one("#name").disabled
        await pilot.press("escape")
        await settle(pilot)
        assert result.value is None
    assert list(fixed_day_and_folder.iterdir()) == []  # neither the file nor a temporary one


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_an_existing_file_is_replaced_only_when_confirmed(demo_db, fixed_day_and_folder):
    target = fixed_day_and_folder / "all-customers-2026-11-28.xlsx"
    target.write_bytes(b"keep me")
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        result = await open_dialog(pilot, builtin_view())
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert str(target) in widget_text(app.screen.query_one("#message")).replace("\n", "")
        await pilot.press("enter")  # the focus starts on Cancel: Enter out of habit replaces nothing
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog) and target.read_bytes() == b"keep me"
        await pilot.press("enter")  # the focus is back on the file name
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("left", "enter")  # to "Replace"
        await settle(pilot)
        assert result.value == target
    assert len(list(openpyxl.load_workbook(target, read_only=True).active.iter_rows())) > 200


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_a_missing_folder_or_a_wrong_extension_is_explained(demo_db, fixed_day_and_folder):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_dialog(pilot, builtin_view())
        name_box = app.screen.query_one("#name")
        name_box.value = "report.pdf"
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert "ends in .pdf but the format is xlsx" in status(app)
        name_box.value = "no-such-folder/report.xlsx"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "does not exist" in widget_text(app.screen.query_one("#message")).replace("\n", " ")
        await pilot.press("escape")
        assert isinstance(app.screen, ExportDialog)
    assert list(fixed_day_and_folder.iterdir()) == []


async def test_the_open_store_is_refused_as_the_file_before_replacing_it_is_asked(demo_db, fixed_day_and_folder):
    """The rule of `custbook export -o` (services.outputs, through services.export): the store is no file to
    replace, and the dialog says so instead of asking whether to replace it."""
    before = count_customers(Store(demo_db))
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        result = await open_dialog(pilot, builtin_view())
        app.screen.query_one("#name").value = str(demo_db)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)  # no "Replace the file?" question, no export started
        said = " ".join(status(app).split())
        assert "is the store custbook is working on" in said and "Choose another file name" in said
        assert not app.screen.query_one("#progress").has_class("shown")
        await pilot.press("escape")
        assert result.value is None
    assert count_customers(Store(demo_db)) == before
    assert list(fixed_day_and_folder.iterdir()) == [] and not list(demo_db.parent.glob("*.part"))


async def test_without_the_list_permission_export_is_disabled_with_the_reason(demo_db, fixed_day_and_folder):
    add_user(Store(demo_db), "bob", UserType.EMPLOYEE, frozenset({Permission.ADD, Permission.EDIT}), by=ADMIN)
    app = make_app(demo_db, user="bob")
    async with app.run_test(size=(120, 36)) as pilot:
        result = await open_dialog(pilot, builtin_view())
        assert app.screen.query_one("#export").disabled
        assert "List permission is missing" in status(app)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("escape")
        assert result.value is None
    assert list(fixed_day_and_folder.iterdir()) == []


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_export_dialog_snapshot(snap_compare, demo_db, monkeypatch, size):
    """The dialog over the list: the title naming the view, the five formats with Excel chosen, the proposed name
    all-customers-2026-11-28.xlsx, the date format DD/MM/YYYY, the folder (/srv/exports), and Export / Cancel."""
    monkeypatch.setattr(export_dialog, "working_folder", lambda: Path("/srv/exports"))

    async def opened(pilot):
        await open_dialog(pilot, builtin_view())

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=opened)


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_each_csv_format_proposes_its_own_name(demo_db, fixed_day_and_folder):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_dialog(pilot, builtin_view())
        name = app.screen.query_one("#name")
        seen = [name.value]
        for key in ("up", "up", "down", "down", "down", "down", "down"):  # Excel, up to CSV, down to the last
            await pilot.press(key)
            seen.append(name.value)
        assert seen == [
            "all-customers-2026-11-28.xlsx",
            "all-customers-2026-11-28-for-import.csv",
            "all-customers-2026-11-28.csv",
            "all-customers-2026-11-28-for-import.csv",
            "all-customers-2026-11-28.xlsx",
            "all-customers-2026-11-28.docx",
            "all-customers-2026-11-28.pdf",
            "all-customers-2026-11-28-semicolon.csv",
        ]


async def test_a_stray_key_does_not_replace_the_name_and_a_name_without_extension_gets_it(
    demo_db, fixed_day_and_folder
):
    """Issue 18, item 6: Tab selected the whole name, so `q` then Enter wrote a file called `q`."""
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        result = await open_dialog(pilot, builtin_view())
        box = app.screen.query_one("#name")
        await pilot.press("tab", "q")  # to the file name, then a stray key
        assert box.value != "q" and box.value.startswith("all-customers-2026-11-28")
        box.value = "clients"  # a name typed on purpose, without the extension
        await pilot.press("enter")
        await settle(pilot)
    target = fixed_day_and_folder / "clients.xlsx"
    assert result.value == target and target.is_file() and not (fixed_day_and_folder / "clients").exists()


async def test_only_the_formats_own_extension_counts_and_other_endings_get_it_added(demo_db, fixed_day_and_folder):
    """Issue 18: `x`, Tab, `q`, Enter wrote an Excel file called `...xlsxq`, because ".xlsxq" counted as an
    extension. As in Excel's Save dialog, a name not ending in the format's own extension gets it added: the file
    opens in Excel, and the stray letter stays visible in its name (the notification names the file)."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        result = await open_dialog(pilot, builtin_view())
        box = app.screen.query_one("#name")
        await pilot.press("tab", "end", "q")  # a stray key after the extension
        assert box.value == "all-customers-2026-11-28.xlsxq"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
    target = fixed_day_and_folder / "all-customers-2026-11-28.xlsxq.xlsx"
    assert result.value == target and [p.name for p in fixed_day_and_folder.iterdir()] == [target.name]
    assert len(list(openpyxl.load_workbook(target, read_only=True).active.iter_rows())) > 200


async def test_a_name_with_a_dot_of_its_own_gets_the_extension(demo_db, fixed_day_and_folder):
    """`report.v2` is a name, not a file type: exported as CSV it is `report.v2.csv`."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        result = await open_dialog(pilot, builtin_view())
        await pilot.press("up", "up")  # plain CSV
        app.screen.query_one("#name").value = "report.v2"
        await pilot.press("tab", "enter")
        await settle(pilot)
    assert result.value == fixed_day_and_folder / "report.v2.csv"
    assert [p.name for p in fixed_day_and_folder.iterdir()] == ["report.v2.csv"]


async def test_a_new_format_puts_the_cursor_before_the_extension_of_the_new_name(demo_db, fixed_day_and_folder):
    """Issue 18: after Down x3 (semicolon CSV) the cursor stayed where the shorter Excel name ended, so Tab, Ctrl+U,
    `sorted`, Enter wrote `sortedicolon.csv`. The cursor now goes before the extension of the name proposed: Ctrl+U
    clears the name and keeps the extension the format needs."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        result = await open_dialog(pilot, builtin_view())
        box = app.screen.query_one("#name")
        await pilot.press("down", "down", "down", "tab")
        assert box.value == "all-customers-2026-11-28-semicolon.csv"
        assert box.cursor_position == len(box.value) - len(".csv")
        await pilot.press("ctrl+u", *"sorted")
        assert box.value == "sorted.csv"
        await pilot.press("enter")
        await settle(pilot)
    assert result.value == fixed_day_and_folder / "sorted.csv"
    assert [p.name for p in fixed_day_and_folder.iterdir()] == ["sorted.csv"]


async def test_on_opening_what_is_typed_in_the_name_goes_before_the_extension(demo_db, fixed_day_and_folder):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(pilot, builtin_view())
        box = app.screen.query_one("#name")
        await pilot.press("tab", *"-final")
        assert box.value == "all-customers-2026-11-28-final.xlsx"
        await pilot.press("shift+tab", "up", "tab", *"-v2")  # CSV for import, then more typed
        assert box.value == "all-customers-2026-11-28-final-for-import-v2.csv"


async def test_a_name_cleared_up_to_the_extension_asks_for_a_name(demo_db, fixed_day_and_folder):
    """Ctrl+U with the cursor before the extension leaves `.csv`: no hidden `.csv.csv` is written."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(pilot, builtin_view())
        await pilot.press("up", "up", "tab", "ctrl+u")
        assert app.screen.query_one("#name").value == ".csv"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog) and "Type a file name" in status(app)
    assert list(fixed_day_and_folder.iterdir()) == []


async def test_an_export_larger_than_an_import_reads_names_the_interfaces_most_rows(
    demo_db, fixed_day_and_folder, monkeypatch
):
    """Issue 18: the note that the file holds more customers than an import reads at once gave the command line's
    --max-rows only: it names the import screen's own option too, with the number to give it."""
    monkeypatch.setenv("CUSTBOOK_MAX_ROWS", "100")
    app = make_app(demo_db)
    notes: list[tuple[str, str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify = lambda message, **kw: notes.append((message, kw.get("title", "")))  # type: ignore[method-assign]
        await open_dialog(pilot, builtin_view())
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
    ((message, title),) = notes
    rows = len(list(openpyxl.load_workbook(fixed_day_and_folder / "all-customers-2026-11-28.xlsx").active.rows)) - 1
    assert title == "Exported, but" and f"--max-rows {rows}" in message
    assert f"in the interface: Most rows at {rows:,}" in message, message
