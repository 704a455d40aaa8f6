"""HelpScreen: the keys of the screen it was opened from (F1 everywhere, `?` outside text boxes), and where the user
is: the store's full path, the user and the level. Keys follow less, VisiData and csvlens habits so they carry over.

Each screen names its own keys in `KEY_HELP` (the customer list's are every key, as a map of the whole interface) and
binds F1 and `?` to `action_help` of `WithHelp`. A `?` typed in a text box stays a question mark: the box takes
the key before the screen sees it.

The texts are module constants marked with `N_()` (the language is chosen after import) and translated here, where
they are shown: the title, the headings and what each key does. Key names (Ctrl+S, Tab) are not marked, so they
show as they are."""

from __future__ import annotations

from typing import cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from core.i18n import N_, _
from tui.widgets.grid import safe_text

KEYS = (
    (N_("Customer list"), ""),
    ("/", N_("quick filter: ID, name, print as, e-mail, phone, city (Escape clears it)")),
    ("↑ ↓  j k", N_("move; PageUp / PageDown a screenful")),
    ("Home End  g G", N_("first / last customer")),
    ("← →", N_("move between columns")),
    ("<  >", N_("make the current column narrower / wider (kept while custbook runs)")),
    ("s", N_("sort by the current column: ascending, descending, off (or click its header)")),
    ("Enter", N_("open the customer: every field")),
    ("e", N_("edit the customer (Ctrl+S saves; errors are shown beside the fields)")),
    ("n", N_("new customer")),
    ("v", N_("views: choose one; in the list, n new, e edit, d delete")),
    ("x", N_("export the current view: CSV, CSV for import, Excel, Word, PDF")),
    ("i", N_("import a file: preview the changes, then commit")),
    ("h", N_("history of imports and edits; undo a batch")),
    ("o", N_("offline import jobs and their results")),
    ("l", N_("level: work at the top level or inside one of the company's entities")),
    ("r F5", N_("refresh: show changes other users and scripts made")),
    ("Ctrl+P", N_("command palette: every action by name, and the language")),
    ("? F1", N_("this help")),
    ("q", N_("quit (Escape closes a dialog or goes back)")),
    ("", ""),
    (N_("In History (h)"), ""),
    ("Enter", N_("the batch's field changes; Enter on a change opens its customer")),
    ("u", N_("undo the batch (an undo can be undone too)")),
    ("Home End  g G", N_("first / last batch")),
    ("", ""),
    (N_("In the customer form (e, n)"), ""),
    ("Ctrl+S", N_("save (errors are shown beside the fields; nothing is saved while one is wrong)")),
    ("Ctrl+D", N_("mark the customer inactive")),
    ("Escape", N_("cancel (asks first when something was changed)")),
    ("", ""),
    (N_("From the shell"), ""),
    ("custbook import FILE", N_("preview with --dry-run, then commit; undo with custbook undo BATCH")),
    ("custbook export", "--view NAME --format csv|import-csv|xlsx|docx|pdf -o FILE"),
    ("custbook views save", "NAME --columns ... --filter ... --sort ..."),
)


Keys = tuple[tuple[str, str], ...]
HELP_BINDING = Binding(
    "f1,question_mark", "help", N_("Help"), key_display="F1", tooltip=N_("Show the keys of this screen")
)


class WithHelp:
    """A screen whose F1 (and `?` outside text boxes) shows its own keys: bind HELP_BINDING, fill KEY_HELP (texts
    marked with `N_()`: the help screen translates them)."""

    HELP_TITLE = N_("Keys")
    KEY_HELP: Keys = ()

    def action_help(self) -> None:
        """Show the keys of this screen."""
        screen = cast(ModalScreen[None], self)  # a Screen: the mixin only adds this action
        screen.app.push_screen(HelpScreen(self.KEY_HELP, title=self.HELP_TITLE))


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", N_("Close"), tooltip=N_("Close the help")),
        Binding("j", "scroll(1)", N_("Down"), show=False),
        Binding("k", "scroll(-1)", N_("Up"), show=False),
    ]

    def __init__(self, keys: Keys = (), *, title: str = N_("Keys")) -> None:
        super().__init__()
        self.keys = keys or KEYS
        self.title_text = title

    def _where(self) -> str:
        session = getattr(self.app, "session", None)
        if session is None:
            return ""
        return _("Store {location} · user {user} · {level}").format(
            location=session.store.location, user=session.user.name, level=session.level
        )

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, what in self.keys:
            if key and not what:
                table.add_row(Text(_(key), style="bold"), "")  # a heading
            else:
                # A key as the keyboard names it (no translation: `_` leaves it as it is), or a word marked with
                # N_ such as "Dates" in the form's help; what it does, translated.
                table.add_row(Text(_(key)), Text(_(what)))
        with VerticalScroll(id="dialog"):
            yield Static(Text(safe_text(_(self.title_text))), id="title")
            where = self._where()
            if where:
                yield Static(Text(safe_text(where)), id="where")
            yield Static(table)

    def on_mount(self) -> None:
        # However it scrolls (j k, arrows, PageDown, the mouse), the frame says whether there is more below.
        self.watch(self.query_one("#dialog", VerticalScroll), "scroll_y", lambda _: self._say_more())

    def on_resize(self) -> None:
        self._say_more()

    def _say_more(self) -> None:
        # On a small terminal (80x24) the list of keys goes on below the frame: say so, and how to get there.
        dialog = self.query_one("#dialog", VerticalScroll)
        more = dialog.scroll_y < dialog.max_scroll_y
        dialog.border_subtitle = _("more below: ↓ j PageDown · Esc closes") if more else _("Esc closes")

    def action_scroll(self, lines: int) -> None:
        """Scroll the keys by a line."""
        dialog = self.query_one("#dialog", VerticalScroll)
        dialog.scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
