"""The interface's column-mapping step (issue 14, item 3): for a file from another product, what each of its
columns will feed, proposed after reading and before planning, changed column by column by the user, and turned
back into the `ColumnMapping` and key options the import plans with (import-export.md, "Files from other
products").

Owns whether the step is needed (a column names no field, or no column holds Customer IDs: a custbook file goes
straight to the preview); the proposal (the header row, found or chosen by the user among the rows at the top of the
file; each column with its first values, a column with data but no heading named by its letter, "column B"; the
field(s) each feeds and why: by its name, from the preselected mapping, suggested, or the user's choice); the
preselected mapping (a saved mapping that fits the header first, else the built-in one the file looks like); the
user's changes as new frozen proposals; the required fields still unfed; whether the mapping can work
(`core.headers.map_columns` accepts it, and a new customer's required fields are fed unless rows are matched to
existing customers) and, when not, one sentence saying what to do. The screen (`tui/screens/import_mapping.py`)
only renders it.

The columns as first proposed (`Origin`, `StepColumn`, naming a column without a heading by its letter, its first
values, what each is proposed to feed) are `services/mapping_columns.py`'s, split off to keep modules small; the
proposal built from them, and everything after, stays here.

May import core, the store's interface and services.mappings/keying/mapping_columns; never textual.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from core.builtin_mappings import detect
from core.catalogue import Catalogue
from core.errors import FileRejected
from core.failed_rows import is_error_column
from core.header_row import locate_header
from core.headers import map_columns
from core.i18n import _
from core.keys import KeyOptions
from core.mapping import ColumnMapping, header_key
from core.plan import ImportOptions
from core.table import RawTable
from core.users import User
from services.keying import match_field
from services.mapping_columns import Origin, StepColumn, has_data, lettered, proposed_columns
from services.mappings import best_saved_mapping

if TYPE_CHECKING:  # the store's interface is for the type checker
    from store.base import CustomerStore

MATCH_FIRST = "EMAIL1"  # the field rows without an ID are matched by, when a column feeds it
# How the plan, the preview and the history name a mapping made on the screen and not saved (core.mapping's label).
ON_SCREEN = "columns chosen on screen"
CHANGED_ON_SCREEN = "{} (changed on screen)"


@dataclass(frozen=True)
class MappingProposal:
    """The step's state: the file with its header found, every column and what it feeds, how rows without an ID
    get one, and the mapping it started from. Every change returns a new proposal. `notes`: where the header was
    found; `unusable`: why a preselected or chosen mapping was not applied."""

    table: RawTable  # from its header row down, a column without a heading named by its letter ("column B")
    catalogue: Catalogue
    columns: tuple[StepColumn, ...]
    keys: KeyOptions
    preselected: ColumnMapping | None  # applied when proposed (None: custbook's suggestions)
    raw: RawTable | None = None  # the file as read, title rows and all: another header row is chosen in it
    fits: str | None = None  # the mapping found for the file when it was proposed, said when another is used
    notes: tuple[str, ...] = ()
    unusable: str | None = None
    saved_as: str | None = None  # the name the user saved it under
    picked: bool = False  # the user chose the mapping (not found for the file)
    changed: bool = False  # a column was changed since the preselected (or saved) mapping
    # (field, value): what new customers get for a required field no column feeds (--default on the command line)
    defaults: tuple[tuple[str, str], ...] = ()

    # --- what it feeds -------------------------------------------------------------------------------------

    @cached_property
    def feeders(self) -> dict[str, tuple[StepColumn, ...]]:
        """Field ID -> the columns that feed it, in file order (several: their values joined by a space)."""
        out: dict[str, list[StepColumn]] = {}
        for column in self.columns:
            for fid in column.fields:
                out.setdefault(fid, []).append(column)
        return {fid: tuple(cs) for fid, cs in out.items()}

    @property
    def required(self) -> tuple[str, ...]:
        """The fields every new customer needs (NAME, PRINTAS, required custom fields), and CUSTOMERID unless rows
        without one get it another way."""
        needed = [f.id for f in self.catalogue.importable if f.required and f.id != "CUSTOMERID"]
        return tuple(needed if self.keys.any else ["CUSTOMERID", *needed])

    @property
    def unfed(self) -> tuple[str, ...]:
        """The required fields no column feeds yet, and that have no value for every new customer."""
        given = dict(self.defaults)
        return tuple(f for f in self.required if f not in self.feeders and f not in given)

    def valued(self) -> tuple[str, ...]:
        """The unfed required fields a value can be chosen for from a list (lists of values, checkboxes): a store's
        required custom field, such as the demo's Segment, that another product's file has no column for."""
        from core.catalogue import FieldType

        kinds = (FieldType.ENUM, FieldType.BOOL)
        return tuple(f for f in self.unfed if f != "CUSTOMERID" and self.catalogue[f].type in kinds)

    def with_default(self, field: str, value: str) -> MappingProposal:
        """Every new customer gets `value` in `field` (a cell left blank gets it too)."""
        return replace(self, defaults=(*((f, v) for f, v in self.defaults if f != field), (field, value)))

    @property
    def matchable(self) -> tuple[str, ...]:
        """The fed fields customers can be matched by (text fields, as `--match` accepts them)."""
        out = []
        for fid in self.feeders:
            try:
                out.append(match_field(fid, self.catalogue))
            except FileRejected:
                continue
        return tuple(out)

    @cached_property
    def problem(self) -> str | None:
        """Why the import cannot be planned with these choices, and what to do; None when it can. A required field
        no column feeds stops it unless rows can find existing customers (by a Customer ID column, or matched by a
        field), which they may all update: otherwise every row would fail."""
        if not self.feeders:
            return _("No column is imported. Choose the field of at least one column (Enter on the column)")
        if "CUSTOMERID" not in self.feeders and not self.keys.any:
            return _(
                "No column holds Customer IDs. Tick “Generate IDs for rows without one” (and match existing "
                "customers by e-mail), or choose Customer ID for the column that holds custbook's IDs"
            )
        if self.keys.match is not None and self.keys.match not in self.feeders:
            label = self.catalogue[self.keys.match].shown_label
            return _(
                "Customers are matched by {field}, but no column feeds it. Choose it for a column, or match by "
                "another field"
            ).format(field=label)
        if not self.finds_customers and (missing := [f for f in self.unfed if f != "CUSTOMERID"]):
            return self._choose_for(missing)
        try:
            map_columns(self.table, self.catalogue, self.mapping(), keyed=self.keys.any)
        except FileRejected as exc:
            return str(exc)
        return None

    def _choose_for(self, missing: list[str]) -> str:
        """What to do about required fields no column feeds: choose a column for them, or (Customer name and Print
        as are most often the same company name) add the one missing to the column that feeds the other."""
        labels = [self.catalogue[f].shown_label for f in missing]
        if len(labels) == 1:
            text = _("Choose a column for {field}: Enter on a column, then {field}").format(field=labels[0])
        else:
            text = _("Choose a column for {fields}: Enter on a column, then the field").format(fields=", ".join(labels))
        for lack, have in (("PRINTAS", "NAME"), ("NAME", "PRINTAS")):
            if missing == [lack] and have in self.feeders:
                column = self.feeders[have][0].shown
                label = self.catalogue[have].shown_label
                text += _("; or a on “{column}” to add it to the column that already feeds {field}").format(
                    column=column, field=label
                )
        if self.valued():
            text += _("; or v to give every new customer one value")
        return text

    def queue_problem(self, *, queued: bool) -> str | None:
        """`problem`, and for an import queued as a job (which reads the file again, with its own headings) a
        column without a heading that feeds a field: the job could not find it."""
        if self.problem is not None or not queued:
            return self.problem
        untitled = [c.shown for c in self.columns if c.untitled and c.fields]
        if untitled:
            return _(
                "“{column}” has no heading in the file, and a queued job reads the file again without this "
                "screen: untick Process offline to import it now, or give the column a heading in the file"
            ).format(column=untitled[0])
        return None

    @property
    def finds_customers(self) -> bool:
        """Whether rows can update existing customers: a column holds their IDs, or they are matched by a field."""
        return "CUSTOMERID" in self.feeders or self.keys.match is not None

    @property
    def works(self) -> bool:
        return self.problem is None

    @property
    def using(self) -> str:
        """Which mapping the proposal comes from, in words; with none chosen by the user, the one that fits."""
        base = self.saved_as or (self.preselected.name if self.preselected is not None else None)
        if base is None and self.picked:
            if self.fits:
                return _(
                    "No mapping is used: the fields shown are custbook's suggestions; the {mapping} mapping fits "
                    "this file"
                ).format(mapping=self.fits)
            return _("No mapping is used: the fields shown are custbook's suggestions")
        if base is None:
            return _("No saved or built-in mapping fits this file: the fields shown are custbook's suggestions")
        what = (
            _("Using the {mapping} mapping, with your changes") if self.changed else _("Using the {mapping} mapping")
        ).format(mapping=base)
        if self.saved_as is None and self.preselected is not None and self.preselected.product:
            product = self.preselected.product
            more = (
                _("{using} ({product})") if self.picked else _("{using}: the file looks like it comes from {product}")
            )
            what = more.format(using=what, product=product)
        return what

    # --- back to an import ---------------------------------------------------------------------------------

    def mapping(self) -> ColumnMapping:
        """The choices as a mapping: every column named (imported or not), a field fed by several columns as a join
        of them in file order. Columns a later file adds are left out with a warning (`others_ignored`)."""
        joined = [fid for fid, cs in self.feeders.items() if len(cs) > 1]
        # A column joined into a field may feed others alone as well (core.headers reads it both ways).
        columns = tuple((c.name, tuple(f for f in c.fields if f not in joined)) for c in self.columns)
        joins = tuple((fid, tuple(c.name for c in self.feeders[fid])) for fid in joined)
        return ColumnMapping(name=self._name, columns=columns, joins=joins, others_ignored=True)

    @property
    def _name(self) -> str:
        """How the preview and the history name the mapping: the saved or preselected one's name ("changed on
        screen" after changes), else that it was chosen on this screen."""
        base = self.saved_as or (self.preselected.name if self.preselected is not None else None)
        if base is None:
            return ON_SCREEN
        return CHANGED_ON_SCREEN.format(base) if self.changed else base

    def options(self, base: ImportOptions) -> ImportOptions:
        """`base` (date format, encoding, policy, rows) with this mapping, its key options and the header row. Plan
        `table` with them (its columns without a heading are named as the mapping names them)."""
        # The header row is always given: the one shown here (found, or chosen with h) must be the one planned and
        # queued, and row 1 given says the header is not to be looked for further down.
        row = self.table.header_row
        return replace(
            base, mapping=self.mapping(), keys=self.keys, header_row=row, ignore_unknown=False, defaults=self.defaults
        )

    # --- the user's changes --------------------------------------------------------------------------------

    def choose(self, position: int, field: str | None) -> MappingProposal:
        """The column at `position` feeds only `field` (None: not imported); another column feeding it stops."""
        columns = list(self.columns)
        if field is not None:
            for i, c in enumerate(columns):
                if i != position and field in c.fields:
                    columns[i] = replace(c, fields=tuple(f for f in c.fields if f != field), origin=Origin.CHOSEN)
        chosen = (field,) if field is not None else ()
        columns[position] = replace(columns[position], fields=chosen, origin=Origin.CHOSEN)
        return self._with_columns(columns)

    def add(self, position: int, field: str) -> MappingProposal:
        """The column at `position` also feeds `field`; with a column that feeds it already, their values are
        joined by a space (given and family names as the customer's name)."""
        column = self.columns[position]
        if field in column.fields:
            return self
        columns = list(self.columns)
        columns[position] = replace(column, fields=(*column.fields, field), origin=Origin.CHOSEN)
        return self._with_columns(columns)

    def skip(self, position: int) -> MappingProposal:
        """The column at `position` is not imported."""
        return self.choose(position, None)

    def with_keys(self, keys: KeyOptions) -> MappingProposal:
        return replace(self, keys=keys)

    def with_mapping(self, mapping: ColumnMapping | None) -> MappingProposal:
        """The proposal made again from another mapping (None: custbook's suggestions), the user's changes gone."""
        again = _build(self.table, self.catalogue, mapping, self.notes, raw=self.raw, fits=self.fits)
        return replace(again, picked=True, defaults=self.defaults)

    def saved(self, name: str) -> MappingProposal:
        """The proposal after its mapping was saved as `name`."""
        return replace(self, saved_as=name, changed=False)

    def _with_columns(self, columns: list[StepColumn]) -> MappingProposal:
        fed = {f for c in columns for f in c.fields}
        keys = self.keys
        if keys.match is not None and keys.match not in fed:  # matching by a field no column feeds cannot work
            keys = replace(keys, match=None)
        return replace(self, columns=tuple(columns), keys=keys, changed=True)


