"""Helpers for the view builder's tests: waiting for its live count, and choosing fields with the keyboard."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import OptionList
from tui_helpers import settle


async def counted(pilot: Pilot) -> None:
    """Wait until the builder's count is on screen (the debounce has passed and its worker has answered)."""
    for _ in range(100):
        await settle(pilot)
        if not pilot.app.screen.counting:
            return
        await pilot.pause(0.05)  # the debounce timer runs on real time: poll, never sleep a fixed time
    raise AssertionError("the count never came")


async def highlight(pilot: Pilot, box: OptionList, index: int) -> None:
    """Move the highlight of the focused list to `index` with the arrow keys, as a user would."""
    assert box.has_focus
    current = box.highlighted or 0
    key = "down" if index > current else "up"
    await pilot.press(*[key] * abs(index - current))
    assert box.highlighted == index
