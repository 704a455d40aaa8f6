"""Changes that look like a spreadsheet's damage rather than the user's edit, warned about per field in the plan.

A "CSV for import" opened and saved by a spreadsheet program comes back changed in ways nobody typed: ZIP 07030
read as the number 7030, 04/03/2024 read the other way round, a 16-digit account number written 1.23457E+15.
Each is a change the import would write; none is refused (the user may mean it), but the plan warns once per field
and kind, with a count and the first row, and says what survives a round trip: the Excel export.

May import core only; used by `services.planning`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from core.i18n import _, group_digits, ngettext
from core.plan import Action, RecordPlan
from core.table import Issue, Severity
from core.values import Value

_EXPONENT = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


def _lost_zeros(old: Value, new: Value) -> bool:
    return isinstance(old, str) and isinstance(new, str) and old[:1] == "0" and old.lstrip("0") == new != ""


def _swapped(old: Value, new: Value) -> bool:
    if not isinstance(old, dt.date) or isinstance(old, dt.datetime) or not isinstance(new, dt.date):
        return False
    if old.day == old.month or old.day > 12:
        return False
    return new == dt.date(old.year, old.day, old.month)


def _exponent(old: Value, new: Value) -> bool:
    digits = old.replace(" ", "") if isinstance(old, str) else ""
    return digits.isdigit() and len(digits) >= 12 and isinstance(new, str) and bool(_EXPONENT.match(new.strip()))


_KINDS = ((_lost_zeros, "zeros"), (_swapped, "swapped"), (_exponent, "exponent"))


def _fix() -> str:
    return _(
        "If the file went through a spreadsheet, export to Excel (.xlsx) instead and edit that: a workbook keeps the "
        "values as they are"
    )


def _damaged(kind: str, count: int) -> str:
    """'3 values lost their leading zeros': how many values of a field met that kind of damage."""
    n = group_digits(count)
    if kind == "zeros":
        return ngettext(
            "{count} value lost its leading zeros", "{count} values lost their leading zeros", count
        ).format(count=n)
    if kind == "swapped":
        return ngettext(
            "{count} value has day and month swapped", "{count} values have day and month swapped", count
        ).format(count=n)
    if kind == "exponent_new":
        return ngettext(
            "{count} new customer's value is a number in scientific notation",
            "{count} new customers' values are numbers in scientific notation",
            count,
        ).format(count=n)
    return ngettext(
        "{count} value became a number in scientific notation", "{count} values became numbers in scientific notation",
        count,
    ).format(count=n)  # fmt: skip


def damage_warnings(records: Iterable[RecordPlan], labels: Mapping[str, str]) -> list[Issue]:
    """One warning per field and kind of damage found among the updates, in file order, with an example that
    quotes the stored value (for users who may see customers: the planner tells others nothing of it)."""
    found: dict[tuple[str, str], tuple[int, int, Value, Value]] = {}  # (field, kind) -> (count, row, old, new)
    for record in records:
        if record.action is Action.CREATE:
            # A new customer has no old value to compare with, but text such as 1.23457E+14 is no one's phone or
            # account number: a spreadsheet wrote a long number that way (few rows create; this costs little).
            for change in record.changes:
                new = change.new
                if isinstance(new, str) and new[:1].isdigit() and _EXPONENT.match(new.strip()):
                    count, row, old, new = found.get((change.field, "exponent_new"), (0, record.row, None, new))
                    found[(change.field, "exponent_new")] = (count + 1, row, old, new)
            continue
        if record.action is not Action.UPDATE:
            continue
        for change in record.changes:
            old = change.old
            # Each kind needs an old value starting with 0, a date, or a long number: most changes are none of them
            # (a 25,000-row file has tens of thousands of changes), and need no test at all.
            if change.blanked or not (isinstance(old, dt.date) or (isinstance(old, str) and old[:1].isdigit())):
                continue
            for test, kind in _KINDS:
                if test(old, change.new):
                    count, row, old, new = found.get((change.field, kind), (0, record.row, change.old, change.new))
                    found[(change.field, kind)] = (count + 1, row, old, new)
    warnings = []
    for (field, kind), (count, row, old, new) in found.items():
        label = labels.get(field, field)
        if kind == "exponent_new":
            example = _("row {row}: {new}").format(row=row, new=_text(new))
        else:
            example = _("row {row}: {old} → {new}").format(row=row, old=_text(old), new=_text(new))
        message = _("{field}: {values}, as a spreadsheet does when it reads a CSV ({example}). {fix}").format(
            field=label, values=_damaged(kind, count), example=example, fix=_fix()
        )
        warnings.append(Issue(None, field, None, message, Severity.WARNING))
    return warnings


def _text(value: Value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)
