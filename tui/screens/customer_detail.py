"""CustomerDetailScreen: every field of one customer, with its label, read-only fields included; amounts and dates
as the user's region writes them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from core.errors import CustbookError
from core.i18n import N_, _
from core.regional import screen_region
from core.users import Permission
from core.values import Value
from formats.csv.for_import import display_formatter
from tui.list_access import refusal
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import safe_text


class CustomerDetailScreen(WithHelp, Screen[bool]):
    HELP_TITLE = N_("Keys of a customer's page")
    KEY_HELP = (
        ("↑ ↓  PageUp PageDown", N_("scroll through every field")),
        ("e", N_("edit this customer")),
        ("Escape  q", N_("back to the list")),
    )
    """Dismissed with True when the customer was changed from here (the list then reloads)."""

    CSS_PATH = "customer_detail.tcss"
    BINDINGS = [
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit this customer")),
        Binding("escape,q", "back", N_("Back"), tooltip=N_("Back to the list")),
        HELP_BINDING,
    ]

    def __init__(self, session: Session, customer_id: str) -> None:
        super().__init__()
        self.session = session
        self.customer_id = customer_id
        self.changed = False

    def compose(self) -> ComposeResult:
        title = _("Customer {id}").format(id=safe_text(self.customer_id))
        yield Static(Text(title, style="bold"), id="title")
        with VerticalScroll(id="body"):
            yield Static(_("Loading…"), id="fields")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        s = self.session
        try:
            record = s.store.customers.get(s.catalogue, self.customer_id, s.entity, user=s.user)
        except CustbookError as exc:
            record, error = None, str(exc)
        else:
            missing = _("Customer {id} is not visible here (or no longer exists).")
            error = "" if record else missing.format(id=self.customer_id)
        self.app.call_from_thread(self._show, record, error)

    def _show(self, record: dict[str, Value] | None, error: str) -> None:
        target = self.query_one("#fields", Static)
        if record is None:
            target.update(Text(error))
            return
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        # Every value whole: a long e-mail address or URL has no space to wrap at, so it is folded onto the next
        # line rather than cut with "…"; the field IDs keep their width.
        table.add_column(overflow="fold")
        table.add_column(style="dim", no_wrap=True)
        region = screen_region()
        for field in self.session.catalogue.fields:
            shown = display_formatter(field.type, self.session.date_format, region=region)(record.get(field.id))
            # Text, never markup; control characters made visible (a name must not drive the terminal).
            table.add_row(Text(safe_text(field.shown_label)), Text(safe_text(shown).replace("⏎", "\n")), field.id)
        target.update(table)

    def on_key(self, event: events.Key) -> None:
        if (why := refusal(self.session.user, event.key)) and event.key == "e":
            event.stop()  # the dimmed Edit pressed anyway: say why, as the list does
            self.notify(why, title=_("Not allowed"), severity="warning", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Edit is dimmed without the Edit permission."""
        return None if action == "edit" and Permission.EDIT not in self.session.user.perms else True

    def action_edit(self) -> None:
        """Edit this customer."""
        from tui.screens.customer_form import CustomerForm

        def edited(saved: object) -> None:
            if saved:
                self.changed = True
                self._load()

        self.app.push_screen(CustomerForm(self.session, self.customer_id), edited)

    def action_back(self) -> None:
        """Back to the list."""
        self.dismiss(self.changed)
