"""Planning an import: the "plan" stage, which diffs the parsed file against the store without changing it.

Owns the checks that need the store (update or create, fields that cannot be blanked, required fields of new
records, permissions, entity ownership, parent references and cycles) and the set-wise diff: parsed rows are
staged in a temporary table and joined against `customers` in one query per field, so 25,000 rows diff against a
million customers in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from formats.catalogue import Catalogue, FieldType
from formats.headers import map_headers
from formats.plan import Action, FieldChange, ImportPlan, Policy, RecordPlan
from formats.table import Issue, RawTable
from formats.validate import ParsedRow, ParsedTable, parse_table
from formats.values import ParseOptions, Value
from store.db import Store, quote_ident
from store.fields import load_catalogue
from store.staging import ROW, stage_rows
from store.users import Permission, User

STAGE = "import_stage"


def from_canonical(text: str | None, ftype: FieldType) -> Value:
    """A value read back from its canonical text (history, or a CAST to VARCHAR in a diff)."""
    if text is None:
        return None
    if ftype is FieldType.BOOL:
        return text == "true"
    if ftype is FieldType.DECIMAL:
        return Decimal(text)
    if ftype is FieldType.DATE:
        return dt.date.fromisoformat(text)
    if ftype is FieldType.TIMESTAMP:
        return dt.datetime.fromisoformat(text)
    if ftype is FieldType.INTEGER:
        return int(text)
    return text


def effective_new(field_id: str, catalogue: Catalogue, alias: str = "s") -> str:
    """SQL for the value an update writes: a blank checkbox means unticked, any other blank means empty."""
    col = f"{alias}.{quote_ident(field_id, catalogue)}"
    if catalogue[field_id].type is FieldType.BOOL:
        return f"coalesce({col}, FALSE)"
    return col


def new_record_value(field_id: str, value: Value, catalogue: Catalogue) -> Value:
    """The value a new record takes: the cell, or the field's default when the cell is absent or blank."""
    if value is None:
        default = catalogue[field_id].default
        return default
    return value


@dataclass(frozen=True)
class StoreFacts:
    """What the plan needs to know of the store about the rows of the file."""

    existing: dict[int, tuple[int, str | None]]  # row -> (ROWVERSION, MEGAENTITYID) of the stored record
    changed: dict[int, list[tuple[str, Value]]]  # row -> (field, stored value) for each field the row changes
    links: dict[str, str]  # child -> parent, of stored records that have a parent
    known_parents: frozenset[str]  # PARENTID values of the file that name stored records


def _store_facts(con: duckdb.DuckDBPyConnection, parsed: ParsedTable, catalogue: Catalogue) -> StoreFacts:
    stage_rows(con, STAGE, parsed.fields, catalogue, ((r.number, r.values) for r in parsed.rows))
    # One join for the whole diff: per staged row that names a stored record, its version, its owner, and the
    # list of (field, old value) it changes. Measured on 1,000,000 customers: 3x faster than a join per field.
    pairs = []
    for fid in parsed.fields[1:]:
        col = quote_ident(fid, catalogue)
        pairs.append(
            f"CASE WHEN {effective_new(fid, catalogue)} IS DISTINCT FROM c.{col} "
            f"THEN {{'f': '{fid}', 'o': CAST(c.{col} AS VARCHAR)}} END"
        )
    changes = f"list_filter([{', '.join(pairs)}], lambda x: x IS NOT NULL)" if pairs else "[]"
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE import_diff AS SELECT s.{ROW} AS r, c."ROWVERSION" AS v, '
        f'c."MEGAENTITYID" AS e, {changes} AS d FROM {STAGE} s JOIN customers c ON c."CUSTOMERID" = s."CUSTOMERID"'
    )
    # Plain tuples cross into Python far faster than lists of structs: fetch the rows, then the changes unnested.
    existing = {r: (v, e) for r, v, e in con.execute("SELECT r, v, e FROM import_diff").fetchall()}
    types = {fid: catalogue[fid].type for fid in parsed.fields}
    changed: dict[int, list[tuple[str, Value]]] = {}
    for r, fid, old in con.execute(
        "SELECT r, x.f, x.o FROM (SELECT r, unnest(d) AS x FROM import_diff) ORDER BY r"
    ).fetchall():
        changed.setdefault(r, []).append((fid, from_canonical(old, types[fid])))
    con.execute("DROP TABLE import_diff")
    links: dict[str, str] = {}
    known: set[str] = set()
    if "PARENTID" in parsed.fields:
        # Parent links of the store, for cycle checks: only records that have a parent (a few percent).
        links = dict(
            con.execute('SELECT "CUSTOMERID", "PARENTID" FROM customers WHERE "PARENTID" IS NOT NULL').fetchall()
        )
        known = {
            cid
            for (cid,) in con.execute(
                f'SELECT DISTINCT c."CUSTOMERID" FROM {STAGE} s JOIN customers c ON c."CUSTOMERID" = s."PARENTID"'
            ).fetchall()
        }
    con.execute(f"DROP TABLE IF EXISTS {STAGE}")
    return StoreFacts(existing, changed, links, frozenset(known))


