"""Snapshots of the main screens at the sizes people use (120x36 and an 80x24 SSH terminal).

What should be visible: the status line (view, counts, level, user), the column headers with a sort mark where
sorted, customer rows with accents and non-Latin names, and the footer's keys. Update only after looking:
`pytest tests/tui/test_snapshots.py --snapshot-update`, then open snapshot_report.html.
"""

from __future__ import annotations

import pytest
from tui_helpers import make_app, settle

SIZES = [(120, 36), (80, 24)]


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_customer_list(snap_compare, demo_db, size):
    async def loaded(pilot):
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_customer_list_filtered_and_sorted(snap_compare, demo_db, size):
    async def filtered(pilot):
        await settle(pilot)
        await pilot.press("slash", *"gmbh", "enter", "right", "s")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=filtered)


def test_customer_detail(snap_compare, demo_db):
    async def opened(pilot):
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(120, 36), run_before=opened)
