"""The list's live notice of other people's changes: a thread worker waiting on the store's change watch (a
PostgreSQL store's LISTEN; a DuckDB file has none, and then nothing runs) and posting `ChangedByOthers` to the
screen, which says so and leaves the cursor where it is until the user refreshes (r).

The worker only posts messages (house style: workers never touch widgets); it stops when its screen goes, or
quietly when the server goes away (the list's own reads then say why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from core.i18n import group_digits, ngettext

if TYPE_CHECKING:
    from textual.screen import Screen

    from store.base import CustomerStore

WAIT_SECONDS = 1.0  # how long one wait lasts: the worker checks for its cancellation between waits


class ChangedByOthers(Message):
    """`count` more customers were changed by other people or programs."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


def notice(count: int) -> str:
    """ "12 customers changed by others: r to refresh", in the user's language."""
    return ngettext(
        "{count} customer changed by others: r to refresh", "{count} customers changed by others: r to refresh", count
    ).format(count=group_digits(count))


def start_watching(screen: Screen[None], store: CustomerStore) -> None:
    """Run the watch in a thread worker of `screen` (cancelled with it)."""

    def watch() -> None:
        try:
            changes = store.watch_changes()
        except Exception:
            return  # the server refused a second connection: the list still works, without live notices
        if changes is None:
            return
        worker = get_current_worker()
        try:
            while not worker.is_cancelled:
                count = changes.wait(WAIT_SECONDS)
                if count and not worker.is_cancelled:
                    screen.post_message(ChangedByOthers(count))
        except Exception:
            return  # the connection went away: the list's next read tells the user
        finally:
            changes.close()

    screen.run_worker(watch, thread=True, exclusive=True, group="live-changes", name="custbook-live-changes")
