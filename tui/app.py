"""The Textual application: opens on the customer list. (The full interface arrives with the interface issue;
this first version shows the store's customers and how to reach the command line.)"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from formats.catalogue import LIST_COLUMNS
from formats.errors import CustbookError
from formats.values import format_value
from store.customers import count_customers, first_page
from store.db import Store
from store.users import resolve_user


class CustbookApp(App[int]):
    TITLE = "custbook"
    CSS = """
    #summary { padding: 0 1; height: auto; color: $text-muted; }
    DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(self, db: str, user: str, entity: str | None = None) -> None:
        super().__init__()
        self.store = Store(db)
        self.user_name = user
        self.entity = entity

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary")
        yield DataTable(id="customers", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        summary = self.query_one("#summary", Static)
        try:
            user = resolve_user(self.store, self.user_name)
            total = count_customers(self.store, self.entity, include_entities=False)
            fields, rows = first_page(self.store, LIST_COLUMNS, entity=self.entity)
        except CustbookError as exc:
            summary.update(str(exc))
            return
        level = f"entity {self.entity}" if self.entity else "top level"
        summary.update(
            f"{total:,} customers · {level} · user {user.name} · first {len(rows)} shown; "
            "import and export with the `custbook` command (custbook --help)"
        )
        table = self.query_one(DataTable)
        table.add_columns(*(f.label for f in fields))
        for row in rows:
            # Text, not str: a customer's name is never read as markup.
            table.add_row(*(Text(format_value(v)) for v in row), key=str(row[0]))


def run_app(db: str, user: str, entity: str | None) -> int:
    CustbookApp(db, user, entity).run()
    return 0
