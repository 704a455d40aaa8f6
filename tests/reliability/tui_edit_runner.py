"""A keyboard edit saved from the interface, as its own process, for the kill harness to kill.

Opens custbook's real interface headless on the store given, presses the keys a user does (`e` on the list's first
row, the field emptied and retyped, Ctrl+S), waits for the save and the list's reload, and exits. It prints `READY`
just before Ctrl+S and `SAVED` once the form has closed on a successful save, so that the harness can spread its
kills over the save itself rather than over Textual's start-up, which touches nothing.

Usage: python tests/reliability/tui_edit_runner.py STORE FIELD VALUE
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

# The interface tests' helpers drive the form as a user does; this script reuses them rather than copying them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tui"))

from form_helpers import type_into
from tui_helpers import make_app, settle

from tui.screens.customer_form import CustomerForm
from tui.screens.customer_list import CustomerListScreen


async def edit(db: Path, field: str, value: str) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CustomerForm), app.screen
        await type_into(pilot, field, value)
        print("READY", flush=True)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen), f"the form did not close: {app.screen}"
        print("SAVED", flush=True)


if __name__ == "__main__":
    store, field_id, text = sys.argv[1:4]
    asyncio.run(edit(Path(store), field_id, text))
