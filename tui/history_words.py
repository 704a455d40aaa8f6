"""The history screen's own words, beside its rows: its keys as F1 shows them, a batch's cells in the batch table,
the status line over it, the title over one batch's changes, the line naming the change under the cursor, and the
question asked before an undo.

Headless (rich `Text`, no widgets), as `tui/preview_words.py` is for the import preview; `tui/screens/history.py`
shows it. What a batch was, its kind, source and headings, and its changes as the grid shows them are in
`tui.history_rows`. IDs, users, files and values come from the store: shown through `safe_text`, never as markup.
"""

from __future__ import annotations

from rich.text import Text

from core.i18n import N_, _, group_digits, ngettext
from core.values import DateFormat, Value
from services.undo import undo_effects
from store.records import Batch
from tui.dates import short_when
from tui.history_rows import describe, kind_word, source_words, when
from tui.widgets.grid import safe_text

COUNTS = range(4, 8)  # the batch table's count columns (New, Updated, Erased, Failed), right-aligned

# The history's keys and what they do, as F1 shows them.
HISTORY_KEYS = (
    ("↑ ↓  j k", N_("move through the batches, newest first")),
    ("Home End  g G", N_("first / last batch")),
    ("Enter", N_("the batch's field changes; Enter on a change opens its customer")),
    ("u", N_("undo the batch (asks first; an undo can be undone too)")),
    ("Escape  q", N_("back (from the changes to the batches, then to the list)")),
)


def batch_cells(b: Batch, short: bool, fmt: DateFormat) -> list[Text]:
    """A batch's cells; `short`: its date without the year when it is this year's."""
    style = "dim" if b.undone_by else ""
    # An undo's New says what it did to customers: removed them, or (undoing an undo) brought them back; a bare
    # "-1" read as an error.
    new = group_digits(b.created)
    if b.kind == "undo" and b.created:
        new = ngettext("{count} back", "{count} back", b.created).format(count=group_digits(b.created))
    elif b.kind == "undo":
        removed = ngettext("{count} removed", "{count} removed", b.removed)
        new = removed.format(count=group_digits(b.removed)) if b.removed else "0"
    counts = (group_digits(b.updated), group_digits(b.blanked), group_digits(b.failed))
    at = short_when(b.at, fmt) if short else when(b.at, fmt)
    cells = (b.id, kind_word(b), at, b.user, new, *counts)
    row = [Text(safe_text(str(c)), style, justify="right" if i in COUNTS else "left") for i, c in enumerate(cells)]
    return [*row, Text(b.undone_by or "", style="bold"), Text(safe_text(source_words(b)), style)]


def history_status(count: int, limit: int, user_name: str) -> Text:
    """The status line: how many batches are listed (`limit`: the most that are), and who is signed in."""
    if not count:
        summary = _("no imports or edits yet")
    elif count < limit:
        summary = ngettext("{count} batch, newest first", "{count} batches, newest first", count)
    else:
        summary = ngettext(
            "{count} batch, the {limit} newest first", "{count} batches, the {limit} newest first", count
        )
    summary = summary.format(count=group_digits(count), limit=group_digits(limit))
    user = _("user {name}").format(name=safe_text(user_name))
    return Text.assemble((_("History"), "bold"), f" · {summary} · {user}")


def changes_title(batch: Batch, rows: list[tuple[Value, ...]], fmt: DateFormat) -> Text:
    """The title over a batch's changes: the batch in bold, what it was, and how many changes on how many customers."""
    customers = len({r[0] for r in rows})
    changes = ngettext("{count} field change", "{count} field changes", len(rows))
    on = ngettext("on {count} customer", "on {count} customers", customers)
    size = _("{changes} {customers}").format(
        changes=changes.format(count=group_digits(len(rows))), customers=on.format(count=group_digits(customers))
    )
    return Text.assemble((batch.id, "bold"), f" · {safe_text(describe(batch, fmt))} · {size}")


def change_line(cid: Value, label: Value, what: Value, old: str, new: str) -> Text:
    """One change, whole: the customer in bold, the field and what was done to it, then the old and new values."""
    change = _("{field} ({change}):").format(field=label, change=what)
    return Text.assemble(
        (safe_text(str(cid)), "bold"), f" · {change} ", safe_text(old), ("  →  ", "bold"), safe_text(new)
    )


def undo_question(batch: Batch, fmt: DateFormat) -> tuple[str, str, str, str]:
    """What the dialog before an undo says: its title, its message (what the batch was and what undoing it does),
    and its two buttons' labels (undo, keep)."""
    parts = undo_effects(batch)
    effects = parts[0] if parts else ""
    for part in parts[1:]:
        effects = _("{first} and {second}").format(first=effects, second=part)
    question = _("Undo {batch}, {what}?").format(batch=batch.id, what=describe(batch, fmt))
    does = _("This {effects}.").format(effects=effects) if parts else _("This restores the state before it.")
    after = _(
        "The undo is recorded as a new batch. "
        "If a later change touched any of these customers, nothing is changed and you are told which."
    )
    message = f"{question}\n\n{does} {after}"
    title, button = _("Undo batch {batch}?").format(batch=batch.id), _("Undo {batch}").format(batch=batch.id)
    keep = _("Keep {batch}").format(batch=batch.id)
    return title, message, button, keep
