"""Helpers for the import flow's tests: fixture files written against the demo store, and opening the import
screen on a running app the way the list will (pushing it with a callback that records what it dismissed with)."""

from __future__ import annotations

import csv
import io
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from acting import ADMIN
from textual.pilot import Pilot
from tui_helpers import settle

from store.duck import DuckStore as Store
from store.fields import catalogue
from store.query import get_customer
from tui.screens.import_screen import ImportScreen

COLUMNS = ("CUSTOMERID", "NAME", "PRINTAS", "CITY", "PHONE1", "CREDITLIMIT", "SEGMENT", "COMMENTS")
NEW_ID = "C9000001"


def customer(db: Path, customer_id: str) -> dict | None:
    store = Store(db)
    return get_customer(store, catalogue(store), customer_id, user=ADMIN)


def stored_row(db: Path, customer_id: str) -> list[str]:
    """The customer's cells for COLUMNS as an import file writes them (unchanged when imported)."""
    record = customer(db, customer_id)
    assert record is not None, customer_id
    return ["" if record[c] is None else str(record[c]) for c in COLUMNS]


def write_csv(path: Path, rows: list[list[str]], header: tuple[str, ...] = COLUMNS) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_mixed(db: Path, path: Path) -> Path:
    """Every kind of row against the demo store: updates, a blank erasing a value on each of two customers, an
    unchanged customer, a new customer, two failing rows and a short row (a warning)."""
    c1 = stored_row(db, "C0000001")
    c1[3], c1[4] = "Portland", ""  # CITY changes, PHONE1 erased
    c2 = stored_row(db, "C0000002")  # unchanged
    c3 = stored_row(db, "C0000003")
    c3[5], c3[7] = "12000.00", ""  # CREDITLIMIT changes, COMMENTS erased
    new = [NEW_ID, "Nouveau Client Sàrl", "Nouveau Client", "Genève", "+41 22 555 01 01", "5000", "SMB", ""]
    nameless = ["C9000002", "", "", "Lyon", "", "", "SMB", ""]  # a new customer needs a name: fails
    c4 = stored_row(db, "C0000004")
    c4[5] = "lots"  # not a number: fails
    c5 = stored_row(db, "C0000005")[:-1]  # COMMENTS cell missing (stored empty): unchanged, with a warning
    assert customer(db, "C0000005")["COMMENTS"] is None and customer(db, "C0000001")["COMMENTS"] is None
    return write_csv(path, [c1, c2, c3, new, nameless, c4, c5])


async def open_import(pilot: Pilot, results: list[str | None]) -> ImportScreen:
    """Push the import screen onto the running app (after the list has loaded); `results` receives what it
    dismisses with."""
    await settle(pilot)
    screen = ImportScreen(pilot.app.session)
    pilot.app.push_screen(screen, results.append)
    await settle(pilot)
    return screen


async def preview_path(pilot: Pilot, path: str) -> None:
    """Type the path into the file box and ask for the preview (F5), then wait for the reading and planning."""
    screen = pilot.app.screen
    box = screen.query_one("#path")
    box.focus()
    await pilot.pause()
    await pilot.press(*path)
    await pilot.press("f5")
    await settle(pilot)


class MailSink:
    """What a local SMTP server received: (sender, recipients, message bytes)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(monkeypatch) -> Iterator[MailSink]:
    """An SMTP server on 127.0.0.1 that keeps what it receives, with custbook's environment pointing at it."""
    from aiosmtpd.controller import Controller

    sink, port = MailSink(), free_port()
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(port)), ("STARTTLS", "0")):
        monkeypatch.setenv(f"CUSTBOOK_SMTP_{name}", value)
    monkeypatch.setenv("CUSTBOOK_MAIL_FROM", "custbook@example.com")
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
