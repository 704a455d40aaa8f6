"""The column-mapping step's words and rows: a `MappingProposal` (services.mapping_step) as the cells of its table,
the sentence under it for one column, the row the column names are on, what is still unfed, and the lines of the
field, mapping and header-row pickers.

Headless (rich `Text`, no widgets), as `tui/import_rows.py` is for the preview, so that it is tested without a
screen; `tui/screens/import_mapping.py` shows it. Every text from the file or the store goes through `safe_text`.
Words are in the user's language (core.i18n): the tables below are marked with N_ and translated where they are
shown; fields are named by `Field.shown_label`.
"""

from __future__ import annotations

from rich.text import Text

from core.header_row import LOOK_DOWN
from core.i18n import N_, _, group_digits, ngettext
from core.mapping import header_key
from core.table import RawTable, short
from services.mapping_columns import Origin, StepColumn
from services.mapping_step import MappingProposal
from services.mappings import MappingEntry
from tui.screens.picker_dialog import PickItem
from tui.widgets.grid import safe_text

NONE = "-"  # the value of "Not imported", "(no matching)" and "No mapping" in the lists
COLUMNS = (("column", N_("File column")), ("values", N_("First values")), ("feeds", N_("Feeds")), ("how", N_("How")))
HOW = {
    Origin.BY_NAME: N_("by name"),
    Origin.MAPPING: N_("mapping"),
    Origin.SUGGESTED: N_("suggested"),
    Origin.CHOSEN: N_("chosen"),
}
UNKNOWN = N_("unknown")
WHY = {
    Origin.BY_NAME: N_("its heading names the field"),
    Origin.MAPPING: N_("as the mapping says"),
    Origin.SUGGESTED: N_("custbook's suggestion"),
    Origin.CHOSEN: N_("your choice"),
}
Widths = tuple[int, int, int, int]
# The step's keys and words, as F1 shows them.
STEP_KEYS = (
    ("↑ ↓  PageUp PageDown", N_("move through the file's columns (the line under them shows one in full)")),
    ("Enter", N_("choose the field the column feeds, type to search; or Not imported")),
    (
        "a",
        N_(
            "the column feeds one more field as well. If another column already feeds that field, the values "
            "of both are joined with a space (a given name and a family name into Customer name)"
        ),
    ),
    ("s  Delete", N_("skip the column: it is not imported")),
    ("h", N_("choose the row that holds the column names, when the file has title rows above them")),
    (
        "v",
        N_(
            "give every new customer one value for a required field no column feeds (a list or a checkbox, such as "
            "a Segment the other product does not have); --default FIELD=VALUE on the command line"
        ),
    ),
    ("m", N_("use another mapping, saved or built in, or none (custbook's suggestions)")),
    ("Tab  Shift+Tab", N_("generate IDs, match customers by, the mapping's name, shared, the buttons")),
    (
        "Ctrl+S",
        N_(
            "save these choices as a mapping under the name typed: private to you, or shared with other "
            "users when “Shared with other users” is ticked"
        ),
    ),
    (
        "F5  Ctrl+R",
        N_(
            "preview the import: nothing is written until you commit. It opens once every field a new "
            "customer needs has a column, or when customers are matched by a field (the rows may all "
            "update customers you have)"
        ),
    ),
    ("Escape", N_("back to the file and its options")),
    ("", ""),
    (N_("Generate IDs"), N_("a row without an ID that matches nobody is a new customer, numbered like the store's")),
    (N_("Match by"), N_("a row without an ID updates the customer with the same value: importing again adds nobody")),
    (N_("column B"), N_("a column with data but no heading in the file, named by its letter")),
    ("", ""),
    (N_("How"), N_("why a column feeds what it feeds (on a wide screen; the line under the table says it too)")),
    (N_("by name"), N_("its heading names a field of custbook's")),
    (N_("mapping"), N_("the mapping in use says so")),
    (N_("suggested"), N_("custbook's guess from the heading: check it")),
    (N_("unknown"), N_("custbook knows no field like it: left out unless you choose one")),
    (N_("chosen"), N_("your choice")),
)
WIDE = 100  # from this width the table has room for the How column; narrower, the line under it says why
FEEDS = len("Customer name + Print as")
HEADER_ITEM = 62  # a line of the header-row picker, in a dialog 74 wide with its border, padding and scroll bar


def column_widths(total: int) -> Widths:
    """The table's column widths for a screen `total` cells wide (0: not shown). The file's column gets the most
    room: other products' headings are long and alike ("Allow Sales Invoice Creation Without Sales Order", "...
    Without Delivery Note"); what it feeds gets room for two labels; How only on a wide screen."""
    how = max(len(_(h)) for h in (*HOW.values(), UNKNOWN)) if total >= WIDE else 0
    shown = len(COLUMNS) if how else len(COLUMNS) - 1
    rest = max(total - 4 - 2 * shown - how, 30)  # border and scroll bar; a cell's padding either side
    heading, feeds = rest * 40 // 100, max(FEEDS, rest * 30 // 100)
    return heading, max(rest - heading - feeds, 6), feeds, how


