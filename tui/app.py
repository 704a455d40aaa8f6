"""The Textual application: opens the session (who, where, which store) in a worker, then the customer list.

Owns the app-wide pieces: the command palette's entries for every action, and the error dialog for a store that
cannot be opened. Screens live in `tui/screens/`, one per module with its stylesheet beside it.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen

from core.errors import CustbookError
from tui.session import Session


class CustbookApp(App[int]):
    TITLE = "custbook"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, db: str, user: str, entity: str | None = None) -> None:
        super().__init__()
        self.db, self.user_name, self.entity = db, user, entity
        self.session: Session | None = None

    def on_mount(self) -> None:
        self._open()

    @work(thread=True, exclusive=True)
    def _open(self) -> None:
        try:
            session = Session.open(self.db, self.user_name, self.entity)
        except CustbookError as exc:
            self.call_from_thread(self._cannot_open, exc)
            return
        self.call_from_thread(self._opened, session)

    def _opened(self, session: Session) -> None:
        from tui.screens.customer_list import CustomerListScreen

        self.session = session
        self.push_screen(CustomerListScreen(session))

    def _cannot_open(self, error: CustbookError) -> None:
        from tui.screens.error_dialog import ErrorDialog

        self.push_screen(ErrorDialog(error), lambda _: self.exit(error.exit_code))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for binding in screen.active_bindings.values():
            b = binding.binding
            action = getattr(screen, f"action_{b.action.split('(')[0]}", None)
            if b.description and action is not None and binding.node is screen and b.action not in seen:
                seen.add(b.action)  # one entry per action, however many keys it has (r and F5)
                doc = (action.__doc__ or b.description).strip().splitlines()[0]
                # The key as the footer shows it: "/" and "?", not "slash" and "question_mark".
                yield SystemCommand(
                    f"{b.description} ({self.get_key_display(b)})", doc, lambda a=b.action: screen.run_action(a)
                )


def run_app(db: str, user: str, entity: str | None) -> int:
    return CustbookApp(db, user, entity).run() or 0
