"""Helpers for the Jobs screen's tests: two import files against the demo store, queued as offline jobs from the
command line, and opening the screen on a running app the way the list will."""

from __future__ import annotations

from pathlib import Path

from export_helpers import Result
from textual.pilot import Pilot
from tui_helpers import settle

from cli.main import main
from tui.screens.jobs import JobsScreen

# J1: C0000001's e-mail changes; row 3 fails (not an e-mail address). E-mailed to ana@example.com.
FIRST = "CUSTOMERID,NAME,PRINTAS,EMAIL1\nC0000001,Ann Lee,Ann Lee,ann@example.org\nC0000002,Bo,Bo,bo@\n"
# J2: one city changes; nothing fails; no e-mail.
SECOND = "CUSTOMERID,CITY\nC0000003,Lyon\n"


def queue(db: Path, folder: Path, name: str, text: str, *extra: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    assert main(["--db", str(db), "--user", "alice", "import", str(path), "--offline", *extra]) == 0


def queue_both(db: Path, folder: Path) -> None:
    queue(db, folder, "first.csv", FIRST, "--email", "ana@example.com")
    queue(db, folder, "second.csv", SECOND)


def run_worker(db: Path) -> None:
    assert main(["--db", str(db), "--user", "alice", "jobs", "run", "--once"]) == 0


def table_rows(screen, table_id: str = "#jobs") -> list[list[str]]:
    table = screen.query_one(table_id)
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_jobs(pilot: Pilot) -> Result:
    await settle(pilot)
    result = Result()
    pilot.app.push_screen(JobsScreen(pilot.app.session), result)
    await settle(pilot)
    return result