def middle(text: str, width: int) -> str:
    """`text` cut to `width` in its middle: headings alike at their start differ at their end."""
    if len(text) <= width:
        return text
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + (text[-tail:] if tail else "")


def one_line(text: str) -> str:
    """A cell as one line: its line breaks and runs of spaces as single spaces, its control characters shown."""
    return safe_text(" ".join(text.split()))


def how(column: StepColumn) -> str:
    """Why the column feeds what it feeds, in a word of the user's language."""
    # A column custbook could not guess is not "suggested" to be left out: it names nothing custbook knows.
    return _(UNKNOWN) if unknown(column) else _(HOW[column.origin])


def unknown(column: StepColumn) -> bool:
    return column.origin is Origin.SUGGESTED and not column.fields


def cells(p: MappingProposal, column: StepColumn, widths: Widths) -> tuple[Text, Text, Text, Text]:
    """One line of the table: the column, its first values, what it feeds, and why."""
    heading, values, feeds, _how = widths
    samples = " · ".join(one_line(v) for v in column.samples)
    if column.fields:
        joined = [
            _("{field} (joined)").format(field=p.catalogue[f].shown_label)
            if len(p.feeders[f]) > 1
            else p.catalogue[f].shown_label
            for f in column.fields
        ]
        fed = Text(short(safe_text(" + ".join(joined)), feeds))
    else:
        fed = Text(_("not imported"), style="dim")
    return (
        Text(middle(safe_text(column.shown), heading)),
        Text(short(samples, values)) if samples else Text(_("(blank)"), style="dim"),
        fed,
        Text(how(column), style="bold" if column.origin is Origin.CHOSEN else "dim"),
    )


def detail(p: MappingProposal, column: StepColumn) -> Text:
    """The column in full, under the table: what it feeds (joined with which columns), why, its first values."""
    parts = []
    for fid in column.fields:
        label = p.catalogue[fid].shown_label
        others = [c.shown for c in p.feeders[fid] if c.index != column.index]
        if others:
            quoted = ", ".join(f"“{o}”" for o in others)
            parts.append(_("{field} (joined with {columns})").format(field=label, columns=quoted))
        else:
            parts.append(label)
    why = _("custbook knows no field like it") if unknown(column) else _(WHY[column.origin])
    values = " · ".join(one_line(v) for v in column.samples) or _("none: the column is blank")
    name = f"“{safe_text(column.shown)}”"
    if parts:
        fields = safe_text(and_list(parts))
        if column.untitled:
            sentence = _("{column} (no heading in the file) feeds {fields} ({why}). First values: {values}")
        else:
            sentence = _("{column} feeds {fields} ({why}). First values: {values}")
    elif column.untitled:
        sentence = _("{column} (no heading in the file) is not imported ({why}). First values: {values}")
    else:
        sentence = _("{column} is not imported ({why}). First values: {values}")
    return Text(sentence.format(column=name, fields=fields if parts else "", why=why, values=values))


def and_list(parts: list[str]) -> str:
    """'A and B and C', in the user's language."""
    text = parts[0]
    for part in parts[1:]:
        text = _("{first} and {second}").format(first=text, second=part)
    return text


def header_line(p: MappingProposal) -> str:
    """Which row holds the column names, and the key to choose another."""
    row = p.table.header_row
    if row == 1:
        return _("The column names are on row 1 · h: another row")
    if row == 2:
        return _("The column names are on row 2 (row 1 skipped) · h: another row")
    return _("The column names are on row {row} (rows 1-{last} skipped) · h: another row").format(row=row, last=row - 1)


def header_rows(raw: RawTable) -> list[tuple[int, tuple[str, ...]]]:
    """The rows at the top of the file that could hold the column names (spreadsheet number, cells): the first
    row and those below it that custbook looks for a header in (core.header_row), blank rows left out."""
    rows = [(raw.header_row, raw.header), *((r.number, r.cells) for r in raw.rows[:LOOK_DOWN])]
    return [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]


def header_items(rows: list[tuple[int, tuple[str, ...]]]) -> list[PickItem]:
    """The header-row picker's lines: each row at the top of the file with its cells that hold something, on one
    line (the dialog is 74 wide at most: one row a line keeps the rows easy to tell apart); its value the row's
    number."""
    items = []
    for number, row in rows:
        filled = [one_line(c) for c in row if c.strip()]
        label = _("Row {row}").format(row=number)
        line = Text.assemble((label, "bold"), "  ", short(" · ".join(filled), HEADER_ITEM - len(label)))
        items.append(PickItem(str(number), line, f"{label} row {number} {' '.join(filled[:40])}"))
    return items


