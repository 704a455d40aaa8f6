"""The history screen as a user drives it, after two imports made from the command line: the batches newest first,
one batch's field changes, undo after confirmation (restores the customers, recorded as an undo batch), an undo
refused because a later import changed the same field, and a user without the Edit permission. Snapshots at
120x36 and 80x24."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from acting import ADMIN
from export_helpers import Result
from tui_helpers import make_app, settle, widget_text

from cli.main import main
from core.users import Permission, UserType
from core.values import DateFormat
from store import history as history_store
from store.duck import DuckHistory
from store.duck import DuckStore as Store
from store.fields import catalogue as load_catalogue
from store.query import get_customer
from store.users import add_user
from tui import dates, history_rows
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.customer_detail import CustomerDetailScreen
from tui.screens.error_dialog import ErrorDialog
from tui.screens.history import HistoryScreen
from tui.widgets.grid import CustomerGrid

FIRST = (
    "CUSTOMERID,NAME,PRINTAS,SEGMENT,EMAIL1,CITY\n"
    "C0000001,Seattle Medical Supply LLC,Seattle Medical Supply LLC,SMB,first@example.com,Seattle\n"
    "C0000002,Ida Jensen,Ida Jensen,SMB,,\n"  # erases Ida's e-mail and city
    "ZZNEW1,Nouveau Client,Nouveau Client,SMB,new@example.com,Lyon\n"
)
SECOND = "CUSTOMERID,EMAIL1,PHONE1\nC0000001,second@example.com,\nC0000003,,+33 1 23 45 67 89\n"
SIZES = [(120, 36), (80, 24)]


def customer(db: Path, cid: str) -> dict | None:
    store = Store(db)
    return get_customer(store, load_catalogue(store), cid, user=ADMIN)


@pytest.fixture
def imported(demo_db: Path, tmp_path: Path) -> dict[str, dict | None]:
    """The demo store after two imports (B1: first.csv, B2: second.csv); returns the customers as they were."""
    before = {cid: customer(demo_db, cid) for cid in ("C0000001", "C0000002", "C0000003")}
    for name, text in (("first.csv", FIRST), ("second.csv", SECOND)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert main(["--db", str(demo_db), "--user", "alice", "import", str(tmp_path / name)]) == 0
    return before


def table_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#batches")
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def reason(app) -> str:
    line = app.screen.query_one("#reason")
    return widget_text(line).replace("\n", " ") if line.has_class("shown") else ""


async def open_history(pilot) -> Result:
    await settle(pilot)
    result = Result()
    pilot.app.push_screen(HistoryScreen(pilot.app.session), result)
    await settle(pilot)
    return result


async def test_lists_both_batches_newest_first(demo_db, imported):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_history(pilot)
        rows = table_rows(app)
        assert [r[0] for r in rows] == ["B2", "B1"]
        assert rows[0][1:2] + rows[0][3:] == ["import", "alice", "0", "2", "2", "0", "", "second.csv"]
        assert rows[1][3:] == ["alice", "1", "2", "2", "0", "", "first.csv"]
        assert "2 batches, newest first" in widget_text(app.screen.query_one("#status"))
        assert reason(app) == ""


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_enter_drills_into_the_field_changes(demo_db, imported):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        result = await open_history(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        title = widget_text(app.screen.query_one("#changes-title"))
        assert "B1" in title and "first.csv" in title and "14 field changes on 3 customers" in title
        grid = app.screen.query_one("#changes", CustomerGrid)
        assert grid.has_focus and grid.total == 14
        shown = [grid.row_at(i) for i in range(grid.total)]
        assert ("C0000001", "Email", "(empty)", "first@example.com", "changed") in shown
        assert ("C0000002", "City", "Aarhus C", "(empty)", "erased") in shown
        assert ("ZZNEW1", "Taxable", "(empty)", "Yes", "created") in shown  # checkboxes read Yes/No
        await pilot.press("down")
        line = widget_text(app.screen.query_one("#change"))
        assert line.strip() == "C0000002 · Email (erased): ida.jensen53@mail-dk.example  →  (empty)"
        await pilot.press("enter")  # the customer of that change
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen) and app.screen.customer_id == "C0000002"
        await pilot.press("escape")
        await pilot.press("escape")  # from the changes back to the batches
        assert app.screen.query_one("#batches").has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert result.value is False


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_undo_after_confirmation_restores_and_is_recorded(demo_db, imported):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        result = await open_history(pilot)
        await pilot.press("u")  # B2, the newest
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = widget_text(app.screen.query_one("#message")).replace("\n", " ")
        assert "Undo B2" in question and "second.csv" in question and "2 updated customers" in question
        await pilot.press("enter")  # Cancel has the focus: nothing happens, and the screen says so
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.pause(0.1)
        toasts = " ".join(str(n.message) for n in app._notifications)  # what Toasts show
        assert "B2 was not undone: nothing was changed." in toasts
        assert customer(demo_db, "C0000001")["EMAIL1"] == "second@example.com"
        await pilot.press("u", "left", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        rows = table_rows(app)
        assert [r[0] for r in rows] == ["B3", "B2", "B1"]
        assert rows[0][1] == "undo of B2" and rows[1][-2] == "B3"
        assert app.screen.highlighted.id == "B2"  # the cursor stays on the batch undone (issue 18)
        assert "already undone by B3" in reason(app)  # it cannot be undone twice
        await pilot.press("escape")
        await settle(pilot)
        assert result.value is True
    now = customer(demo_db, "C0000001")
    assert now["EMAIL1"] == "first@example.com" and now["PHONE1"] == imported["C0000001"]["PHONE1"]
    assert customer(demo_db, "C0000003")["PHONE1"] == imported["C0000003"]["PHONE1"]
    newest = history_store.list_batches(Store(demo_db), user=ADMIN)[0]
    assert (newest.id, newest.kind, newest.undoes, newest.user) == ("B3", "undo", "B2", "alice")


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_an_undo_can_itself_be_undone_which_brings_the_batch_back(demo_db, imported):
    assert main(["--db", str(demo_db), "--user", "alice", "undo", "B1"]) == 1  # B2 changed C0000001 since
    assert main(["--db", str(demo_db), "--user", "alice", "undo", "B2"]) == 0  # B3
    assert main(["--db", str(demo_db), "--user", "alice", "undo", "B1"]) == 0  # B4 removes ZZNEW1
    assert customer(demo_db, "ZZNEW1") is None
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        result = await open_history(pilot)
        await pilot.press("u")  # B4, the undo of B1
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = widget_text(app.screen.query_one("#message")).replace("\n", " ")
        assert "puts back the changes of B1 that it undid" in question
        assert "brings back the 1 customer it removed" in question
        await pilot.press("left", "enter")
        await settle(pilot)
        rows = table_rows(app)
        assert [r[0] for r in rows] == ["B5", "B4", "B3", "B2", "B1"]
        assert rows[0][1] == "undo of B4" and rows[0][4] == "1 back"  # ZZNEW1 brought back
        assert rows[1][1] == "undo of B1" and rows[1][4] == "1 removed"  # B4 had removed it
        await pilot.press("down", "down", "down", "down")  # B1: undone by B4, which B5 undid
        assert "Batch B1's changes are in place again: B5 put them back. To take them out, undo B5." in reason(app)
        await pilot.press("escape")
        await settle(pilot)
        assert result.value is True
    back = customer(demo_db, "ZZNEW1")
    assert back is not None and back["NAME"] == "Nouveau Client" and back["EMAIL1"] == "new@example.com"
    assert customer(demo_db, "C0000002")["EMAIL1"] is None  # B1's erasure is in place again


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_a_refused_undo_is_explained_and_changes_nothing(demo_db, imported):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        result = await open_history(pilot)
        await pilot.press("down", "u", "left", "enter")  # B1: its e-mail of C0000001 was changed again by B2
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        message = widget_text(app.screen.query_one("#message")).replace("\n", " ")
        assert "B1 cannot be undone" in message and "C0000001 (Email)" in message
        await pilot.press("escape")
        assert [r[0] for r in table_rows(app)] == ["B2", "B1"]
        assert "2 batches" in widget_text(app.screen.query_one("#status"))
        await pilot.press("escape")
        await settle(pilot)
        assert result.value is False
    assert len(history_store.list_batches(Store(demo_db), user=ADMIN)) == 2
    assert customer(demo_db, "ZZNEW1") is not None
    assert customer(demo_db, "C0000002")["CITY"] is None


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_a_refused_undo_lists_the_batches_made_since_the_screen_opened(demo_db, imported, tmp_path):
    """Issue 18, item 8: the refusal named a batch another program had committed meanwhile, which History did not
    list until it was opened again."""
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_history(pilot)
        assert [r[0] for r in table_rows(app)] == ["B2", "B1"]
        third = tmp_path / "third.csv"
        third.write_text("CUSTOMERID,EMAIL1\nC0000001,third@example.com\n", encoding="utf-8")
        assert main(["--db", str(demo_db), "--user", "alice", "import", str(third)]) == 0  # B3, by a script
        await pilot.press("u", "left", "enter")  # B2, whose e-mail of C0000001 B3 changed again
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "(B3)" in widget_text(app.screen.query_one("#message")).replace("\n", " ")
        await pilot.press("escape")
        await settle(pilot)
        assert [r[0] for r in table_rows(app)] == ["B3", "B2", "B1"]


async def test_without_the_edit_permission_undo_is_disabled_with_the_reason(demo_db, imported):
    add_user(Store(demo_db), "bob", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=ADMIN)
    app = make_app(demo_db, user="bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot)
        assert "Undo needs the Edit permission" in reason(app)
        assert app.screen.check_action("undo", ()) is None  # greyed in the footer
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
    assert len(history_store.list_batches(Store(demo_db), user=ADMIN)) == 2


async def test_without_the_list_permission_the_history_is_not_shown(demo_db, imported):
    add_user(Store(demo_db), "carol", UserType.EMPLOYEE, frozenset({Permission.EDIT}), by=ADMIN)
    app = make_app(demo_db, user="carol")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "List permission is missing" in widget_text(app.screen.query_one("#message")).replace("\n", " ")
        await pilot.press("escape")
        assert table_rows(app) == []
        assert "cannot be shown" in widget_text(app.screen.query_one("#status"))


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_history_snapshot(snap_compare, demo_db, imported, monkeypatch, size):
    """The history after two imports, B1 drilled into: the status line (2 batches, newest first, user alice), the
    batch table (B2 second.csv, B1 first.csv with their counts), B1's title and its 14 field changes (C0000002's
    e-mail and city erased, ZZNEW1 created), the whole change under the cursor, and the footer with Undo batch and
    Back. At 80 columns the table keeps every column but the file's in view (this year's dates without their year),
    and the line under it names the highlighted batch's file. Batch times are fixed at 28/11/2026 09:30, and today
    in the same year, so the picture does not change."""
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
        await open_history(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=drilled)


def test_a_batch_is_described_in_words() -> None:
    at = dt.datetime(2026, 11, 28, 8, 54)
    base = history_store.Batch("B1", "import", "alice", at, "first.csv", None, 1, 0, 0, 0, None, None)
    assert history_rows.describe(base, DateFormat.DMY_SLASH) == "the import of first.csv by alice on 28/11/2026 08:54"
    edit = replace(base, kind="edit", file_name="edit of C0000001")
    assert history_rows.describe(edit, DateFormat.DMY_SLASH).startswith("the edit of C0000001 by alice")
    undo = replace(base, id="B2", kind="undo", undoes="B1")
    assert history_rows.describe(undo, DateFormat.DMY_SLASH).startswith("the undo of B1 by alice")


async def test_end_and_home_go_to_the_last_and_first_batch(demo_db, imported):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot)
        table = app.screen.query_one("#batches")
        await pilot.press("end")
        assert table.cursor_row == 1 and table.scroll_offset.x == 0  # B1, the oldest; no sideways scroll
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("G")
        assert table.cursor_row == 1


async def test_j_and_k_move_through_the_batches_and_g_and_g_work_in_the_changes_too(demo_db, imported):
    """Issue 18: the README promises less's keys everywhere; j and k did nothing in the history."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot)
        screen = app.screen
        await pilot.press("j")
        assert screen.highlighted.id == "B1"
        await pilot.press("k")
        assert screen.highlighted.id == "B2"
        await pilot.press("j", "enter")  # B1's changes, in the grid
        await settle(pilot)
        grid = screen.query_one("#changes", CustomerGrid)
        assert grid.has_focus and grid.cursor_row == 0
        await pilot.press("G")
        assert grid.cursor_row == screen._shown.total - 1 > 0
        await pilot.press("k")
        assert grid.cursor_row == screen._shown.total - 2
        await pilot.press("g")
        assert grid.cursor_row == 0


