"""The customer list's lines above the grid, in words: the status line (the view, "N of M customers", its filters
in what room is left, the level, who is signed in and which store), the line said instead when the user may not
list customers, why an empty list is empty, and the sort's arrow in the grid's header. Only text, no widgets:
`tui.screens.customer_list` shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from rich.text import Text

from core.catalogue import Field, FieldType
from core.i18n import _, group_digits, ngettext
from core.regional import screen_region
from core.users import Permission
from core.values import DateFormat, date_in, parse_decimal_text, spoken_date
from core.viewdef import Filter, Op, SortKey, View, shown_view_name
from tui.list_access import missing_permission, permission_name, view_kind
from tui.session import Session
from tui.widgets.grid import safe_text


def _number(text: str) -> Decimal | None:
    """A filter's number as the store reads it (a point or a comma for decimals), or None."""
    for comma in (False, True):
        try:
            return parse_decimal_text(text.strip(), decimal_comma=comma)
        except ValueError:
            continue
    return None


def described(session: Session, f: Filter) -> str:
    """A filter in words, its number or date written as the list writes them (issue 18: "greater than “10000”"
    read as a code beside a column of "10,000.00"): the region's grouping and decimals, its date format."""
    catalogue = session.catalogue
    field = catalogue.get(f.field)
    if field is None or f.op not in (Op.EQ, Op.NE, Op.LT, Op.GT):
        return f.describe(catalogue)
    region = screen_region()
    if field.type in (FieldType.DECIMAL, FieldType.INTEGER):
        number = _number(f.value)
        if number is None:
            return f.describe(catalogue)
        if field.type is FieldType.DECIMAL:
            shown = region.amount(number)
        else:
            whole = number == number.to_integral_value()
            grouped = f"{int(number):,}" if whole else f"{number:,}"
            shown = grouped.replace(",", "\0").replace(".", region.decimal).replace("\0", region.group)
        return replace(f, value=shown).describe(catalogue)
    if field.type in (FieldType.DATE, FieldType.TIMESTAMP):
        day = date_in(f.value, DateFormat.ISO) or date_in(f.value, session.date_format)
        if day is not None:  # the sentence's date ("before 1 April 2024") as the list's column writes it
            said = replace(f, value=day.isoformat()).describe(catalogue)
            return said.replace(spoken_date(day), region.date(day))
    return f.describe(catalogue)


def refused_line(session: Session) -> Text:
    """The status line of a user without the List permission: why the list stays empty, and what they may do."""
    user = session.user
    may_import, may_add = not missing_permission(user, "import"), user.can(Permission.ADD)
    if may_import and may_add:
        also = " · " + _("you may import (i) and add (n)")
    elif may_import or may_add:
        also = " · " + (_("you may import (i)") if may_import else _("you may add (n)"))
    else:
        also = ""
    refused = _("{user} may not see customers (no List permission)").format(user=user.name)
    return Text.assemble((refused, "bold"), also)


def counts_said(matching: int | None, of_total: int, loading: bool) -> str:
    """The counts: "N customers", or "N of M customers" while the quick filter narrows the view, or "counting…"."""
    if loading or matching is None:
        return _("counting…")
    if matching == of_total:
        n = of_total
        return ngettext("{count} customer", "{count} customers", n).format(count=group_digits(n))
    counts = ngettext("{matching} of {count} customer", "{matching} of {count} customers", of_total)
    return counts.format(matching=group_digits(matching), count=group_digits(of_total))


def status_line(session: Session, view: View, counts: str, width: int) -> Text:
    """The status line in `width` cells: the parts that matter most are the ones kept whole."""
    kind = view_kind(view)
    name = safe_text(shown_view_name(view.name))
    text = Text.assemble((name, "bold"), f" ({kind}) · ", counts)
    tail = Text()
    missing = sorted({m for m in (missing_permission(session.user, a) for a in ("edit", "new", "export")) if m})
    if missing:
        # Before the level and the user: on an 80-column terminal the reason must not be the part cut off.
        # The user's name goes with it: who is signed in must not be the part cut off either.
        who = safe_text(session.user.name)
        names = [permission_name(m) for m in missing]
        lacking = names[0] if len(names) == 1 else _("{first} or {second}").format(first=names[0], second=names[1])
        # "Reads only" when the user may not change customers; a user with Edit but no Add changes them.
        said = (
            _("{user} reads only (no {permission})")
            if "Edit" in missing
            else _("{user} may not add customers (no {permission})")
        )
        tail.append(" · " + said.format(user=who, permission=lacking), "italic")
        tail.append(f" · {session.level}")
    else:
        who = _("user {name}").format(name=safe_text(session.user.name))
        tail.append(f" · {session.level} · {who}")
    # Which store this is (a mistyped --db must not pass for the real one), where the line has room for it,
    # before the filters: at 80 columns the filters' text took its place (issue 18). The help (F1) always says
    # it in full.
    store = Text(f" · {safe_text(session.store.label)}", "dim")
    # The view's filters, after its counts, in what room the line has (cut with "…"): which customers these
    # are is the first thing to know about a list.
    wanted = "; ".join(described(session, f) for f in view.filters)
    # French is longer: where the line is short of room (for itself and the store, and with filters for the
    # start of the filters too), the view's kind goes first, then the word "user" before the name, so that the
    # name, the counts, the level and who is signed in always show whole.
    least = store.cell_len + (15 if wanted else 0)
    if text.cell_len + tail.cell_len + least > width:
        text = Text.assemble((name, "bold"), " · ", counts)
    if text.cell_len + tail.cell_len + least > width and not missing:
        tail = Text(f" · {session.level} · {safe_text(session.user.name)}")
    if text.cell_len + tail.cell_len + store.cell_len > width:
        store = Text()
    room = width - text.cell_len - tail.cell_len - store.cell_len - 3
    if wanted and room >= 12:
        shown = safe_text(wanted) if len(wanted) <= room else safe_text(wanted[: room - 1]) + "…"
        text.append(f" · {shown}", "italic")
    text.append_text(tail)
    text.append_text(store)
    return text


def empty_reason(quick: str, of_total: int | None, view: View) -> Text:
    """Why the list is empty, and the way out: the quick filter, the view's filters, or no customers at all."""
    if quick and of_total:
        return Text(_("No customer matches “{text}” · Escape clears the filter").format(text=quick))
    if view.filters:
        return Text(_("No customer matches this view's filters · v chooses or changes the view"))
    return Text(_("No customers here yet · i imports a file, n adds a customer"))


def sort_marks(columns: Sequence[Field], sort: Sequence[SortKey]) -> dict[int, str]:
    """The grid's header marks: the column the list is sorted by first, "▲" ascending or "▼" descending."""
    return {
        i: ("▼" if key.descending else "▲")
        for i, column in enumerate(columns)
        for key in sort[:1]
        if key.field == column.id
    }
