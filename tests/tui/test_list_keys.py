"""The list's keys open each screen (issue key map: e edit, n new, x export, i import, h history, v views,
o jobs), and keys the user's permissions forbid are dimmed with the reason on the status line."""

from __future__ import annotations

import pytest
from jobs_helpers import table_rows
from tui_helpers import make_app, settle, widget_text

from cli.main import main
from core.users import Permission, UserType
from store.duck import DuckStore as Store
from store.users import add_user, resolve_user
from tui.screens.customer_form import CustomerForm
from tui.screens.customer_list import CustomerListScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.history import HistoryScreen
from tui.screens.import_screen import ImportScreen
from tui.screens.jobs import JobsScreen
from tui.screens.view_picker import ViewPicker
from tui.widgets.grid import CustomerGrid


@pytest.mark.parametrize(
    ("key", "screen"),
    [("e", CustomerForm), pytest.param("n", CustomerForm, marks=pytest.mark.slow), ("x", ExportDialog),
     ("i", ImportScreen), ("h", HistoryScreen), ("v", ViewPicker), ("o", JobsScreen)],
)  # fmt: skip
async def test_each_key_opens_its_screen(demo_db, key, screen):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        if key == "e":
            assert app.screen.customer_id == "C0000002"
        if key == "n":
            assert app.screen.customer_id is None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)


async def test_a_user_who_edits_but_may_not_add_is_not_called_read_only(demo_db):
    """A newcomer's review: a List+Edit user was told "reads only (no Add)", yet edits customers."""
    store = Store(demo_db)
    perms = frozenset({Permission.LIST, Permission.EDIT})
    add_user(store, "editor", UserType.EMPLOYEE, perms, by=resolve_user(store, "alice"))
    app = make_app(demo_db, user="editor")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        status = widget_text(app.screen.query_one("#status"))
        assert "editor may not add customers (no Add)" in status and "reads only" not in status


async def test_forbidden_actions_are_dimmed_with_the_reason(demo_db):
    store = Store(demo_db)
    add_user(store, "viewer", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=resolve_user(store, "alice"))
    app = make_app(demo_db, user="viewer")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert [screen.check_action(a, ()) for a in ("edit", "new", "import", "export")] == [None, None, None, True]
        assert "viewer reads only (no Add or Edit)" in widget_text(screen.query_one("#status"))
        await pilot.press("e", "n", "i")
        await settle(pilot)
        assert app.screen is screen
        toasts = [str(n.message) for n in app._notifications]  # each dimmed key says why it does nothing
        assert "viewer may not change customers: the Edit permission is missing." in toasts[-3]
        assert "viewer may not add customers: the Add permission is missing." in toasts[-2]
        assert "viewer may not import customers: the Add or Edit permission is missing." in toasts[-1]
        await pilot.press("enter")  # the customer's every field; e there is dimmed too, and says why
        await settle(pilot)
        detail = app.screen
        assert detail is not screen
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is detail
        assert "viewer may not change customers" in str(list(app._notifications)[-1].message)


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_every_action_is_in_the_command_palette(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        commands = {c.title for c in app.get_system_commands(app.screen)}
        for title in ("Export (x)", "Import (i)", "History (h)", "Edit (e)", "New (n)", "Views (v)", "Sort (s)",
                      "Find (/)", "Help (?)", "Jobs (o)", "Refresh (r)"):  # fmt: skip
            assert title in commands
        assert not [t for t in commands if "slash" in t or "question_mark" in t or "(f5)" in t]  # keys as shown
        await pilot.press("ctrl+p", *"export")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)