class _Checker:
    """Row checks that need the store; each returns an Issue or None."""

    def __init__(self, parsed: ParsedTable, catalogue: Catalogue, user: User, entity: str | None) -> None:
        self.fields = parsed.fields
        self.catalogue = catalogue
        self.user = user
        self.entity = entity
        at = {fid: i for i, fid in enumerate(parsed.fields)}
        # (field, its position in the row or None when the file has no such column), computed once per import.
        self.required_new = [(f.id, at.get(f.id)) for f in catalogue.importable if f.required and f.id != "CUSTOMERID"]
        self.no_blank = [(f, at[f]) for f in parsed.fields if not catalogue[f].can_blank]
        self.may_edit = user.can(Permission.EDIT)
        self.may_add = user.can(Permission.ADD)

    def existing(self, row: ParsedRow, owner: str | None) -> list[Issue]:
        out = []
        if not self.may_edit:
            out.append(
                Issue(
                    row.number,
                    None,
                    None,
                    f"{self.user.name} may not change existing customers (Edit permission missing)",
                )
            )
        if self.entity is not None and owner != self.entity:
            where = "the top level" if owner is None else f"entity {owner}"
            out.append(
                Issue(
                    row.number,
                    "CUSTOMERID",
                    row.customer_id,
                    f"Customer {row.customer_id} belongs to {where}. Import this row from there",
                )
            )
        for fid, at in self.no_blank:
            if row.values[at] is None:
                label = self.catalogue[fid].label
                out.append(
                    Issue(row.number, fid, "", f"{label} cannot be erased. Fill in the cell or delete the column")
                )
        return out

    def new(self, row: ParsedRow) -> list[Issue]:
        out = []
        if not self.may_add:
            out.append(
                Issue(row.number, None, None, f"{self.user.name} may not add customers (Add permission missing)")
            )
        for fid, at in self.required_new:
            value = row.values[at] if at is not None else None
            if value is None:
                label = self.catalogue[fid].label
                out.append(
                    Issue(
                        row.number, fid, "", f"{label} is required for a new customer. Fill it in for {row.customer_id}"
                    )
                )
        return out


def _parent_issue(row: ParsedRow, parent: str | None, links: dict[str, str], known: set[str]) -> Issue | None:
    if parent is None:
        return None
    cid = row.customer_id
    if parent == cid:
        return Issue(row.number, "PARENTID", parent, "A customer cannot be its own parent. Give another customer ID")
    if parent not in known:
        return Issue(
            row.number,
            "PARENTID",
            parent,
            f"There is no customer {parent}. Give an existing ID, or create the parent on an earlier row",
        )
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
            f"Making {parent} the parent of {cid} would create a loop of parents. Choose another parent",
        )
    return None


