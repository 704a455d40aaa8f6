"""The view builder as a user drives it: columns in order, a filter, a descending sort, the live count, save;
the view in the picker; a filter value that cannot run; who may delete what; new, edit and delete from the picker.

Screens are pushed directly onto a running app (`app.push_screen(..., callback)`), so the tests do not depend on
how the customer list opens them.
"""

from __future__ import annotations

import pytest
from acting import ADMIN
from builder_helpers import counted, highlight
from form_helpers import no_blink
from textual import events
from textual.widgets import Button, OptionList, Select, SelectionList
from tui_helpers import make_app, settle, widget_text

from core.errors import NotFound
from core.users import Permission, UserType
from core.viewdef import Filter, Op, SortKey, View
from services.views import find_view, list_views, save_view
from store import query
from store.duck import DuckStore as Store
from store.users import add_user, resolve_user
from store.views import builtin_view
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.error_dialog import ErrorDialog
from tui.screens.view_builder import ViewBuilder
from tui.screens.view_picker import ViewPicker
from tui.widgets.view_parts import ColumnsPart, FiltersPart

GERMANS = View(
    "Germans by credit",
    columns=("CREDITLIMIT", "NAME", "CITY"),
    filters=(Filter("COUNTRY", Op.EQ, "germany"),),
    sort=(SortKey("CREDITLIMIT", True),),
)
SIZES = [(120, 36), (80, 24)]


async def open_builder(app, pilot, view: View | None) -> list:
    """Push the builder on the running app; the returned list receives what it dismisses with."""
    await settle(pilot)
    results: list = []
    app.push_screen(ViewBuilder(app.session, view), results.append)
    await counted(pilot)
    return results


async def open_picker(app, pilot) -> list:
    await settle(pilot)
    results: list = []
    app.push_screen(ViewPicker(app.session, builtin_view()), results.append)
    await settle(pilot)
    return results


def count_text(app) -> str:
    return widget_text(app.screen.query_one("#count")).strip()


def expected_count(app, view: View) -> int:
    session = app.session
    return query.count(session.store, query.compile_view(view, session.catalogue, entity=session.entity, user=ADMIN))


async def tick_columns(pilot, app, *field_ids: str) -> None:
    """Tick fields in the checklist of every field, in this order (Space on each)."""
    fields = app.screen.query_one("#fields", SelectionList)
    for fid in field_ids:
        await highlight(pilot, fields, app.session.catalogue.ids.index(fid))
        await pilot.press("space")


