"""On a PostgreSQL store the list tells its user promptly when others changed customers ("3 customers changed by
others: r to refresh"), without moving their cursor; r reads the store again. (A DuckDB file has no such notice.)
Tests wait for the notice with a timeout; they do not time it."""

from __future__ import annotations

import os
import subprocess
import sys

from textual.widgets import Static
from tui_helpers import make_app, settle, widget_text

from cli.main import main
from store.opening import let_go_all
from tui.widgets.grid import CustomerGrid


async def _wait_for_notice(pilot, others: Static, text: str) -> None:
    for _ in range(300):  # up to 30 s: the notice normally comes within a second of the other program's commit
        await pilot.pause(0.1)
        if text in widget_text(others):
            return
    raise AssertionError(f"no notice {text!r}; the line shows {widget_text(others)!r}")


async def test_others_changes_are_told_without_moving_the_cursor(pg_alice_db: str, tmp_path) -> None:
    assert main(["--db", pg_alice_db, "init", "--demo", "60"]) == 0
    let_go_all()
    edit = tmp_path / "edit.csv"
    edit.write_text("CUSTOMERID,COMMENTS\nC0000001,one\nC0000002,two\nC0000003,three\n", encoding="utf-8")
    app = make_app(pg_alice_db, user="")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        others = app.screen.query_one("#others", Static)
        for _ in range(7):
            await pilot.press("j")
        await settle(pilot)
        before = grid.current_key
        assert before not in (None, "C0000001") and not others.display
        # Another program on another machine, as far as this interface knows: its own process and connection.
        env = {k: v for k, v in os.environ.items() if k != "CUSTBOOK_USER"}
        done = subprocess.run(
            [sys.executable, "-m", "custbook", "--db", pg_alice_db, "import", str(edit)],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        await _wait_for_notice(pilot, others, "3 customers changed by others: r to refresh")
        assert others.display and grid.current_key == before  # told, not moved
        await pilot.press("r")
        await settle(pilot)
        assert not others.display and grid.current_key == before
        # The user's own change (this process) is not "by others": after it and one more customer changed by another
        # program, the notice counts that one only.
        mine = tmp_path / "mine.csv"
        mine.write_text("CUSTOMERID,COMMENTS\nC0000004,mine\nC0000005,mine too\n", encoding="utf-8")
        assert main(["--db", pg_alice_db, "import", str(mine)]) == 0
        edit.write_text("CUSTOMERID,COMMENTS\nC0000006,theirs\n", encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "custbook", "--db", pg_alice_db, "import", str(edit)],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        await _wait_for_notice(pilot, others, "1 customer changed by others: r to refresh")