def unfed_sentence(p: MappingProposal) -> tuple[str, bool]:
    """What new customers still lack, and whether that is a warning (the Customer ID, and what to do when the
    preview cannot open, are the problem line's to say)."""
    missing = [p.catalogue[f].shown_label for f in p.unfed if f != "CUSTOMERID"]
    if missing:
        n = len(missing)
        listed = safe_text(", ".join(missing))
        if not p.finds_customers:  # the problem line says what to do
            if p.valued():
                text = ngettext(
                    "Not fed yet: {fields}. Every new customer needs it. v: one value for every new customer.",
                    "Not fed yet: {fields}. Every new customer needs them. v: one value for every new customer.",
                    n,
                )
            else:
                text = ngettext(
                    "Not fed yet: {fields}. Every new customer needs it.",
                    "Not fed yet: {fields}. Every new customer needs them.",
                    n,
                )
            return text.format(fields=listed), True
        if p.keys.match is not None:
            fail = _("rows that match no customer by {field} will fail").format(
                field=p.catalogue[p.keys.match].shown_label
            )
        else:
            fail = _("rows whose Customer ID the store does not have will fail")
        if p.valued():
            text = ngettext(
                "Not fed yet: {fields}. Every new customer needs it: {fail}. Choose a column for it (Enter) "
                "or v: one value for every new customer.",
                "Not fed yet: {fields}. Every new customer needs them: {fail}. Choose a column for them (Enter) "
                "or v: one value for every new customer.",
                n,
            )
        else:
            text = ngettext(
                "Not fed yet: {fields}. Every new customer needs it: {fail}. Choose a column for it (Enter).",
                "Not fed yet: {fields}. Every new customer needs them: {fail}. Choose a column for them (Enter).",
                n,
            )
        return text.format(fields=listed, fail=fail), True
    if "CUSTOMERID" not in p.feeders and p.keys.match and not p.keys.generate:
        return _("Rows that match no customer will fail: tick Generate IDs to create them."), True
    given = "; ".join(
        _("{field} {value} for every new customer (v)").format(field=p.catalogue[f].shown_label, value=v)
        for f, v in p.defaults
    )
    if given:
        return _("Every field a new customer needs is fed. {defaults}.").format(defaults=safe_text(given)), False
    return _("Every field a new customer needs is fed."), False


def match_options(p: MappingProposal) -> list[tuple[str, str]]:
    """The choices of "Match customers by": none, or a field a column feeds that customers can be found by."""
    return [(_("(no matching)"), NONE)] + [(f"{p.catalogue[f].shown_label} ({f})", f) for f in p.matchable]


def field_items(p: MappingProposal, column: StepColumn, *, add: bool) -> list[PickItem]:
    """The field picker's lines for a column: Not imported (unless adding), then every importable field, with what
    new customers need, this column's own fields, and the column another field now comes from."""
    not_imported = _("Not imported: leave the column out")
    # The words typing finds the line by: its own, and "skip" and "none" as well (what a user may look for).
    words = _("not imported skip none")
    items = [] if add else [PickItem(NONE, Text(not_imported), words)]
    for field in p.catalogue.importable:
        line = Text.assemble(safe_text(field.shown_label), " ", (field.id, "dim"))
        if field.required and field.id != "CUSTOMERID":  # IDs may be generated
            line.append(" · " + _("new customers need it"), "dim italic")
        others = [c.shown for c in p.feeders.get(field.id, ()) if c.index != column.index]
        if field.id in column.fields:
            line.append(" · " + _("this column"), "bold")
        elif others:
            line.append(" · " + _("now from {columns}").format(columns=safe_text(", ".join(others))), "dim")
        items.append(PickItem(field.id, line, " ".join(field.names)))
    return items


def mapping_items(p: MappingProposal, entries: list[MappingEntry], user: str) -> list[PickItem]:
    """The mapping picker's lines: none, then every mapping the user may use, those naming most of the file's
    columns first; each item's value is the entry's position in `entries`."""
    keys = {header_key(c.name) for c in p.columns}
    fits = []
    for at, entry in enumerate(entries):
        named = {header_key(h) for h, _field in entry.mapping.columns}
        named |= {header_key(h) for _field, hs in entry.mapping.joins for h in hs}
        fits.append((len(keys & named), at, entry))
    none = _("No mapping: custbook's suggestions")
    items = [PickItem(NONE, Text(none), _("none no mapping suggestions"))]
    for hits, at, entry in sorted(fits, key=lambda f: -f[0]):
        if entry.builtin:
            whose = _("built in, {product}").format(product=entry.product) if entry.product else _("built in")
        elif entry.owner == user:
            whose = _("yours, public") if entry.public else _("yours")
        else:
            whose = _("shared by {user}").format(user=entry.owner)
        line = Text.assemble(safe_text(entry.name), (f" · {safe_text(whose)}", "dim"))
        names = ngettext("names {hits} of {count} columns", "names {hits} of {count} columns", len(keys))
        line.append(" · " + names.format(hits=group_digits(hits), count=group_digits(len(keys))), "dim")
        items.append(PickItem(str(at), line, f"{entry.name} {entry.product or ''} {entry.owner or ''}"))
    return items