async def choose(pilot, value: object) -> None:
    """Open the focused drop-down, move to the option with the arrow keys, take it."""
    box = pilot.app.focused
    assert isinstance(box, Select)
    values = [v for _, v in box._options]
    await pilot.press("enter", "home", *["down"] * values.index(value), "enter")
    assert box.value == value


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_build_save_and_choose_a_view(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        done = await open_builder(app, pilot, None)
        await pilot.press(*"Germans by credit")
        # Columns: tick three, then move the credit limit from last to first with [.
        await pilot.press("f2")
        await tick_columns(pilot, app, "NAME", "CITY", "CREDITLIMIT")
        await pilot.press("tab")
        chosen = app.screen.query_one("#chosen", OptionList)
        assert chosen.has_focus
        await highlight(pilot, chosen, 2)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert chosen.highlighted == 0
        assert "1. Credit limit" in widget_text(chosen) and "3. City" in widget_text(chosen)
        # Filter: Country is germany.
        await pilot.press("f3")
        await choose(pilot, "COUNTRY")
        await pilot.press("tab", "tab", *"germany", "enter")
        # Sort: credit limit, descending.
        await pilot.press("f4")
        await choose(pilot, "CREDITLIMIT")
        await pilot.press("tab")
        await choose(pilot, "desc")
        await pilot.press("tab", "enter")
        assert "1. Credit limit  ▼ descending" in widget_text(app.screen.query_one("#sort-list"))
        await counted(pilot)
        n = expected_count(app, GERMANS)
        assert 0 < n < 300 and count_text(app) == f"{n:,} customers match"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ViewBuilder)

        saved = find_view(app.session.store, app.session.user, "Germans by credit")
        assert (saved.columns, saved.filters, saved.sort) == (GERMANS.columns, GERMANS.filters, GERMANS.sort)
        assert saved.owner == "alice" and not saved.public and not saved.include_entities
        assert done == [saved]

        chosen_views = await open_picker(app, pilot)
        views = app.screen.query_one("#views", OptionList)
        index = next(
            i for i in range(views.option_count) if "Germans by credit" in str(views.get_option_at_index(i).prompt)
        )
        await highlight(pilot, views, index)
        await pilot.press("enter")
        await settle(pilot)
        assert chosen_views == [saved]


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_keys_arriving_together_tick_the_right_fields_and_move_the_right_column(demo_db):
    """Over SSH keys often arrive in one batch: each key must act on the line highlighted when it was pressed."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(app, pilot, None)
        await pilot.press("f2")
        batch = [("space", " "), ("down", None), ("space", " "), ("down", None), ("space", " ")]
        for key, character in batch:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.screen.query_one("#fields", SelectionList).selected == ["CUSTOMERID", "NAME", "PRINTAS"]
        await pilot.press("tab", "end")
        for key, character in [("left_square_bracket", "[")] * 2:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.screen.query_one(ColumnsPart).value == ("PRINTAS", "CUSTOMERID", "NAME")


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_the_count_follows_the_filters_and_entity_records(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_builder(app, pilot, GERMANS)
        assert count_text(app) == f"{expected_count(app, GERMANS):,} customers match"
        await pilot.press("f3", "tab", "tab", "tab", "tab")  # field, comparison, value, Add, the list of filters
        assert app.screen.query_one("#filter-list", OptionList).has_focus
        await pilot.press("delete")
        await counted(pilot)
        everyone = expected_count(app, View("all"))
        assert count_text(app) == f"{everyone:,} customers match"
        app.screen.query_one("#entities").focus()
        await pilot.press("space")
        await counted(pilot)
        with_entities = expected_count(app, View("all", include_entities=True))
        assert with_entities > everyone and count_text(app) == f"{with_entities:,} customers match"


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_a_filter_value_that_cannot_run_is_shown_and_not_saved(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(app, pilot, None)
        await pilot.press(*"Big accounts", "f3")
        await choose(pilot, "CREDITLIMIT")
        await pilot.press("tab")
        await choose(pilot, Op.GT)
        await pilot.press("tab", *"lots", "enter")
        await counted(pilot)
        count = app.screen.query_one("#count")
        assert "Credit limit needs a number, not 'lots'" in count_text(app) and count.has_class("invalid")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog) and "lots" in str(app.screen.error)
        await pilot.press("escape")
        assert isinstance(app.screen, ViewBuilder)
        with pytest.raises(NotFound):
            find_view(app.session.store, app.session.user, "Big accounts")
        # Enter on the filter takes it back into the editor; corrected, it counts and saves.
        await pilot.press("tab", "tab")  # from the value, past Add, to the list of filters
        assert app.screen.query_one("#filter-list", OptionList).has_focus
        await pilot.press("enter")
        assert app.screen.query_one("#filter-value").value == "lots"
        await pilot.press("ctrl+u", *"10000", "enter")
        await counted(pilot)
        big = View("x", filters=(Filter("CREDITLIMIT", Op.GT, "10000"),))
        assert count_text(app) == f"{expected_count(app, big):,} customers match"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert find_view(app.session.store, app.session.user, "Big accounts").filters == big.filters


def _bobs_public_view(demo_db) -> View:
    store = Store(demo_db)
    bob = add_user(store, "bob", UserType.BUSINESS, frozenset(Permission), by=ADMIN)
    return save_view(store, bob, View("Bob's list", public=True, filters=(Filter("COUNTRY", Op.EQ, "france"),))).view


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_another_users_public_view_cannot_be_saved_over_or_deleted(demo_db):
    bobs = _bobs_public_view(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_builder(app, pilot, bobs)
        screen = app.screen
        assert screen.query_one("#delete", Button).disabled and screen.query_one("#save", Button).disabled
        assert not screen.query_one("#save-as", Button).disabled
        reason = widget_text(screen.query_one("#reason"))
        assert "belongs to bob" in reason and "Save as" in reason
        # Saving makes alice's own private copy; bob's view is untouched.
        await pilot.press("ctrl+s")
        await settle(pilot)
        store, alice = app.session.store, app.session.user
        mine = [v for v in list_views(store, alice) if v.name == "Bob's list"]
        assert {(v.owner, v.public) for v in mine} == {("bob", True), ("alice", False)}

        await open_picker(app, pilot)
        views = app.screen.query_one("#views", OptionList)
        index = next(i for i in range(views.option_count) if "bob)" in str(views.get_option_at_index(i).prompt))
        await highlight(pilot, views, index)
        assert "only bob can change or delete it" in " ".join(widget_text(app.screen.query_one("#reason")).split())
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ViewPicker)  # no question asked: it cannot be deleted
        assert find_view(store, resolve_user(store, "bob"), "Bob's list").owner == "bob"


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_the_built_in_view_opens_as_save_as(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_picker(app, pilot)
        await pilot.press("e")
        await counted(pilot)
        screen = app.screen
        assert isinstance(screen, ViewBuilder)
        assert "New view, starting from “All customers”" in widget_text(screen.query_one("#heading"))
        assert screen.query_one("#delete", Button).disabled and screen.query_one("#save", Button).disabled
        assert "built in" in widget_text(screen.query_one("#reason"))
        await pilot.press(*"Everyone", "ctrl+s")
        await settle(pilot)
        assert find_view(app.session.store, app.session.user, "Everyone").owner == "alice"


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_delete_own_view_after_confirmation(demo_db):
    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    own = save_view(store, alice, GERMANS).view
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        done = await open_builder(app, pilot, own)
        app.screen.query_one("#delete", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # changed their mind: nothing is deleted
        await settle(pilot)
        assert find_view(store, alice, GERMANS.name) == own
        app.screen.query_one("#delete", Button).press()
        await settle(pilot)
        await pilot.press("left", "enter")  # the danger dialog starts on Cancel: move to Delete
        await settle(pilot)
        assert done == [None]
        with pytest.raises(NotFound):
            find_view(store, alice, GERMANS.name)


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_picker_new_edit_and_delete(demo_db):
    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    save_view(store, alice, GERMANS)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        chosen = await open_picker(app, pilot)
        views = app.screen.query_one("#views", OptionList)
        # d on the highlighted own view, confirmed: the list no longer shows it.
        await highlight(pilot, views, 1)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("left", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ViewPicker) and views.option_count == 1
        # n: a new view, saved, is what the picker returns.
        await pilot.press("n")
        await counted(pilot)
        await pilot.press(*"Mine", "f3")
        await choose(pilot, "STATUS")
        await pilot.press("tab", "tab", *"active", "enter", "ctrl+s")
        await settle(pilot)
        new = find_view(store, alice, "Mine")
        assert chosen == [new] and new.filters == (Filter("STATUS", Op.EQ, "active"),)


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_save_as_keeps_the_original_and_escape_asks_before_discarding(demo_db):
    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    own = save_view(store, alice, GERMANS).view
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_builder(app, pilot, own)
        app.screen.query_one("#public").focus()
        await pilot.press("space", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # keep editing
        app.screen.query_one("#name").focus()
        await pilot.press("end", *" (public)")
        app.screen.query_one("#save-as", Button).press()
        await settle(pilot)
        copy = find_view(store, alice, "Germans by credit (public)")
        assert copy.public and copy.filters == GERMANS.filters
        assert find_view(store, alice, GERMANS.name) == own


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_view_builder_snapshot(snap_compare, demo_db, size):
    """The builder editing alice's "Germans by credit": the heading (view, level, user), the name, the two
    checkboxes, the tabs with counts (Columns 3, Filters 1, Sort 1), every field in a checklist with the three
    chosen ones ticked, the chosen columns numbered in their order (credit limit, name, city), the live count
    ("N customers match"), the Save / Save as / Delete / Cancel buttons, and the footer's keys."""
    store = Store(demo_db)
    own = save_view(store, resolve_user(store, "alice"), GERMANS).view

    async def opened(pilot):
        await open_builder(pilot.app, pilot, own)
        no_blink(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=opened)


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
def test_view_builder_invalid_filter_snapshot(snap_compare, demo_db):
    """80x24, the Filters tab: the editor row (field, comparison, value, Add), the list with Country is “germany”
    and Credit limit is greater than “lots”, and instead of a count the message saying Credit limit needs a
    number, not 'lots'."""
    store = Store(demo_db)
    bad = View("Bad", filters=(*GERMANS.filters, Filter("CREDITLIMIT", Op.GT, "lots")))
    own = save_view(store, resolve_user(store, "alice"), GERMANS).view

    async def opened(pilot):
        await open_builder(pilot.app, pilot, own)
        await pilot.press("f3")
        await choose(pilot, "CREDITLIMIT")
        await pilot.press("tab")
        await choose(pilot, Op.GT)
        await pilot.press("tab", *"lots", "enter")
        await counted(pilot)
        assert pilot.app.screen.query_one(FiltersPart).value == bad.filters
        no_blink(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(80, 24), run_before=opened)


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_save_under_a_new_name_renames_and_asks_before_replacing(demo_db):
    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    own = save_view(store, alice, GERMANS).view
    other = save_view(store, alice, View("Deutsche", columns=("NAME",))).view
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        done = await open_builder(app, pilot, own)
        app.screen.query_one("#name").focus()
        await pilot.press("ctrl+u", *"Deutsche", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # alice already has a view of that name
        await pilot.press("escape")
        await settle(pilot)
        assert find_view(store, alice, "Deutsche") == other
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("left", "enter")  # Replace
        await settle(pilot)
        renamed = find_view(store, alice, "Deutsche")
        assert renamed.filters == GERMANS.filters and done == [renamed]
        with pytest.raises(NotFound):
            find_view(store, alice, GERMANS.name)


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_without_the_list_permission_saving_is_disabled_with_the_reason(demo_db):
    add_user(Store(demo_db), "carol", UserType.EMPLOYEE, frozenset({Permission.ADD}), by=ADMIN)
    app = make_app(demo_db, user="carol")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(app, pilot, None)
        screen = app.screen
        assert screen.query_one("#save", Button).disabled and screen.query_one("#save-as", Button).disabled
        assert "the List permission is missing" in " ".join(widget_text(screen.query_one("#reason")).split())
        await pilot.press(*"Mine", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ViewBuilder)


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_a_date_typed_in_the_sessions_format_is_saved_as_the_same_day(demo_db):
    from dataclasses import replace

    from core.values import DateFormat

    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        us = replace(app.session, date_format=DateFormat.MDY_SLASH)
        app.push_screen(ViewBuilder(us, None))
        await counted(pilot)
        await pilot.press(*"Before April", "f3")
        await choose(pilot, "CONTRACT_START")
        await pilot.press("tab")
        await choose(pilot, Op.LT)
        await pilot.press("tab", *"04/01/2024", "enter")  # 1 April 2024, as this session writes dates
        await counted(pilot)
        april = View("x", filters=(Filter("CONTRACT_START", Op.LT, "2024-04-01"),))
        assert count_text(app) == f"{expected_count(app, april):,} customers match"
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = find_view(app.session.store, app.session.user, "Before April")
        assert saved.filters == april.filters  # kept as YYYY-MM-DD: the same day in every session and export


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_deleting_the_view_on_screen_goes_back_to_all_customers(demo_db):
    from tui.screens.customer_list import CustomerListScreen

    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    save_view(store, alice, GERMANS)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        views = app.screen.query_one("#views", OptionList)
        await highlight(pilot, views, 1)
        await pilot.press("enter")  # show "Germans by credit"
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, CustomerListScreen) and listing.view.name == GERMANS.name
        await pilot.press("v")
        await settle(pilot)
        await highlight(pilot, app.screen.query_one("#views", OptionList), 1)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("left", "enter")  # Delete
        await settle(pilot)
        await pilot.press("escape")  # leave the picker without choosing
        await settle(pilot)
        assert app.screen is listing and listing.view.builtin  # not the deleted view, which could still be exported
        toasts = " ".join(str(n.message) for n in app._notifications)
        assert "“Germans by credit” no longer exists: showing All customers." in toasts
