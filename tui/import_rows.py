"""The import preview's rows: an `ImportPlan` as the lines of each tab (by field, new, updated, blanked, unchanged,
errors, warnings) with the full sentence behind each line, the tabs shown and their titles, the fields' labels.

Headless (rich `Text`, no widgets) so that it is tested without a screen; `tui/screens/import_preview.py` shows
it. Values are formatted as the documents show them (`display_formatter`, amounts and dates as the screen's region
writes them) and every text from the file or the store goes through `safe_text`. Each tab holds at most `SHOWN_ROWS`
lines: a table of 25,000 rows would take seconds to draw, and the counts already say how many there are. Every
sentence is whole in the user's language (core.i18n), field labels as `Field.shown_label` gives them.

The plan's words (the counts line, the notes, the Erased banner, the commit's question and its outcome, and
`styled_around`) moved to `tui/plan_words.py`, to keep this module small.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from rich.text import Text

from core.catalogue import Catalogue, FieldType
from core.i18n import _, group_digits, ngettext, pgettext
from core.plan import HIDDEN, Action, FieldChange, ImportPlan, RecordPlan
from core.regional import Region, screen_region
from core.table import Issue
from core.validate import UNPARSED
from core.values import DateFormat, Value
from core.wording import field_counts_words, field_name
from formats.csv.for_import import display_formatter
from tui.widgets.grid import safe_text

SHOWN_ROWS = 2000  # per tab: DataTable needs ~0.3 s for 2,000 rows, and 9 s for 25,000
MAX_CELL = 60  # longer values are cut in the table; the line under it shows them whole
TABS = ("fields", "new", "updated", "blanked", "unchanged", "errors", "warnings")
_Lines = tuple[tuple[str, ...], Iterable[tuple[tuple[object, ...], str]], int]  # columns, (cells, sentence)s, total


def told_tabs(plan: ImportPlan) -> tuple[str, ...]:
    """The tabs a plan shows its user: without List, no Erased nor Unchanged tab (whether a row changes its customer
    would tell what the store holds), and the Updated tab lists the rows to apply (`tab_title`)."""
    return TABS if plan.shows_old else tuple(t for t in TABS if t not in ("blanked", "unchanged"))


def tab_title(pane: str, plan: ImportPlan | None = None) -> str:
    """A tab's title in the user's language (the counts line and the command line say "erased": the tab too)."""
    if pane == "updated" and plan is not None and not plan.shows_old:
        return pgettext("import counts", "To apply")
    titles = {
        "fields": pgettext("import counts", "By field"),
        "new": pgettext("import counts", "New"),
        "updated": pgettext("import counts", "Updated"),
        "blanked": pgettext("import counts", "Erased"),
        "unchanged": pgettext("import counts", "Unchanged"),
        "errors": pgettext("import counts", "Errors"),
        "warnings": pgettext("import counts", "Warnings"),
    }
    return titles.get(pane, pane)


def shown_labels(plan: ImportPlan, catalogue: Catalogue) -> dict[str, str]:
    """Each field's label in the user's language: the session's catalogue's, else the plan's (a field added since
    the session began)."""
    return {**plan.labels, **{f.id: f.shown_label for f in catalogue.fields}}


def telling_headings(plan: ImportPlan, catalogue: Catalogue) -> dict[str, str]:
    """The file's headings worth saying beside a field's label ("Nom (file: nom)"): not the field's English label,
    which says nothing more in French than the French label does."""
    english = {f.id: f.label.strip().casefold() for f in catalogue.fields}
    return {fid: h for fid, h in plan.column_names.items() if h.strip().casefold() != english.get(fid)}


@dataclass(frozen=True)
class TabRows:
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]  # the first SHOWN_ROWS lines' cells
    details: list[str]  # the whole sentence of each of those lines
    total: int  # how many lines the tab has in all

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


class PlanRows:
    """The tabs of one plan. `warning` is the style of what will be erased (the theme's warning colour); amounts and
    dates are written as `region` writes them (the screen's, core.regional, unless given)."""

    def __init__(
        self,
        plan: ImportPlan,
        catalogue: Catalogue,
        date_format: DateFormat,
        warning: str,
        region: Region | None = None,
    ) -> None:
        self.plan = plan
        self.catalogue = catalogue
        self.date_format = date_format
        self.warning = warning
        self.region = region or screen_region()
        self._formats: dict[str, Callable[[Value], str]] = {}
        self._shown: dict[str, str] | None = None
        self._headed: dict[str, str] | None = None

    def sizes(self) -> dict[str, int]:
        """How many of each the plan holds, as the tab titles say it (Updated counts customers), for the tabs its
        user is shown (`told_tabs`: To apply counts rows)."""
        p = self.plan
        changed = p.updated if p.shows_old else p.applied
        numbers = (len(p.told_field_counts), p.created, changed, p.blanked, p.unchanged, len(p.errors), len(p.warnings))
        told = told_tabs(p)
        return {tab: n for tab, n in zip(TABS, numbers) if tab in told}

    def tab(self, name: str) -> TabRows:
        columns, lines, total = getattr(self, f"_{name}")()
        cells: list[tuple[object, ...]] = []
        details: list[str] = []
        for row, detail in islice(lines, SHOWN_ROWS):
            cells.append(row)
            details.append(detail)
        return TabRows(columns, cells, details, total)

    # --- values --------------------------------------------------------------------------------------------

    def label(self, field_id: str | None) -> str:
        """The field as the interface names it, with the file's own heading when that differs ("Last name (file:
        nom)"): a French or another product's column updates the field it was recognised as, and says which."""
        if field_id is None:
            return ""
        return safe_text(field_name(field_id, self._labels(), self._headings()))

    def _labels(self) -> dict[str, str]:
        if self._shown is None:
            self._shown = shown_labels(self.plan, self.catalogue)
        return self._shown

    def _headings(self) -> dict[str, str]:
        if self._headed is None:
            self._headed = telling_headings(self.plan, self.catalogue)
        return self._headed

    def text(self, field_id: str, value: Value) -> str:
        """The value as people read it, control characters made harmless; "" for none."""
        fmt = self._formats.get(field_id)
        if fmt is None:
            field = self.catalogue.get(field_id)  # a field added since the session began reads as text
            fmt = display_formatter(field.type if field else FieldType.TEXT, self.date_format, region=self.region)
            self._formats[field_id] = fmt
        return safe_text(fmt(value))

    def old_text(self, change: FieldChange) -> str:
        """The stored value a change replaces, unless the user may not see customers."""
        if not self.plan.shows_old:
            return _(HIDDEN)
        return self.text(change.field, change.old) or _("(empty)")

    def old_cell(self, change: FieldChange, style: str = "") -> Text:
        if not self.plan.shows_old:
            return Text(_(HIDDEN), style="dim")
        if change.old is None:
            return Text(_("(empty)"), style="dim")
        return self.cell(change.field, change.old, style)

    def cell(self, field_id: str, value: Value, style: str = "") -> Text:
        text = self.text(field_id, value)
        return Text(text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…", style=style)

    # --- the tabs: (columns, lines of (cells, sentence), total) ------------------------------------------------

    def _fields(self) -> _Lines:
        """The counts per field, erasures first in the warning colour: what reveals "I cleared a whole column"
        when the Updated tab holds 25,000 lines. Enter lists one field's changes in full. (For a user without List,
        the values given to new customers only: `told_field_counts`.)"""
        counts = self.plan.told_field_counts

        def number(n: int) -> str:
            return group_digits(n) if n else ""

        def lines() -> Iterator[tuple[tuple[object, ...], str]]:
            for fid, c in counts.items():
                name = self.label(fid)
                erased = Text(number(c.blanked), style=self.warning)
                yield (
                    (name, erased, number(c.updated), number(c.created)),
                    _("{field}: {counts} · Enter lists them all").format(
                        field=name, counts=field_counts_words(c.as_json())
                    ),
                )

        columns = (
            _("Field"),
            pgettext("import counts", "Erased"),
            pgettext("import counts", "Changed"),
            _("In new customers"),
        )
        return columns, lines(), len(counts)

    def field_of_line(self, line: int) -> str | None:
        """The field ID on line `line` of the By field tab."""
        fields = list(self.plan.told_field_counts)
        return fields[line] if 0 <= line < len(fields) else None

    def _new(self) -> _Lines:
        # After the ID and the name, the file's other columns (scroll right): what each new customer will hold is
        # checked here, before the commit (a decimal comma read right, a list value spelled as the store keeps it).
        more = [f for f in self.plan.fields if f not in ("CUSTOMERID", "NAME")]

        generated = {row for row, _id in self.plan.generated}

        def lines() -> Iterator[tuple[tuple[object, ...], str]]:
            for r in self.plan.creates:
                cid = safe_text(r.customer_id)
                values = {c.field: c.new for c in r.changes}
                name = self.text("NAME", values.get("NAME"))
                n = len(r.changes)
                filled = ngettext("{count} field", "{count} fields", n).format(count=group_digits(n))
                cells = (self.cell(f, values.get(f)) for f in more)
                sentence = (
                    _("Row {row}: new customer {customer} (ID generated), {name} ({fields})")
                    if r.row in generated
                    else _("Row {row}: new customer {customer}, {name} ({fields})")
                )
                yield (
                    (r.row, Text(cid), self.cell("NAME", name), *cells),
                    sentence.format(row=r.row, customer=cid, name=name, fields=filled),
                )

        columns = (_("Row"), pgettext("column", "Customer ID"), _("Name"), *(self.label(f) for f in more))
        return columns, lines(), self.plan.created

    def _updated(self) -> _Lines:
        if not self.plan.shows_old:
            return self._applied()
        matched = {row for row, _id in self.plan.matched}
        by = self._match_label() if matched else ""

        def lines() -> Iterator[tuple[tuple[object, ...], str]]:
            for r in self.plan.updates:
                cid = Text(safe_text(r.customer_id))
                for c in r.changes:
                    old = self.old_cell(c)
                    new = self._erased(c) if c.blanked else self.cell(c.field, c.new)
                    yield (
                        (r.row, cid, self.label(c.field), old, "→", new),
                        self._change(r, c, by if r.row in matched else ""),
                    )

        total = sum(len(r.changes) for r in self.plan.updates)
        columns = (_("Row"), pgettext("column", "Customer ID"), _("Field"), _("Old value"), "", _("New value"))
        return columns, lines(), total

    def _applied(self) -> _Lines:
        """For a user without List: each row written over a stored customer, with the name the file gives it, not
        telling which of them change anything (that would tell what the store holds)."""
        names = self._names(Action.UPDATE, Action.UNCHANGED)

        def lines() -> Iterator[tuple[tuple[object, ...], str]]:
            for r in self.plan.records:
                if r.action is Action.CREATE:
                    continue
                cid = safe_text(r.customer_id)
                name = names.get(r.row, "")
                sentence = (
                    _("Row {row}: {customer}, {name}, gets the file's values")
                    if name
                    else _("Row {row}: {customer} gets the file's values")
                )
                yield (
                    (r.row, Text(cid), self.cell("NAME", name)),
                    sentence.format(row=r.row, customer=cid, name=name),
                )

        return (_("Row"), pgettext("column", "Customer ID"), _("Name")), lines(), self.plan.applied

    def _match_label(self) -> str:
        """The field rows without an ID were matched by, as the interface names it ("Email"): inside "(found by
        ...)", the file's heading as well would nest brackets."""
        fid = self.plan.import_options.keys.match
        field = self.catalogue.get(fid) if fid else None
        return safe_text(field.shown_label) if field is not None else self.label(fid)

    def _erased(self, c: FieldChange) -> Text:
        """A blank cell's change: "(erased)", or for a checkbox the value it becomes (unticked), as it is written."""
        return Text(_("(erased)") if c.new is None else self.text(c.field, c.new), style=self.warning)

    def _change(self, r: RecordPlan, c: FieldChange, found_by: str = "") -> str:
        old = self.old_text(c)
        new = _("(erased)") if c.blanked and c.new is None else (self.text(c.field, c.new) or _("(empty)"))
        values = {"row": r.row, "customer": safe_text(r.customer_id), "field": self.label(c.field), "old": old}
        if found_by:
            return _("Row {row}, {customer}, {field}: {old} → {new} (found by {match})").format(
                new=new, match=found_by, **values
            )
        return _("Row {row}, {customer}, {field}: {old} → {new}").format(new=new, **values)

    def _blanked(self) -> _Lines:
        w = self.warning
        lines = (
            (
                (r.row, Text(safe_text(r.customer_id), style=w), Text(self.label(c.field), style=w),
                 self.old_cell(c, w)),
                _("Row {row}, {customer}: {field} will be erased (now {old})").format(
                    row=r.row, customer=safe_text(r.customer_id), field=self.label(c.field), old=self.old_text(c)
                ),
            )
            for r, c in self.plan.blanks
        )  # fmt: skip
        columns = (_("Row"), pgettext("column", "Customer ID"), _("Field"), _("Value that will be erased"))
        return columns, lines, self.plan.blanked

    def _unchanged(self) -> _Lines:
        """Each customer the file leaves as it is, with its name when the file gives it (the same as stored: the
        row changes nothing) and, for a row without an ID, the field it was found by."""
        matched = {row for row, _id in self.plan.matched}
        by = self._match_label() if matched else ""
        names = self._names()

        def lines() -> Iterator[tuple[tuple[object, ...], str]]:
            for r in self.plan.records:
                if r.action is not Action.UNCHANGED:
                    continue
                cid = safe_text(r.customer_id)
                name = names.get(r.row, "")
                found = r.row in matched
                if name and found:
                    sentence = _(
                        "Row {row}: {customer}, {name} (found by {match}), already holds every value of the file"
                    )
                elif name:
                    sentence = _("Row {row}: {customer}, {name}, already holds every value of the file")
                elif found:
                    sentence = _("Row {row}: {customer} (found by {match}) already holds every value of the file")
                else:
                    sentence = _("Row {row}: {customer} already holds every value of the file")
                yield (
                    (r.row, Text(cid), self.cell("NAME", name)),
                    sentence.format(row=r.row, customer=cid, name=name, match=by),
                )

        return (_("Row"), pgettext("column", "Customer ID"), _("Name")), lines(), self.plan.unchanged

    def _names(self, *actions: Action) -> dict[int, str]:
        """The customer name of each row of these `actions` (unchanged ones by default) as the file gives it, by row
        number ({} when no column feeds the name). The fast path leaves a cell equal to the stored text unparsed:
        that one is read from the row's cells, from the column (or the columns joined) the plan names."""
        actions = actions or (Action.UNCHANGED,)
        fields, parsed = self.plan.fields, self.plan.parsed
        if "NAME" not in fields:
            return {}
        at = fields.index("NAME")
        heading = parsed.headers[at] if at < len(parsed.headers) else ""
        header = [h.strip() for h in self.plan.raw.header]
        columns = [header.index(h) for h in heading.split(" + ") if h in header]
        wanted = {r.row for r in self.plan.records if r.action in actions}
        cells = {r.number: r.cells for r in self.plan.raw.rows if r.number in wanted}
        out: dict[int, str] = {}
        for row in parsed.rows:
            if row.number not in wanted:
                continue
            value = row.values[at]
            if value == UNPARSED:
                got = cells.get(row.number, ())
                value = " ".join(c.strip() for i in columns if i < len(got) and (c := got[i]).strip()) or None
            out[row.number] = self.text("NAME", value)
        return out

    def _issue(self, i: Issue) -> str:
        if not i.row and i.column:
            return safe_text(i.message)  # about a whole column: the message names the field (core.wording)
        where = _("Row {row}").format(row=i.row) if i.row else _("File")
        if i.column:
            where += f", {self.label(i.column)}"
        value = f" ('{safe_text(i.value)}')" if i.value else ""
        return _("{where}{value}: {message}").format(where=where, value=value, message=safe_text(i.message))

    def _errors(self) -> _Lines:
        lines = (
            ((i.row or _("file"), self.label(i.column), Text(safe_text(i.value or "")[:MAX_CELL]),
              Text(safe_text(i.message))), self._issue(i))
            for i in self.plan.errors
        )  # fmt: skip
        return (_("Row"), _("Column"), _("Value"), _("Message")), lines, len(self.plan.errors)

    def _warnings(self) -> _Lines:
        lines = (
            ((i.row or _("file"), self.label(i.column), Text(safe_text(i.message))), self._issue(i))
            for i in self.plan.warnings
        )
        return (_("Row"), _("Column"), _("Message")), lines, len(self.plan.warnings)
