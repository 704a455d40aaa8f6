"""Planning an import: the "plan" stage, which diffs the parsed file against the store without changing it.

Owns the rules that need the store's facts (update or create, fields that cannot be blanked, required fields of new
records, permissions, entity ownership, parent references and cycles) and the building of the plan's records and
their values (a blank checkbox unticked, a new record's defaults: what the preview shows and the commit writes).
The store only answers questions, in SQL (`store.diff.read_facts`: the catalogue, and per row of the parsed file
its stored version, owner and changed fields); every rule is here, in Python, once for every store. The whole stage
runs with the garbage collector paused (`core.bulk`).

May import core and store; used by `services.imports` and `services.edit`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from operator import itemgetter
from typing import TYPE_CHECKING

from core.bulk import gc_paused
from core.catalogue import Catalogue
from core.cells import FieldCells
from core.columns import column_parser
from core.errors import FileRejected
from core.header_row import locate_header
from core.headers import HeaderMap, map_columns
from core.i18n import _, group_digits, ngettext
from core.keys import RowKeys
from core.mapping import field_id
from core.plan import Action, FieldChange, ImportOptions, ImportPlan, Policy, RecordPlan, update_writer
from core.table import Issue, RawTable, Severity
from core.users import Permission, User
from core.validate import ParsedRow, ParsedTable, parse_table
from core.values import ParseOptions, Value
from services.damage import damage_warnings
from services.keying import find_keys
from services.unchanged import fast_path
from store.records import StoreFacts

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore, PlanReader, ReadAhead


class _Checker:
    """Row checks that need the store; each returns an Issue or None."""

    def __init__(
        self, parsed: ParsedTable, catalogue: Catalogue, user: User, entity: str | None, *, typed: bool = False
    ) -> None:
        self.fields = parsed.fields
        # Typed in the customer form, where there are fields, not cells and columns.
        self.fill_in = _("Fill it in") if typed else _("Fill in the cell or delete the column")
        self.catalogue = catalogue
        user.require_entity(entity)  # an import inside an entity the user may not work in is refused whole
        self.user = user
        self.entity = entity
        at = {fid: i for i, fid in enumerate(parsed.fields)}
        # (field, its position in the row or None when the file has no such column), computed once per import.
        self.required_new = [(f.id, at.get(f.id)) for f in catalogue.importable if f.required and f.id != "CUSTOMERID"]
        self.no_blank = [(f, at[f]) for f in parsed.fields if not catalogue[f].can_blank]
        self.may_edit = user.can(Permission.EDIT)
        self.may_add = user.can(Permission.ADD)
        self.may_list = user.can(Permission.LIST)
        self.generated: frozenset[int] = frozenset()  # rows whose ID was generated (--generate-ids)

    def existing(self, row: ParsedRow, owner: str | None) -> list[Issue]:
        out = []
        if not self.may_edit:
            out.append(
                Issue(
                    row.number,
                    None,
                    None,
                    _("{user} may not change existing customers (Edit permission missing)").format(user=self.user.name),
                )
            )
        if owner is not None and not self.user.may_see_entity(owner):
            # An entity the user may not work in (users add --entities): its name is not told.
            said = _("Customer {id} belongs to an entity you may not change")
            out.append(Issue(row.number, "CUSTOMERID", row.customer_id, said.format(id=row.customer_id)))
            return out
        if self.entity is not None and owner != self.entity:
            # Another entity's records are not visible from this one (fields.md): its name is not told either, nor,
            # to a user who may not see customers, where the customer is.
            if not self.may_list:
                said = _("Customer {id} cannot be changed from this entity")
            elif owner is None:
                said = _("Customer {id} belongs to the top level. Import this row from there")
            else:
                said = _("Customer {id} belongs to another entity. Import this row from there")
            out.append(Issue(row.number, "CUSTOMERID", row.customer_id, said.format(id=row.customer_id)))
        for fid, at in self.no_blank:
            if row.values[at] is None:
                label = self.catalogue[fid].shown_label
                message = _("{field} cannot be erased. {fix}").format(field=label, fix=self.fill_in)
                out.append(Issue(row.number, fid, "", message))
        return out

    def _required(self, row: ParsedRow, label: str) -> str:
        # A generated ID is given only to a row that goes in: a failing row's would name a customer that never is.
        if row.number in self.generated:
            return _("{field} is required for a new customer. Fill it in").format(field=label)
        return _("{field} is required for a new customer. Fill it in for {id}").format(field=label, id=row.customer_id)

    def new(self, row: ParsedRow) -> list[Issue]:
        out = []
        if not self.may_add:
            denied = _("{user} may not add customers (Add permission missing)").format(user=self.user.name)
            out.append(Issue(row.number, None, None, denied))
        for fid, at in self.required_new:
            value = row.values[at] if at is not None else None
            if value is None:
                out.append(Issue(row.number, fid, "", self._required(row, self.catalogue[fid].shown_label)))
        return out


def _parent_issue(
    row: ParsedRow, parent: str | None, links: dict[str, str], known: set[str], *, typed: bool = False
) -> Issue | None:
    if parent is None:
        return None
    cid = row.customer_id
    if parent == cid:
        return Issue(row.number, "PARENTID", parent, _("A customer cannot be its own parent. Give another customer ID"))
    if parent not in known:
        said = (
            _("There is no customer {id}. Give an existing ID, or add the parent customer first")
            if typed
            else _("There is no customer {id}. Give an existing ID, or create the parent on an earlier row")
        )
        return Issue(row.number, "PARENTID", parent, said.format(id=parent))
    seen = {cid}
    step = parent
    while step in links and len(seen) < 100_000:
        if step in seen:
            break
        seen.add(step)
        step = links[step]
    if step in seen:
        return Issue(
            row.number,
            "PARENTID",
            parent,
            _("Making {parent} the parent of {id} would create a loop of parents. Choose another parent").format(
                parent=parent, id=cid
            ),
        )
    return None


def plan_import(
    store: CustomerStore,
    raw: RawTable,
    *,
    user: User,
    entity: str | None = None,
    options: ParseOptions | None = None,
    policy: Policy = Policy.SKIP_FAILED,
    request: ImportOptions | None = None,
    fast: bool = True,
    ahead: ReadAhead | None = None,
) -> ImportPlan:
    """Read nothing but the store; return the plan the preview shows and the commit applies. `request`: what the
    user asked for about the file's columns (a mapping, columns left out, the header row, IDs for rows without).
    `fast`: parse only the cells that differ from the stored text (services.unchanged); False: every cell, and the
    store's staged diff (the same plan: the tests compare both). `ahead`: the file's stored rows read while it was
    (services.ahead), which the fast path uses when they still hold."""
    user.require_any((Permission.ADD, Permission.EDIT), _("import customers"))
    chosen = options or ParseOptions()
    asked = request or ImportOptions()
    if asked.keys.match is not None:
        # Matching reads stored values (which customer holds this e-mail address): for users who may see them.
        user.require(Permission.LIST, _("find customers by {field} (--match)").format(field=asked.keys.match))
    read: dict[str, object] = {}

    def parse(catalogue: Catalogue, finder: PlanReader) -> tuple[ParsedTable, StoreFacts | None]:
        # Find the header, map the columns, give rows without IDs theirs, parse and validate: with the store's
        # catalogue and answers, in the reading that diffs.
        table, notes = locate_header(raw, catalogue, asked.mapping, asked.header_row)
        headers = map_columns(
            table, catalogue, asked.mapping, ignore_unknown=asked.ignore_unknown, keyed=asked.keys.any
        )
        keys = find_keys(table, headers, catalogue, asked.keys, finder) if asked.keys.any else None
        read.update(table=table, headers=headers, keys=keys)
        cells = FieldCells(table, headers, keys)
        parsed, facts = (None, None)
        if fast:
            parsed, facts = fast_path(table, headers, keys, cells, catalogue, chosen, finder, ahead)
        if parsed is None:
            parsed = parse_table(table, headers, catalogue, chosen, keys, cells=cells)
        return (replace(parsed, warnings=(*notes, *parsed.warnings)) if notes else parsed), facts

    with gc_paused():
        catalogue, parsed, facts = store.customers.plan_facts(parse)
        table = read["table"]
        assert isinstance(table, RawTable)
        keys = read["keys"]
        made = frozenset(row for row, _ in keys.generated) if isinstance(keys, RowKeys) else frozenset()
        given = _defaults(asked.defaults, catalogue, chosen)
        planned = _build(table, parsed, catalogue, facts, user, entity, chosen, policy, made, given)
    headers, keys = read["headers"], read["keys"]
    assert isinstance(headers, HeaderMap)
    kept = {r.row for r in planned.records}
    return replace(
        planned,
        warnings=(*planned.warnings, *_unfed(planned, catalogue, set(given))),
        mapping=headers.mapping,
        import_options=asked,
        generated=tuple(p for p in keys.generated if p[0] in kept) if isinstance(keys, RowKeys) else (),
        matched=tuple(p for p in keys.matched if p[0] in kept) if isinstance(keys, RowKeys) else (),
    )


def _defaults(pairs: tuple[tuple[str, str], ...], catalogue: Catalogue, options: ParseOptions) -> dict[str, Value]:
    """--default FIELD=VALUE as values: what a new customer gets when its cell is blank or no column feeds the field
    (a store's required custom field, which another product's file cannot fill). Read as a cell of the file is."""
    out: dict[str, Value] = {}
    for name, text in pairs:
        fid = field_id(name, catalogue)
        values, problems = column_parser(catalogue[fid], options)([text])
        if problems or values[0] is None:
            why = problems[0][1] if problems else _("it is blank")
            raise FileRejected(
                _("--default {field}={value}: {problem}").format(field=name, value=text[:60], problem=why.rstrip(".")),
                _("Give a value the field accepts"),
            )
        out[fid] = values[0]
    return out


def _unfed(plan: ImportPlan, catalogue: Catalogue, given: Collection[str] = ()) -> list[Issue]:
    """One sentence for a required field that no column feeds, beside the row errors it causes: a file from another
    product without a company column fails every new row for Print as, and the fix is the mapping, not the rows."""
    out = []
    for field in catalogue.importable:
        if not field.required or field.id == "CUSTOMERID" or field.id in plan.fields or field.id in given:
            continue
        failed = {e.row for e in plan.errors if e.column == field.id}
        if failed:
            message = ngettext(
                "No column of the file feeds {field}, which every new customer needs: {count} row failed for it. "
                'Map a column to it (for example --map "Company=NAME+PRINTAS"), or give every new customer one '
                "value (--default {id}=VALUE)",
                "No column of the file feeds {field}, which every new customer needs: {count} rows failed for it. "
                'Map a column to it (for example --map "Company=NAME+PRINTAS"), or give every new customer one '
                "value (--default {id}=VALUE)",
                len(failed),
            ).format(field=field.shown_label, count=group_digits(len(failed)), id=field.id)
            out.append(Issue(None, field.id, None, message, Severity.WARNING))
    return out


def _build(
    raw: RawTable,
    parsed: ParsedTable,
    catalogue: Catalogue,
    facts: StoreFacts,
    user: User,
    entity: str | None,
    options: ParseOptions,
    policy: Policy,
    generated: frozenset[int] = frozenset(),
    defaults: Mapping[str, Value] | None = None,
) -> ImportPlan:
    defaults = defaults or {}
    checker = _Checker(parsed, catalogue, user, entity, typed=options.typed)
    checker.generated = generated
    checker.required_new = [(f, at) for f, at in checker.required_new if f not in defaults]
    shows_old = user.can(Permission.LIST)  # stored values are for users who may see customers
    errors = list(parsed.errors)
    failed = set(parsed.failed)
    records: list[RecordPlan] = []
    fields = parsed.fields
    parent_pos = fields.index("PARENTID") if "PARENTID" in fields else None
    existing, changed = facts.existing, facts.changed
    position = {fid: i for i, fid in enumerate(fields)}
    as_written = update_writer(fields, catalogue)
    # A new record's fields, in catalogue order: (field, its column or None, its default).
    new_fields = [(f.id, position.get(f.id), defaults.get(f.id, f.default)) for f in catalogue.importable]
    # Parents a row may name: stored records, and records created by earlier rows (added as we go).
    # (CUSTOMERID, the first value, is text in every parsed row: read directly, 25,000 property calls cost 20 ms)
    ids: set[str] = {r.values[0] for r in parsed.rows if r.number in existing}  # type: ignore[misc]
    known = set(facts.known_parents) | ids
    links = dict(facts.links)
    # Most rows of a big file update or keep a customer that the user may edit at this level: no check to run.
    plain_edit = checker.may_edit and entity is None and user.entities is None
    # The cells of fields an update may not erase, read in C (an itemgetter of two gives a tuple: always one).
    no_blank = itemgetter(*(at for _, at in checker.no_blank), 0) if checker.no_blank else None
    unchanged = Action.UNCHANGED
    for row in parsed.rows:
        number, values = row.number, row.values
        found = existing.get(number)
        if not found:
            issues = checker.new(row)
        elif plain_edit and (no_blank is None or None not in no_blank(values)):
            issues = []
        else:
            issues = checker.existing(row, found[1])
        parent = values[parent_pos] if parent_pos is not None else None
        if parent is not None and not issues:
            issue = _parent_issue(row, str(parent), links, known, typed=options.typed)
            if issue:
                issues.append(issue)
        if issues:
            errors.extend(issues)
            failed.add(number)
            continue
        cid: str = values[0]  # type: ignore[assignment]  # CUSTOMERID: text in every row that passed
        if parent_pos is not None:
            if parent is None:
                links.pop(cid, None)
            else:
                links[cid] = str(parent)
        if found:
            stored = changed.get(number)
            if not stored:
                records.append(RecordPlan(number, cid, unchanged, (), found[0]))
                continue
            diffs = [(fid, old, values[position[fid]]) for fid, old in stored]
            lost = [(fid, old, new) for fid, old, new in diffs if _lost_characters(old, new)]
            if lost:
                for fid, old, new in lost:
                    said = (
                        _("This would replace “{old}” with question marks: the file was saved in an encoding that "
                          "cannot hold some of its letters. Save it again as “CSV UTF-8” and import that")
                        if shows_old
                        else _("This would replace the stored text with question marks: the file was saved in an "
                               "encoding that cannot hold some of its letters. Save it again as “CSV UTF-8” and "
                               "import that")
                    )  # fmt: skip
                    errors.append(Issue(number, fid, str(new), said.format(old=old)))
                failed.add(number)
                continue
            written = as_written(values)  # what the commit writes: a blank checkbox unticked
            changes = tuple(
                FieldChange(fid, old, written[position[fid]], blanked=new is None) for fid, old, new in diffs
            )
            records.append(RecordPlan(number, cid, Action.UPDATE if changes else unchanged, changes, found[0]))
        else:
            known.add(cid)
            # Each field's value, else its default (a comprehension: a big file's new rows have ~40 fields each).
            filled = [(fid, default if (v := values[at] if at is not None else None) is None else v)
                      for fid, at, default in new_fields]  # fmt: skip
            created = tuple(FieldChange(fid, None, value) for fid, value in filled if value is not None)
            records.append(RecordPlan(number, cid, Action.CREATE, created))
    labels = {f.id: f.shown_label for f in catalogue.fields}  # as people read them, in their language
    return ImportPlan(
        file_name=raw.name,
        user=user.name,
        entity=entity,
        policy=policy,
        options=options,
        parsed=parsed,
        raw=raw,
        records=tuple(records),
        errors=tuple(sorted(errors, key=lambda i: i.row or 0)),
        # A user who may not see customers is not told about damage either: it is found by comparing the stored
        # values with the file's ("01/02 became 02/01"), and would tell what the store holds.
        warnings=(*parsed.warnings, *(damage_warnings(records, labels) if shows_old else ())),
        failed_rows=frozenset(failed),
        shows_old=shows_old,
        labels=labels,
    )


def _lost_characters(old: Value, new: Value) -> bool:
    """True when `new` is `old` with some characters turned into "?": what Excel does to letters its "CSV"
    (Windows-1252) encoding cannot hold (Łódź -> ?ódz, 高橋 -> ??). Importing it would silently damage the names."""
    if not isinstance(old, str) or not isinstance(new, str) or "?" not in new or len(old) != len(new):
        return False
    replaced = [a for a, b in zip(old, new) if a != b]
    return bool(replaced) and all(b == "?" for a, b in zip(old, new) if a != b) and all(ord(a) > 127 for a in replaced)