# What each key opens, and the permission that key needs (None: every user).
WALK = [
    ("e", CustomerForm, "edit"), ("n", CustomerForm, "add"), ("x", ExportDialog, "list"), ("i", ImportScreen, None),
    ("h", HistoryScreen, "list"), ("v", ViewPicker, "list"), ("o", JobsScreen, None),
]  # fmt: skip
LACKING = {"nolist": Permission.LIST, "noadd": Permission.ADD, "noedit": Permission.EDIT}


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
@pytest.mark.parametrize("user", list(LACKING))
async def test_walk_every_key_with_a_user_lacking_each_permission(demo_db, tmp_path, user):
    """A key needing the missing permission opens nothing (the footer dims it); the others open their screen. The
    store refuses the same things below the interface (tests/store/test_permission_walk.py)."""
    store = Store(demo_db)
    add_user(store, user, UserType.BUSINESS, frozenset(Permission) - {LACKING[user]}, by=resolve_user(store, "alice"))
    queued = tmp_path / "queued.csv"
    queued.write_text("CUSTOMERID,CITY\nC0000001,Lyon\n", encoding="utf-8")
    assert main(["--db", str(demo_db), "--user", "alice", "import", str(queued), "--offline"]) == 0
    app = make_app(demo_db, user=user)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        home = app.screen
        rows = home.query_one(CustomerGrid).total
        assert (rows == 0) == (user == "nolist")
        if user == "nolist":
            assert "nolist may not see customers (no List permission)" in widget_text(home.query_one("#status"))
        for key, screen, needs in WALK:
            await pilot.press("down", key)
            await settle(pilot)
            # Editing shows a customer, so it needs List as well as Edit.
            forbidden = needs == LACKING[user].value or (key == "e" and user == "nolist")
            if forbidden:
                assert app.screen is home, key
                continue
            assert isinstance(app.screen, screen), key
            if screen is JobsScreen:  # alice's job is hers: another user's jobs screen does not list it
                assert table_rows(app.screen) == []
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is home, key


async def test_keys_typed_at_once_after_the_slash_go_to_the_filter(demo_db):
    """Over SSH a whole word arrives in one packet: "/paris" must filter by "paris", not run the i (import) key."""
    from textual import events

    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        home = app.screen
        for key, char in [("slash", "/"), *((c, c) for c in "paris")]:
            app.post_message(events.Key(key, char))  # all queued before any is handled, as a terminal delivers them
        await settle(pilot)
        assert app.screen is home
        assert home.query_one("#quick").value == "paris"
        await pilot.press("backspace", "x")  # and the box goes on as typed: nothing selected, nothing lost
        await settle(pilot)
        assert home.query_one("#quick").value == "parix"


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_l_switches_between_the_top_level_and_an_entity(demo_db):
    from textual.widgets import OptionList

    from store.entities import list_entities
    from tui.screens.level_picker import LevelPicker

    entities = list_entities(Store(demo_db))
    assert entities  # the demo company has entities
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        top_total = screen.query_one(CustomerGrid).total
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LevelPicker)
        levels = app.screen.query_one("#levels", OptionList)
        assert levels.option_count == 1 + len(entities) and levels.highlighted == 0  # where the user is now
        await pilot.press("down", "enter")  # the first entity
        await settle(pilot)
        first = entities[0].id
        assert app.screen is screen and screen.session.entity == first and app.session.entity == first
        assert f"entity {first}" in widget_text(screen.query_one("#status"))
        grid = screen.query_one(CustomerGrid)
        inside = grid.total
        assert inside > top_total  # the shared top-level customers and the entity's own
        ids = [c.id for c in grid.columns]
        assert ids[:3] == ["CUSTOMERID", "NAME", "MEGAENTITYID"]  # whose each customer is
        owners = {grid.row_at(i)[2] for i in range(grid.total) if grid.row_at(i) is not None}
        assert owners == {None, first}
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("up", "enter")  # back to the top level
        await settle(pilot)
        assert screen.session.entity is None and screen.query_one(CustomerGrid).total == top_total
        assert "MEGAENTITYID" not in [c.id for c in screen.query_one(CustomerGrid).columns]
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("escape")  # stay
        await settle(pilot)
        assert app.screen is screen and screen.session.entity is None
