"""FieldChanges: every change an import plan makes to one field, however many, from the preview's By field tab.

The preview's tabs stop at 2,000 lines; this screen pages through the plan itself with the customer list's grid
(only the rows on screen are drawn), so the 19,064 erasures of a cleared e-mail column can all be read before the
commit. Read-only: it shows the plan, it changes nothing. Its words are in the user's language (core.i18n), and the
grid writes amounts and dates as the screen's region does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from core.catalogue import Field, FieldType
from core.i18n import N_, _, pgettext
from core.plan import HIDDEN, Action, ImportPlan
from core.values import Value
from core.wording import field_counts_words, field_name
from tui.import_rows import shown_labels, telling_headings
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import CustomerGrid, safe_text

_TEXT = FieldType.TEXT


@dataclass(frozen=True)
class _Changes:
    """The grid's rows: (customer ID, row, old value, new value, what happens) for one field, in file order."""

    columns: tuple[Field, ...]
    lines: tuple[tuple[Value, ...], ...]

    @property
    def total(self) -> int:
        return len(self.lines)

    def rows(self, offset: int, limit: int) -> Sequence[tuple[Value, ...]]:
        return self.lines[offset : offset + limit]


def changes_of(plan: ImportPlan, field: Field) -> _Changes:
    def column(fid: str, label: str, kind: FieldType = _TEXT) -> Field:
        return Field(fid, label, label, kind)

    old, new = _("Old value"), _("New value")
    columns = (
        column("CUSTOMERID", pgettext("column", "Customer ID")),
        column("ROW", _("Row"), FieldType.INTEGER),
        replace(field, id="OLD", label=old, label_fr=old) if plan.shows_old else column("OLD", old),
        replace(field, id="NEW", label=new, label_fr=new),
        column("WHAT", _("Change")),
    )
    hidden = _(HIDDEN)
    created, erased, changed = _("new customer"), _("erased"), _("changed")
    lines: list[tuple[Value, ...]] = []
    for record in plan.records:
        # Without List, a user is told what new customers get, not which stored customers a row changes.
        if record.action is Action.UNCHANGED or (record.action is Action.UPDATE and not plan.shows_old):
            continue
        for change in record.changes:
            if change.field != field.id or (record.action is Action.CREATE and change.new is None):
                continue
            what = created if record.action is Action.CREATE else (erased if change.blanked else changed)
            before = change.old if plan.shows_old else hidden
            lines.append((record.customer_id, record.row, before, change.new, what))
    return _Changes(columns, tuple(lines))


class FieldChanges(WithHelp, Screen[None]):
    HELP_TITLE = N_("Keys of a field's changes")
    KEY_HELP = (
        ("↑ ↓  j k  PageUp PageDown", N_("move through every change of the field")),
        ("Home End  g G", N_("first / last change")),
        ("← →", N_("move between columns")),
        ("<  >", N_("make the current column narrower / wider")),
        ("Escape  q", N_("back to the preview (nothing is written until you commit there)")),
    )
    CSS_PATH = "field_changes.tcss"
    BINDINGS = [Binding("escape,q", "back", N_("Back")), HELP_BINDING]

    def __init__(self, session: Session, plan: ImportPlan, field_id: str) -> None:
        super().__init__()
        self.session = session
        self.plan = plan
        self.field_id = field_id

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield CustomerGrid(id="changes")
        yield Footer()

    def on_mount(self) -> None:
        catalogue = self.session.catalogue
        field = catalogue.get(self.field_id) or Field(self.field_id, self.field_id, self.field_id, _TEXT)
        source = changes_of(self.plan, field)
        counts = self.plan.told_field_counts.get(self.field_id)
        words = field_counts_words(counts.as_json()) if counts else _("no change")
        plan = self.plan
        name = field_name(self.field_id, shown_labels(plan, catalogue), telling_headings(plan, catalogue))
        about = _("import of {file} (preview: nothing written yet)").format(file=safe_text(self.plan.file_name))
        self.query_one("#title", Static).update(Text.assemble((safe_text(name), "bold"), f" · {words} · {about}"))
        grid = self.query_one(CustomerGrid)
        grid.date_format = self.session.date_format
        grid.show(source, source.rows(0, 100))
        grid.focus()

    def on_customer_grid_selected(self, message: CustomerGrid.Selected) -> None:
        message.stop()  # a line of a preview opens nothing: the customer is not changed yet

    def action_back(self) -> None:
        """Back to the preview."""
        self.dismiss(None)
