"""The customer form's words: its keys as F1 shows them, its title line, why it is read only, and the messages of a
refused save sorted by the field they are about.

Headless (rich `Text`, no widgets), as `tui/history_rows.py` is for the history; `tui/screens/customer_form.py`
shows it. The IDs and names in the title come from the store: shown through `safe_text`, never as markup.
"""

from __future__ import annotations

from rich.text import Text

from core.catalogue import Catalogue
from core.i18n import N_, _
from core.regional import Region
from core.table import Issue
from core.users import Permission
from core.values import Value
from tui.session import Session
from tui.widgets.field_inputs import regional_example
from tui.widgets.grid import safe_text

# The form's keys and words, as F1 shows them.
FORM_KEYS = (
    ("Tab  Shift+Tab", N_("next / previous field")),
    ("Enter", N_("in a list field: open it and choose; space ticks a box")),
    ("Ctrl+S", N_("save (errors are shown beside the fields; nothing is saved while one is wrong)")),
    ("Ctrl+D", N_("mark the customer inactive (asks first)")),
    ("Escape", N_("cancel (asks first when something was changed)")),
    ("", ""),
    (N_("Values"), ""),
    (N_("Dates"), N_("as the box shows them (e.g. 31/12/2026), or as YYYY-MM-DD")),
    (N_("Amounts"), N_("digits with . or , for the decimals: 1234.50")),
    (N_("Blank"), N_("erases the field, as a blank cell does in an import")),
)


def form_title(
    session: Session, customer_id: str | None, record: dict[str, Value] | None, reason: str, room: int
) -> Text:
    """The form's one-line title: what is edited (or only shown), the customer's name, the level and the user,
    fitted to `room` cells."""
    s = session
    if customer_id is None:
        head = Text(_("New customer"), style="bold")
    else:
        # Read only here: nothing to edit.
        words = _("Customer {id}") if reason else _("Edit customer {id}")
        head = Text(words.format(id=safe_text(customer_id or "")), style="bold")
    name = safe_text(str(record.get("NAME") or "")) if record else ""
    who = _("user {name}").format(name=safe_text(s.user.name))
    tail = f" · {s.level} · {who}"
    # The line is one row: where it is short of room (French is longer), the word "user" goes first, then the
    # customer's name is cut with "…", so that the ID, the level and who is signed in always show whole.
    if head.cell_len + len(name) + 3 + len(tail) > room:
        tail = f" · {s.level} · {safe_text(s.user.name)}"
    if name:
        left = room - head.cell_len - len(tail) - 3
        if len(name) > left:
            name = name[: max(left - 1, 0)] + "…" if left > 4 else ""
        if name:
            head.append(f" · {name}")
    return Text.assemble(head, tail)


def read_only_reason(session: Session, customer_id: str | None, record: dict[str, Value] | None) -> str:
    """Why the form may not save ("" when it may): a missing permission, or a customer of another level."""
    s, user = session, session.user
    is_new = customer_id is None
    if is_new and not user.can(Permission.ADD):
        return _(
            "Read only: {user} may not add customers (the Add permission is missing). Ask an administrator for it."
        ).format(user=user.name)
    if not is_new and not user.can(Permission.EDIT):
        return _(
            "Read only: {user} may not change customers (the Edit permission is missing). Ask an administrator for it."
        ).format(user=user.name)
    owner = record.get("MEGAENTITYID") if record else None
    if not is_new and s.entity is not None and owner != s.entity:
        if owner is None:
            said = _(
                "Read only: customer {id} belongs to the top level. "
                "Change it from there (l in the list switches the level)."
            )
        else:
            said = _(
                "Read only: customer {id} belongs to entity {entity}. "
                "Change it from there (l in the list switches the level)."
            )
        return said.format(id=customer_id, entity=owner)
    return ""


def sorted_issues(
    issues: tuple[Issue, ...], ids: list[str], catalogue: Catalogue, sent: dict[str, str], region: Region | None
) -> tuple[dict[str, list[str]], list[str]]:
    """A refused save's messages: those about one of the form's fields (`ids`), by field ID, an amount's example
    written as the user's region writes it; and those about the whole customer."""
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for issue in issues:
        if issue.column in ids:
            field, typed = catalogue[issue.column], sent.get(issue.column, "")
            said = regional_example(field, issue.message, typed, region)
            by_field.setdefault(issue.column, []).append(said)
        else:
            general.append(issue.message)
    return by_field, general
