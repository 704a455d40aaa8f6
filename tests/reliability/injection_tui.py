"""Driving the interface for the injection tests (tests/tui's helpers are not importable from here: each test
folder is its own import root): the app on a store, and waiting for its workers instead of sleeping."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tui.app import CustbookApp


def make_app(db: Path, user: str = "alice") -> CustbookApp:
    return CustbookApp(str(db), user, None)


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message it posted be handled."""
    from textual.worker import WorkerCancelled, WorkerFailed

    def pending() -> list:
        return [w for w in pilot.app.workers if not w.is_finished and w.group != "_loader"]

    for _ in range(100):
        if pending():
            try:
                await pilot.app.workers.wait_for_complete(pending())
            except (WorkerCancelled, WorkerFailed):
                pass
        await pilot.pause()
        if not pending():
            await pilot.pause()
            return
    raise AssertionError(f"workers still running: {pending()}")
