"""Tick boxes say their state in text (issue 18): "X" when ticked, blank when not, so they read right with
NO_COLOR=1 and to a colour-blind user; Textual's own draw the same "X" either way and differ by colour only."""

from __future__ import annotations

import pytest
from tui_helpers import make_app, settle

from tui.screens.import_screen import ImportScreen
from tui.screens.view_builder import ViewBuilder
from tui.widgets.ticks import TickBox
from tui.widgets.view_parts import FieldChecklist


async def test_the_offline_box_shows_x_only_when_ticked(demo_db, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        box = app.screen.query_one("#offline", TickBox)
        assert box.render_line(0).text.startswith("▐ ▌")
        box.value = True
        await settle(pilot)
        assert box.render_line(0).text.startswith("▐X▌")


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_the_view_builders_columns_show_x_for_the_ticked_ones(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("v", "n")
        await settle(pilot)
        assert isinstance(app.screen, ViewBuilder)
        checklist = app.screen.query_one(FieldChecklist)
        marks = {}
        for y in range(min(8, checklist.option_count)):
            option = checklist.get_option_at_index(int(checklist.scroll_offset.y) + y)
            marks[option.value] = checklist.render_line(y).text[:3]
        assert marks, "no column listed"
        for value, mark in marks.items():
            assert mark == ("▐X▌" if value in checklist.selected else "▐ ▌"), (value, mark)
        first = checklist.get_option_at_index(int(checklist.scroll_offset.y))
        before = checklist.render_line(0).text[:3]
        checklist.toggle(first)
        await settle(pilot)
        after = checklist.render_line(0).text[:3]
        assert {before, after} == {"▐X▌", "▐ ▌"}  # the mark follows the tick, in text