def plan_import(
    store: Store,
    raw: RawTable,
    *,
    user: User,
    entity: str | None = None,
    options: ParseOptions | None = None,
    policy: Policy = Policy.SKIP_FAILED,
) -> ImportPlan:
    """Read nothing but the store; return the plan the preview shows and the commit applies."""
    if not (user.can(Permission.ADD) or user.can(Permission.EDIT)):
        user.require(Permission.ADD, "import customers")
    options = options or ParseOptions()
    with store.read() as con:
        catalogue = load_catalogue(con)
        headers = map_headers(raw, catalogue)
        parsed = parse_table(raw, headers, catalogue, options)
        facts = _store_facts(con, parsed, catalogue)
    return _build(raw, parsed, catalogue, facts, user, entity, options, policy)


def _build(
    raw: RawTable,
    parsed: ParsedTable,
    catalogue: Catalogue,
    facts: StoreFacts,
    user: User,
    entity: str | None,
    options: ParseOptions,
    policy: Policy,
) -> ImportPlan:
    checker = _Checker(parsed, catalogue, user, entity)
    errors = list(parsed.errors)
    failed = set(parsed.failed)
    records: list[RecordPlan] = []
    fields = parsed.fields
    parent_pos = fields.index("PARENTID") if "PARENTID" in fields else None
    existing, changed = facts.existing, facts.changed
    position = {fid: i for i, fid in enumerate(fields)}
    new_fields = [(f.id, f.default) for f in catalogue.importable]  # a new record's fields and their defaults
    # Parents a row may name: stored records, and records created by earlier rows (added as we go).
    known = set(facts.known_parents) | {r.customer_id for r in parsed.rows if r.number in existing}
    links = dict(facts.links)
    for row in parsed.rows:
        found = existing.get(row.number)
        issues = checker.existing(row, found[1]) if found else checker.new(row)
        if parent_pos is not None and not issues:
            issue = _parent_issue(row, row.values[parent_pos], links, known)
            if issue:
                issues.append(issue)
        if issues:
            errors.extend(issues)
            failed.add(row.number)
            continue
        cid = row.customer_id
        if parent_pos is not None:
            parent = row.values[parent_pos]
            if parent is None:
                links.pop(cid, None)
            else:
                links[cid] = str(parent)
        if found:
            diffs = changed.get(row.number, ())
            lost = [(fid, old) for fid, old in diffs if _lost_characters(old, row.values[position[fid]])]
            if lost:
                for fid, old in lost:
                    errors.append(
                        Issue(row.number, fid, str(row.values[position[fid]]),
                              f"This would replace “{old}” with question marks: the file was saved in an encoding "
                              f"that cannot hold some of its letters. Save it again as “CSV UTF-8” and import that")
                    )  # fmt: skip
                failed.add(row.number)
                continue
            changes = tuple(
                FieldChange(
                    fid,
                    old,
                    _written(fid, row.values[position[fid]], catalogue),
                    blanked=row.values[position[fid]] is None,
                )
                for fid, old in diffs
            )
            action = Action.UPDATE if changes else Action.UNCHANGED
            records.append(RecordPlan(row.number, cid, action, changes, version=found[0]))
        else:
            known.add(cid)
            created = []
            for fid, default in new_fields:
                at = position.get(fid)
                value = row.values[at] if at is not None else None
                value = default if value is None else value
                if value is not None:
                    created.append(FieldChange(fid, None, value))
            records.append(RecordPlan(row.number, cid, Action.CREATE, tuple(created)))
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
        warnings=parsed.warnings,
        failed_rows=frozenset(failed),
    )


def _lost_characters(old: Value, new: Value) -> bool:
    """True when `new` is `old` with some characters turned into "?": what Excel does to letters its "CSV"
    (Windows-1252) encoding cannot hold (Łódź -> ?ódz, 高橋 -> ??). Importing it would silently damage the names."""
    if not isinstance(old, str) or not isinstance(new, str) or "?" not in new or len(old) != len(new):
        return False
    replaced = [a for a, b in zip(old, new) if a != b]
    return bool(replaced) and all(b == "?" for a, b in zip(old, new) if a != b) and all(ord(a) > 127 for a in replaced)


def _written(field_id: str, value: Value, catalogue: Catalogue) -> Value:
    if value is None and catalogue[field_id].type is FieldType.BOOL:
        return False
    return value
