"""Helpers for the customer form's tests: opening the form on a running app, and filling fields with keys as a
user does (focus the field, clear it, type), waiting for workers rather than sleeping."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select
from tui_helpers import settle

from tui.screens.customer_form import CustomerForm


async def open_form(pilot: Pilot, customer_id: str | None) -> tuple[CustomerForm, list[str | None]]:
    """Push the form for `customer_id` (None = new) once the list has loaded; the list collects its result."""
    await settle(pilot)
    results: list[str | None] = []
    form = CustomerForm(pilot.app.session, customer_id)
    pilot.app.push_screen(form, results.append)
    await settle(pilot)
    return form, results


async def type_into(pilot: Pilot, field_id: str, text: str) -> None:
    """Go to the field, erase what it holds and type `text`."""
    box = pilot.app.screen.query_one(f"#input-{field_id}", Input)
    box.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u", *text)


async def choose(pilot: Pilot, field_id: str, value: str) -> None:
    """Open a list field with Enter, move down to `value` with the arrow key, and take it with Enter."""
    select = pilot.app.screen.query_one(f"#input-{field_id}", Select)
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    menu = select.query_one("SelectOverlay", OptionList)
    for _ in range(menu.option_count):
        option = menu.highlighted_option
        if option is not None and str(option.prompt) == value:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert select.selection == value


def no_blink(pilot: Pilot) -> None:
    """Snapshots must not depend on the moment the cursor blinks."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