# --- proposing ---------------------------------------------------------------------------------------------------


def step_needed(table: RawTable, catalogue: Catalogue) -> bool:
    """Whether the file needs the step: a column with data names no field, or no column names Customer ID."""
    seen: dict[str, int] = {}
    has_id = False
    for index, heading in enumerate(table.header):
        name = heading.strip()
        if is_error_column(name):
            continue
        if not name:
            if has_data(table, index):
                return True
            continue
        key = header_key(name)
        seen[key] = seen.get(key, 0) + 1
        field = catalogue.lookup(name) if seen[key] == 1 else None
        if field is None:
            return True
        has_id = has_id or field.id == "CUSTOMERID"
    return not has_id


def propose(
    store: CustomerStore, raw: RawTable, *, user: User, header_row: int | None = None, always: bool = False
) -> MappingProposal | None:
    """The mapping step for a file just read, or None when it needs none (`always`: the step is already shown, and
    the user chose `header_row`). The preselected mapping is the saved one that fits the header best (the user's
    own first), else the built-in one the file looks like. FileRejected when `header_row` cannot be the header."""
    catalogue = store.fields.catalogue()
    table, issues = locate_header(raw, catalogue, None, header_row)
    if not always and not step_needed(table, catalogue):
        return None
    mapping = best_saved_mapping(store, lettered(table).header, user=user) or detect(table.header)
    if mapping is not None and header_row is None and table.header_row == raw.header_row:
        # The mapping's own headings may show a header below title rows that field names alone did not.
        table, issues = locate_header(raw, catalogue, mapping, None)
        if not always and not step_needed(table, catalogue):
            return None
    notes = tuple(i.message for i in issues)
    return _build(lettered(table), catalogue, mapping, notes, raw=raw, fits=mapping.name if mapping else None)


def _build(
    table: RawTable,
    catalogue: Catalogue,
    mapping: ColumnMapping | None,
    notes: tuple[str, ...],
    *,
    raw: RawTable | None,
    fits: str | None,
) -> MappingProposal:
    unusable = None
    try:
        columns = proposed_columns(table, catalogue, mapping)
    except FileRejected as exc:  # a saved mapping naming a field since removed: start from suggestions instead
        unusable = _("The {mapping} mapping cannot be used here: {problem}").format(
            mapping=mapping.name if mapping is not None else "", problem=exc
        )
        mapping, columns = None, proposed_columns(table, catalogue, None)
    fed = {f for c in columns for f in c.fields}
    if "CUSTOMERID" in fed:
        keys = KeyOptions()
    else:  # no IDs in the file: number new customers, and find existing ones by e-mail so a rerun adds nobody
        keys = KeyOptions(generate=True, match=MATCH_FIRST if MATCH_FIRST in fed else None)
    return MappingProposal(table, catalogue, tuple(columns), keys, mapping, raw, fits, notes, unusable)
