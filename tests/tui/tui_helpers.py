"""Helpers for interface tests: building the app, and waiting for its workers instead of sleeping."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tui.app import CustbookApp


def make_app(db: Path, user: str = "alice", entity: str | None = None) -> CustbookApp:
    return CustbookApp(str(db), user, entity)


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message it posted be handled."""
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            await pilot.pause()
            return


def widget_text(widget) -> str:
    """The text a widget shows on screen now, line by line (what the user reads)."""
    from textual.geometry import Region

    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)
