"""The column-mapping step's own words, beside its rows' (`tui/mapping_rows.py`): its title line (the file, how it
was read, the level and the user), the line under it (the mapping used, the row the column names are on, why a
mapping could not be used), why it cannot go on yet, the titles, hints and values of its pickers (a column's field,
another field for it, one value for every new customer, the header row, another mapping), and what it notifies: a
field moved from one column to another, a value for every new customer, a name missing, a mapping saved.

Headless (rich `Text`, no widgets), as `tui/preview_words.py` is for the preview; `tui/screens/import_mapping.py`
shows it and decides when. The file's, the columns', the fields' and the user's names come from outside: what is
rendered goes through `safe_text`, what is notified is sent with markup off.
"""

from __future__ import annotations

from rich.text import Text

from core.catalogue import Field
from core.i18n import _, ngettext
from services.imports import describe_source
from services.mapping_step import MappingProposal
from tui.mapping_rows import header_line
from tui.plan_words import styled_around
from tui.screens.picker_dialog import PickItem
from tui.session import Session
from tui.widgets.grid import safe_text


def step_title(session: Session, p: MappingProposal) -> Text:
    """The title line: the file in bold, then how it was read, the level and the user."""
    user = _("user {name}").format(name=safe_text(session.user.name))
    return Text.assemble(
        *styled_around(_("Map the columns of {file}"), safe_text(p.table.name), "bold"),
        f" · {describe_source(p.table)} · {session.level} · {user}",
    )  # fmt: skip


def using_line(p: MappingProposal) -> Text:
    """The mapping used, with the key for another, then (dim) the header row and why a mapping could not be used."""
    # The header line says where the column names are (what core.header_row's note says, and the key for
    # another row); the note itself would take two more lines at 80 columns.
    using = Text(safe_text(p.using) + " · " + _("m: another mapping"))
    using.append("\n" + header_line(p), style="dim")
    if p.unusable:
        using.append("\n" + safe_text(p.unusable), style="dim")
    return using


def cannot_yet(problem: str, *, offline: bool) -> str:
    """Why the step cannot go on yet: to the preview, or to queue the job (`offline`)."""
    cannot = _("Cannot queue the job yet: {problem}.") if offline else _("Cannot preview yet: {problem}.")
    return cannot.format(problem=problem.rstrip("."))


def pick_words(shown: str, *, add: bool) -> tuple[str, str]:
    """The field picker's title and hint for the column `shown` (already through safe_text): the field it feeds,
    or another field it feeds too (`add`)."""
    if add:
        title = _("Another field for “{column}”").format(column=shown)
        return title, _("Enter add · Esc cancel · with another column's field: both, joined")
    title = _("Field for “{column}”").format(column=shown)
    return title, _("Enter choose · Esc cancel · another column's field moves here")


def moved_notice(field: str, column: str, moved: list[str]) -> str:
    """Notified when `field` now comes from `column`: the columns (`moved`) that fed it no longer do."""
    others = ", ".join(f"“{m}”" for m in moved)
    text = ngettext(
        "{field} now comes from “{column}”; {others} no longer feeds it.",
        "{field} now comes from “{column}”; {others} no longer feeds it.",
        len(moved),
    )
    return text.format(field=field, column=column, others=others)


def no_value_needed() -> str:
    """Notified when v is pressed and no required field needs one value for every new customer."""
    return _("No field needs one value for every new customer: each one a new customer needs has a column.")


def value_picker(field: Field) -> tuple[str, list[PickItem], str]:
    """The title, lines and hint of the picker of one value of `field` for every new customer: its list, or (a
    field without one, a yes/no) TRUE and FALSE."""
    values = field.values if field.values else ("TRUE", "FALSE")
    items = [PickItem(v, Text(safe_text(v)), v) for v in values]
    title = _("{field} of every new customer").format(field=safe_text(field.shown_label))
    return title, items, _("Enter choose · Esc cancel")


def value_notice(field: Field, value: str) -> str:
    """Notified once `value` is chosen for every new customer."""
    return _("Every new customer gets {field} {value}.").format(field=field.shown_label, value=value)


def header_words(now: int) -> tuple[str, str]:
    """The header-row picker's title and hint (`now`: the row the column names are on)."""
    title = _("Which row holds the column names?")
    return title, _("Enter: the names are on this row · Esc keep row {row}").format(row=now)


def mappings_words() -> tuple[str, str]:
    """The mapping picker's title and hint."""
    return _("Use a mapping for these columns"), _("Enter use it · Esc keep the columns as they are")


def name_needed() -> str:
    """Notified when the mapping is saved without a name."""
    return _("Type a name for the mapping, then Ctrl+S (or Save).")


def saved_notice(name: str, *, public: bool) -> tuple[str, str]:
    """What is notified once the mapping is saved as `name`, and the notification's title."""
    if public:
        text = _(
            "Saved the mapping “{name}”, shared with other users: a file with these columns gets it next time "
            "(custbook mappings list shows it)."
        )
    else:
        text = _(
            "Saved the mapping “{name}”, private to you: a file with these columns gets it next time "
            "(custbook mappings list shows it)."
        )
    return text.format(name=name), _("Mapping saved")
