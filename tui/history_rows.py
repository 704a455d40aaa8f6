"""The history screen's words and rows: what a batch was ("the import of first.csv by alice on ..."), its kind and
source as the batch table shows them, its headings, and one batch's changes as the grid shows them, values written as
people read them (dates in their format, amounts as their region writes them, Yes/No). No widgets: used by
`tui.screens.history`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rich.text import Text

from core.catalogue import Field, FieldType
from core.i18n import N_, _, pgettext
from core.regional import Region
from core.values import DateFormat, Value
from core.wording import edited_customer, stored_batch_name
from store.records import Batch

EMPTY = N_("(empty)")
WHAT = {"create": N_("created"), "delete": N_("removed"), "update": N_("changed")}


def _column(fid: str, label: str) -> Field:
    return Field(fid, label, label, FieldType.TEXT)


def change_columns() -> tuple[Field, ...]:
    """The grid's columns for a batch's changes, named in the language of the moment."""
    return (
        _column("CUSTOMERID", pgettext("column", "Customer ID")),
        _column("FIELD", _("Field")),
        _column("OLD", _("Old value")),
        _column("NEW", _("New value")),
        _column("WHAT", _("Change")),
    )


@dataclass
class ChangeRows:
    """The grid's source for one batch's changes, already formatted (held in memory: the store gave a list).
    Values are shortened to fit the screen; `full` keeps them whole for the line under the grid."""

    rows_: list[tuple[Value, ...]]
    full: list[tuple[str, str]]
    columns: tuple[Field, ...] = ()

    def __post_init__(self) -> None:
        if not self.columns:
            self.columns = change_columns()

    @property
    def total(self) -> int:
        return len(self.rows_)

    def rows(self, offset: int, limit: int) -> Sequence[tuple[Value, ...]]:
        return self.rows_[offset : offset + limit]


def when(at: dt.datetime, date_format: DateFormat) -> str:
    return f"{date_format.format(at.date())} {at:%H:%M}"


def describe(batch: Batch, date_format: DateFormat) -> str:
    """What a batch was, for titles and the confirmation: "the import of first.csv by alice on 28/11/2026 08:54"."""
    values = {"user": batch.user, "when": when(batch.at, date_format)}
    if batch.kind == "undo":
        return _("the undo of {batch} by {user} on {when}").format(batch=batch.undoes, **values)
    if batch.kind == "edit" and batch.file_name:
        return _("the edit of {customer} by {user} on {when}").format(
            customer=edited_customer(batch.file_name), **values
        )
    if batch.kind == "import" and batch.file_name:
        return _("the import of {file} by {user} on {when}").format(file=batch.file_name, **values)
    if batch.kind == "import":
        return _("the import by {user} on {when}").format(**values)
    if batch.file_name:
        return _("the {kind} of {file} by {user} on {when}").format(kind=batch.kind, file=batch.file_name, **values)
    return _("the {kind} by {user} on {when}").format(kind=batch.kind, **values)


def kind_word(batch: Batch) -> str:
    """The batch's kind in the table: "import", "edit", "undo of B1", in the user's language."""
    if batch.kind == "undo":
        return pgettext("batch kind", "undo of {batch}").format(batch=batch.undoes)
    return {"import": pgettext("batch kind", "import"), "edit": pgettext("batch kind", "edit")}.get(
        batch.kind, batch.kind
    )


def source_words(batch: Batch) -> str:
    """The File column: the file, and how its columns were read when it came from another product (as `custbook
    history` says); an edit's "edit of C0000001" in the user's language."""
    name = stored_batch_name(batch.file_name or "")
    if batch.mapping:
        return _("{file} (mapping {mapping})").format(file=name, mapping=batch.mapping)
    return name


def batch_headings() -> list[str]:
    """The batch table's headings, in the language of the moment. The counts come before the file's name, which
    can be long: at 80 columns they stay in view."""
    return [
        _("Batch"),
        _("Kind"),
        _("When"),
        pgettext("column", "User"),
        pgettext("import counts", "New"),
        pgettext("import counts", "Updated"),
        pgettext("import counts", "Erased"),
        pgettext("import counts", "Failed"),
        _("Undone by"),
        _("File"),
    ]


def spaced(cell: Text) -> Text:
    """A cell with the space before it that a padded column would give it (the tight layout pads nothing)."""
    out = Text(" ", justify=cell.justify)
    out.append_text(cell)
    return out


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def shown_value(field: Field | None, text: str | None, date_format: DateFormat, region: Region | None = None) -> str:
    """A value as the history stores it (canonical text) as people read it: dates in their format, amounts as the
    region writes them ('12 000,00' in French), Yes/No."""
    if text is None or text == "":
        return _(EMPTY)
    if field is not None and field.type is FieldType.DATE:
        try:
            return date_format.format(dt.date.fromisoformat(text))
        except ValueError:
            return text
    if field is not None and field.type is FieldType.DECIMAL and region is not None:
        try:
            return region.amount(Decimal(text))
        except (InvalidOperation, ValueError):
            return text
    if field is not None and field.type is FieldType.BOOL:
        return {"true": _("Yes"), "false": _("No")}.get(text.lower(), text)
    return text
