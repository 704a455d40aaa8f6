"""Helpers for interface tests: building the app, and waiting for its workers instead of sleeping."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tui.app import CustbookApp


def make_app(db: Path, user: str = "alice", entity: str | None = None) -> CustbookApp:
    return CustbookApp(str(db), user, entity)


def _pending(app) -> list:
    # Textual's DirectoryTree keeps a loader worker (group "_loader") alive while it is shown: it never "completes";
    # nor does the list's watch on a PostgreSQL store (group "live-changes", tui.live_changes).
    return [w for w in app.workers if not w.is_finished and w.group not in ("_loader", "live-changes")]


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message it posted be handled."""
    from textual.worker import WorkerCancelled, WorkerFailed

    for _ in range(100):
        pending = _pending(pilot.app)
        if pending:
            try:
                await pilot.app.workers.wait_for_complete(pending)
            except (WorkerCancelled, WorkerFailed):
                pass
        await pilot.pause()
        if not _pending(pilot.app):
            await pilot.pause()
            return
    raise AssertionError(f"workers still running: {_pending(pilot.app)}")


def widget_text(widget) -> str:
    """The text a widget shows on screen now, line by line (what the user reads)."""
    from textual.geometry import Region

    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)
