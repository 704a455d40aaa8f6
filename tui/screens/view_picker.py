"""ViewPicker: choose one of the views the user may see (built in, their own, others' public ones), and start the
view builder from here: a new view, edit the highlighted one, or delete it (its owner only, after confirmation).

It dismisses with the chosen view (or a view just saved in the builder) or None. Listing and deleting run in
worker threads, through `services.views` (as `custbook views` does), which enforces the owner rule again.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from core.errors import CustbookError
from core.i18n import N_, _
from core.viewdef import View, shown_view_name
from services.views import delete_view, list_views
from tui.list_access import view_kind
from tui.screens.error_dialog import ErrorDialog
from tui.screens.help import HELP_BINDING, WithHelp
from tui.screens.view_builder import ViewBuilder, confirm_delete, locked_reason
from tui.session import Session
from tui.widgets.grid import safe_text


class ViewPicker(WithHelp, ModalScreen[View | None]):
    HELP_TITLE = N_("Keys of the views")
    KEY_HELP = (
        ("↑ ↓  Enter", N_("choose a view: the list shows it")),
        ("n", N_("new view")),
        ("e", N_("edit the view (your own; another's is saved as a copy)")),
        ("d", N_("delete the view (your own, asks first)")),
        ("Escape", N_("close")),
    )
    CSS_PATH = "view_picker.tcss"
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Keep the current view")),
        Binding("n", "new", N_("New view"), tooltip=N_("Make a new view in the view builder")),
        Binding("e", "edit", N_("Edit view"), tooltip=N_("Change the highlighted view")),
        Binding("d", "delete", N_("Delete view"), tooltip=N_("Delete the highlighted view (your own only)")),
        HELP_BINDING,
    ]

    @dataclass
    class Listed(Message):
        views: list[View]
        highlight: View | None

    @dataclass
    class Failed(Message):
        error: CustbookError

    def __init__(self, session: Session, current: View) -> None:
        super().__init__()
        self.session = session
        self.current = current
        self._views: list[View] = []
        self.listed = False  # the views were read at least once: `self.views` is what the store holds

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Views"), id="title")
            yield OptionList(id="views", markup=False)
            yield Static(id="reason")
            yield Static(_("Enter show · n new · e edit · d delete · Esc cancel"), id="hint")

    def on_mount(self) -> None:
        self._load(self.current)

    @work(thread=True, exclusive=True, group="picker-list")
    def _load(self, highlight: View | None) -> None:
        try:
            views = list_views(self.session.store, self.session.user)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Listed(views, highlight))

    @property
    def keys(self) -> frozenset[tuple[str | None, str]]:
        """(owner, name) of the views this user may choose, as last read (after a deletion too)."""
        return frozenset((v.owner, v.name) for v in self._views)

    def on_view_picker_listed(self, message: Listed) -> None:
        self._views = message.views
        self.listed = True
        box = self.query_one(OptionList)
        box.clear_options()
        for view in message.views:
            kind = view_kind(view)
            owner = "" if view.builtin or view.owner == self.session.user.name else f", {view.owner}"
            box.add_option(Option(Text(safe_text(f"{shown_view_name(view.name)}  ({kind}{owner})"))))
        box.highlighted = next((i for i, v in enumerate(message.views) if v == message.highlight), 0)
        box.focus()
        self._show_reason()

    def on_view_picker_failed(self, message: Failed) -> None:
        self.app.push_screen(ErrorDialog(message.error))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._views[event.option_index])

    def on_option_list_option_highlighted(self) -> None:
        self._show_reason()

    def _show_reason(self) -> None:
        view, text = self._highlighted(), ""
        if view is not None and view.builtin:
            text = _("Built in: e starts a new view from it; it cannot be deleted")
        elif view is not None and view.owner != self.session.user.name:
            owner = safe_text(view.owner or "")
            text = _("{owner}'s view: e edits a copy of your own; only {owner} can change or delete it").format(
                owner=owner
            )
        self.query_one("#reason", Static).update(Text(text))

    def _highlighted(self) -> View | None:
        index = self.query_one(OptionList).highlighted
        return self._views[index] if index is not None and index < len(self._views) else None

    def _built(self, view: View | None) -> None:
        """The builder closed: show the view it saved, or list the views again (one may have been deleted)."""
        if view is not None:
            self.dismiss(view)
        else:
            self._load(self._highlighted())

    def action_new(self) -> None:
        """Make a new view in the view builder."""
        self.app.push_screen(ViewBuilder(self.session, None), self._built)

    def action_edit(self) -> None:
        """Change the highlighted view (a copy, for the built-in view and other users' views)."""
        view = self._highlighted()
        if view is not None:
            self.app.push_screen(ViewBuilder(self.session, view), self._built)

    def action_delete(self) -> None:
        """Delete the highlighted view (your own only), after confirmation."""
        view = self._highlighted()
        if view is None:
            return
        reason = locked_reason(view, self.session)
        if reason:
            self.notify(reason, severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(view.name)

        self.app.push_screen(confirm_delete(view), answered)

    @work(thread=True, exclusive=True, group="picker-list")
    def _delete(self, name: str) -> None:
        try:
            delete_view(self.session.store, self.session.user, name)
            views = list_views(self.session.store, self.session.user)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Listed(views, None))

    def action_cancel(self) -> None:
        """Keep the current view."""
        self.dismiss(None)