async def test_after_an_undo_the_cursor_stays_on_the_batch_undone(demo_db, imported, tmp_path):
    """Issue 18: after undoing B3 the cursor sat on the new top batch (B4, the undo), so j then u, meant for B2,
    offered "Undo B4, the undo of B3"."""
    (tmp_path / "third.csv").write_text("CUSTOMERID,CITY\nC0000005,Gdańsk\n", encoding="utf-8")
    assert main(["--db", str(demo_db), "--user", "alice", "import", str(tmp_path / "third.csv")]) == 0  # B3
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_history(pilot)
        await pilot.press("u", "left", "enter")  # undo B3: recorded as B4
        await settle(pilot)
        assert [r[0] for r in table_rows(app)] == ["B4", "B3", "B2", "B1"]
        assert app.screen.highlighted.id == "B3"
        await pilot.press("j", "u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = widget_text(app.screen.query_one("#message")).replace("\n", " ")
        assert "Undo B2," in question and "second.csv" in question


async def test_a_batch_made_at_another_level_is_not_undone_here(demo_db, imported):
    app = make_app(demo_db, entity="EU")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_history(pilot)
        assert "B2 was made at the top level: undo it from there (l in the list switches)." in reason(app)
        await pilot.press("u")  # dimmed: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
    assert customer(demo_db, "C0000001")["EMAIL1"] == "second@example.com"  # B2 stands


async def test_a_batch_read_through_a_mapping_says_so(demo_db, tmp_path):
    """An import from another product's file: the history names the mapping its columns were read with, as
    `custbook history` does (issue 14)."""
    path = tmp_path / "crm.csv"
    path.write_text("Account,Mail\nC0000001,mapped@example.com\n", encoding="utf-8")
    args = ["--db", str(demo_db), "--user", "alice", "import", str(path), "--map", "Account=CUSTOMERID"]
    assert main([*args, "--map", "Mail=EMAIL1"]) == 0
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_history(pilot)
        assert table_rows(app)[0][-1] == "crm.csv (mapping options)"
