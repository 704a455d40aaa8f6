"""HelpScreen: the keys of the screen it was opened from (F1 everywhere, `?` outside text boxes), and where the user
is: the store's full path, the user and the level. Keys follow less, VisiData and csvlens habits so they carry over.

Each screen names its own keys in `KEY_HELP` (the customer list's are every key, as a map of the whole interface) and
binds F1 and `?` to `action_help` of `WithHelp`. A `?` typed in a text box stays a question mark: the box takes
the key before the screen sees it."""

from __future__ import annotations

from typing import cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.grid import safe_text

KEYS = (
    ("Customer list", ""),
    ("/", "quick filter: ID, name, print as, e-mail, phone, city (Escape clears it)"),
    ("↑ ↓  j k", "move; PageUp / PageDown a screenful"),
    ("Home End  g G", "first / last customer"),
    ("← →", "move between columns"),
    ("<  >", "make the current column narrower / wider (kept while custbook runs)"),
    ("s", "sort by the current column: ascending, descending, off (or click its header)"),
    ("Enter", "open the customer: every field"),
    ("e", "edit the customer (Ctrl+S saves; errors are shown beside the fields)"),
    ("n", "new customer"),
    ("v", "views: choose one; in the list, n new, e edit, d delete"),
    ("x", "export the current view: CSV, CSV for import, Excel, Word, PDF"),
    ("i", "import a file: preview the changes, then commit"),
    ("h", "history of imports and edits; undo a batch"),
    ("o", "offline import jobs and their results"),
    ("l", "level: work at the top level or inside one of the company's entities"),
    ("r F5", "refresh: show changes other users and scripts made"),
    ("Ctrl+P", "command palette: every action by name"),
    ("? F1", "this help"),
    ("q", "quit (Escape closes a dialog or goes back)"),
    ("", ""),
    ("In History (h)", ""),
    ("Enter", "the batch's field changes; Enter on a change opens its customer"),
    ("u", "undo the batch (an undo can be undone too)"),
    ("Home End  g G", "first / last batch"),
    ("", ""),
    ("In the customer form (e, n)", ""),
    ("Ctrl+S", "save (errors are shown beside the fields; nothing is saved while one is wrong)"),
    ("Ctrl+D", "mark the customer inactive"),
    ("Escape", "cancel (asks first when something was changed)"),
    ("", ""),
    ("From the shell", ""),
    ("custbook import FILE", "preview with --dry-run, then commit; undo with custbook undo BATCH"),
    ("custbook export", "--view NAME --format csv|import-csv|xlsx|docx|pdf -o FILE"),
    ("custbook views save", "NAME --columns ... --filter ... --sort ..."),
)


Keys = tuple[tuple[str, str], ...]
HELP_BINDING = Binding("f1,question_mark", "help", "Help", key_display="F1")


class WithHelp:
    """A screen whose F1 (and `?` outside text boxes) shows its own keys: bind HELP_BINDING, fill KEY_HELP."""

    HELP_TITLE = "Keys"
    KEY_HELP: Keys = ()

    def action_help(self) -> None:
        """Show the keys of this screen."""
        screen = cast(ModalScreen[None], self)  # a Screen: the mixin only adds this action
        screen.app.push_screen(HelpScreen(self.KEY_HELP, title=self.HELP_TITLE))


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, keys: Keys = (), *, title: str = "Keys") -> None:
        super().__init__()
        self.keys = keys or KEYS
        self.title_text = title

    def _where(self) -> str:
        session = getattr(self.app, "session", None)
        if session is None:
            return ""
        return f"Store {session.store.location} · user {session.user.name} · {session.level}"

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, what in self.keys:
            if key and not what:
                table.add_row(f"[bold]{key}[/]", "")
            else:
                table.add_row(key, what)
        with VerticalScroll(id="dialog"):
            yield Static(Text(safe_text(self.title_text)), id="title")
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
        dialog.border_subtitle = "more below: ↓ j PageDown · Esc closes" if more else "Esc closes"

    def action_scroll(self, lines: int) -> None:
        """Scroll the keys by a line."""
        dialog = self.query_one("#dialog", VerticalScroll)
        dialog.scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
