"""The import plan: what an import will do, as one frozen value shared by the preview and the commit.

Owns the plan's shape and its counts and JSON summary (cli.md). It is built by `services.planning` and applied by
`store.apply`; the preview only reads it, so what the user saw is exactly what is written.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from operator import itemgetter
from typing import NamedTuple

from core.catalogue import Catalogue, FieldType
from core.failed_rows import failed_rows_csv
from core.i18n import N_
from core.keys import KeyOptions
from core.mapping import ColumnMapping
from core.table import MAX_ROWS, Issue, RawTable
from core.validate import ParsedTable
from core.values import DateFormat, ParseOptions, Value


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


# Shown where an old value would be: translated where it is shown (`_(HIDDEN)`).
HIDDEN = N_("(not shown: no List permission)")


class Status(StrEnum):
    """What became of an import: the `status` of cli.md's JSON object."""

    COMMITTED = "committed"  # written as a batch (or nothing to write: batch None)
    DRY_RUN = "dry-run"  # previewed only, by request
    REJECTED = "rejected"  # nothing written: the file was refused, or --strict met failing rows
    QUEUED = "queued"  # handed to the job worker


class Policy(StrEnum):
    SKIP_FAILED = "skip-failed"  # the original product's default: failed rows are left out and reported
    STRICT = "strict"  # nothing is committed while any row fails


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file and what to do with failing rows: what the user chose before the file is read, kept
    with a queued job (its JSON form) so that the worker imports it the same way."""

    date_format: DateFormat = DateFormat.DMY_SLASH
    encoding: str = "auto"
    policy: Policy = Policy.SKIP_FAILED
    max_rows: int = MAX_ROWS
    # None: the configured limit (CUSTBOOK_MAX_BYTES, else 200 MB). A queued job keeps what its submitter asked, and
    # the worker reads its file with the lower of that and the store's ceiling (services.settings).
    max_bytes: int | None = None
    # Files from other products (import-export.md): the mapping as it was when the import was asked for (a queued
    # job keeps the definition, not the name), columns left out, where the header is, how rows without IDs get one.
    mapping: ColumnMapping | None = None
    ignore_unknown: bool = False
    header_row: int | None = None  # None: found automatically
    keys: KeyOptions = field(default_factory=KeyOptions)
    # (field, text): the value a new customer gets when its cell is blank or no column feeds the field (--default)
    defaults: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> str:
        data: dict[str, object] = {
            "date_format": self.date_format.value,
            "encoding": self.encoding,
            "policy": self.policy.value,
            "max_rows": self.max_rows,
        }
        if self.max_bytes is not None:
            data["max_bytes"] = self.max_bytes
        if self.mapping is not None:
            data["mapping"] = json.loads(self.mapping.to_json()) | {"name": self.mapping.name}
        if self.ignore_unknown:
            data["ignore_unknown"] = True
        if self.header_row is not None:
            data["header_row"] = self.header_row
        if self.keys.any or self.keys.prefix:
            data["keys"] = {"generate": self.keys.generate, "prefix": self.keys.prefix, "match": self.keys.match}
        if self.defaults:
            data["defaults"] = [list(pair) for pair in self.defaults]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ImportOptions:
        data = json.loads(text)
        mapping = data.get("mapping")
        keys = data.get("keys") or {}
        return cls(
            DateFormat.parse(data.get("date_format", DateFormat.DMY_SLASH.value)),
            data.get("encoding", "auto"),
            Policy(data.get("policy", Policy.SKIP_FAILED.value)),
            int(data.get("max_rows", MAX_ROWS)),
            None if data.get("max_bytes") is None else int(data["max_bytes"]),
            mapping=None if mapping is None else ColumnMapping.from_json(json.dumps(mapping)),
            ignore_unknown=bool(data.get("ignore_unknown", False)),
            header_row=data.get("header_row"),
            keys=KeyOptions(bool(keys.get("generate")), keys.get("prefix"), keys.get("match")),
            defaults=tuple((str(f), str(v)) for f, v in data.get("defaults", ())),
        )


class FieldChange(NamedTuple):
    """One field's change in the plan. A named tuple rather than a frozen dataclass: a big import makes a hundred
    thousand of them, built in a third of the time."""

    field: str
    old: Value
    new: Value
    blanked: bool = False  # erased by a blank cell: the most dangerous change, shown apart


@dataclass(frozen=True)
class FieldCounts:
    """One field's share of an import (cli.md's `fields`): values given to new customers, values changed, values
    erased by a blank cell. The `blanked` counts of all fields add up to the plan's `blanked`."""

    created: int = 0
    updated: int = 0
    blanked: int = 0

    def as_json(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "blanked": self.blanked}


class RecordPlan(NamedTuple):
    """What the plan does with one row (a named tuple, as FieldChange: 25,000 of them for a big file)."""

    row: int
    customer_id: str
    action: Action
    changes: tuple[FieldChange, ...]  # create: every value the new record gets; update: changed fields only
    version: int | None = None  # ROWVERSION seen when planning; the commit refuses if it moved


@dataclass(frozen=True)
class ImportPlan:
    file_name: str
    user: str
    entity: str | None
    policy: Policy
    options: ParseOptions
    parsed: ParsedTable
    raw: RawTable
    records: tuple[RecordPlan, ...]  # rows that pass, in file order
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    failed_rows: frozenset[int]
    # False when the importing user may not see customers (no List permission): the records keep the stored values
    # (the history needs them), but every preview shows HIDDEN in their place, and nothing the user is told says
    # whether a row changes its customer (that would tell what the store holds): the counts put updated and
    # unchanged rows together as `applied` (`counts`, `told_field_counts`), and the commit writes a batch for them
    # even when none changes anything (`commits_anything`).
    shows_old: bool = True
    # Field ID -> its label in the store's catalogue when planned: previews name fields as the interface does.
    labels: Mapping[str, str] = field(default_factory=dict)
    # How the file's columns were read: the mapping's label (None: custbook's own headers), and the rows whose
    # Customer ID was generated or found by --match (spreadsheet row, ID), for the rows the plan keeps.
    mapping: str | None = None
    generated: tuple[tuple[int, str], ...] = ()
    matched: tuple[tuple[int, str], ...] = ()
    import_options: ImportOptions = ImportOptions()  # what the user asked for: a new plan of the file uses them

    @property
    def fields(self) -> tuple[str, ...]:
        return self.parsed.fields

    @cached_property  # asked by the summary, the CLI table, each preview tab and each Enter: counted once
    def field_counts(self) -> dict[str, FieldCounts]:
        """Per field, how many new customers get a value in it, how many customers it changes, and how many it
        erases, for the fields the import touches, in the file's column order. The table that shows at a glance
        "Email: 19,064 erased", which a list of 25,000 rows hides."""
        created: Counter[str] = Counter()
        updated: Counter[str] = Counter()
        blanked: Counter[str] = Counter()
        for record in self.records:
            if record.action is Action.CREATE:
                # The new customer's ID is the row's key, not one of its values: it would only repeat "New".
                created.update(c.field for c in record.changes if c.new is not None and c.field != "CUSTOMERID")
            elif record.action is Action.UPDATE:
                for change in record.changes:
                    (blanked if change.blanked else updated)[change.field] += 1
        touched = set(created) | set(updated) | set(blanked)
        order = [f for f in self.parsed.fields if f in touched] + sorted(touched - set(self.parsed.fields))
        return {f: FieldCounts(created[f], updated[f], blanked[f]) for f in order}

    @property
    def told_field_counts(self) -> dict[str, FieldCounts]:
        """`field_counts` as the importing user may be told them: for a user without List, only the values given to
        new customers (which fields a row changes, or erases, would tell what the store holds)."""
        if self.shows_old:
            return self.field_counts
        return {f: FieldCounts(created=c.created) for f, c in self.field_counts.items() if c.created}

    def failed_rows_file(self) -> bytes:
        """The failed rows as a CSV to fix and import again (see `core.failed_rows`)."""
        return failed_rows_csv(self.raw, self.errors, self.failed_rows, self.column_names)

    @property
    def column_names(self) -> dict[str, str]:
        """Field ID -> the column's heading in the file: messages name columns as the user's file does."""
        return dict(zip(self.parsed.fields, self.parsed.headers))

    @property
    def rows(self) -> int:
        return self.parsed.row_count

    def _of(self, action: Action) -> Iterator[RecordPlan]:
        return (r for r in self.records if r.action is action)

    @property
    def created(self) -> int:
        return sum(1 for _ in self._of(Action.CREATE))

    @property
    def updated(self) -> int:
        return sum(1 for _ in self._of(Action.UPDATE))

    @property
    def unchanged(self) -> int:
        return sum(1 for _ in self._of(Action.UNCHANGED))

    @property
    def applied(self) -> int:
        """Rows written over stored customers, whether or not they change them (updated + unchanged)."""
        return sum(1 for r in self.records if r.action is not Action.CREATE)

    @property
    def failed(self) -> int:
        return len(self.failed_rows)

    @property
    def blanked(self) -> int:
        return sum(1 for r in self._of(Action.UPDATE) for c in r.changes if c.blanked)

    @property
    def creates(self) -> tuple[RecordPlan, ...]:
        return tuple(self._of(Action.CREATE))

    @property
    def updates(self) -> tuple[RecordPlan, ...]:
        return tuple(self._of(Action.UPDATE))

    @property
    def blanks(self) -> tuple[tuple[RecordPlan, FieldChange], ...]:
        return tuple((r, c) for r in self._of(Action.UPDATE) for c in r.changes if c.blanked)

    @property
    def rejected(self) -> bool:
        """The one rule of --strict: while any row fails, nothing is committed and the import is rejected."""
        return self.policy is Policy.STRICT and bool(self.failed_rows)

    @property
    def commits_anything(self) -> bool:
        """False when the strict policy meets a failing row, or when there is nothing to write. For a user without
        List, any row that passes is written (as a batch), so that the outcome does not tell whether the store
        already held the file's values."""
        if self.rejected:
            return False
        if not self.shows_old:
            return bool(self.records)
        return any(r.action is not Action.UNCHANGED for r in self.records)

    def counts(self) -> dict[str, int | None]:
        """The counts of cli.md's object, in its order. For a user without List (`shows_old` False), `applied`
        counts the rows written over stored customers, and `updated`, `unchanged` and `blanked` are None (not
        told): `created + applied + failed == rows`."""
        told = self.shows_old
        out: dict[str, int | None] = {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated if told else None,
            "unchanged": self.unchanged if told else None,
            "blanked": self.blanked if told else None,
            "failed": self.failed,
        }
        if not told:
            out["applied"] = self.applied
        return out

    def summary(self, status: Status, batch: str | None = None, job: str | None = None) -> dict[str, object]:
        """The JSON object of `custbook import --json` (cli.md), as the importing user may be told it (`counts`)."""
        out: dict[str, object] = {
            "status": status.value,
            "batch": batch,
            "job": job,
            **self.counts(),
            "errors": [e.as_json() for e in self.errors],
            "warnings": [w.as_json() for w in self.warnings],
        }
        if status is not Status.REJECTED:
            told = self.shows_old
            out["fields"] = {
                f: c.as_json() if told else {"created": c.created, "updated": None, "blanked": None}
                for f, c in self.told_field_counts.items()
            }
        if self.mapping:
            out["mapping"] = self.mapping
        if self.import_options.keys.generate:
            out["generated"] = [{"row": r, "id": i} for r, i in self.generated]
        if self.import_options.keys.match:
            out["matched"] = [{"row": r, "id": i} for r, i in self.matched]
        return out


def rejected_summary(message: str, job: str | None = None) -> dict[str, object]:
    """cli.md's object for an import refused as a whole (the file, the user...): nothing changed, one error."""
    return {
        "status": Status.REJECTED.value, "batch": None, "job": job, "rows": 0, "created": 0, "updated": 0,
        "unchanged": 0, "blanked": 0, "failed": 0,
        "errors": [Issue(None, None, None, message).as_json()], "warnings": [],
    }  # fmt: skip


def update_writer(fields: Sequence[str], catalogue: Catalogue) -> Callable[[Sequence[Value]], Sequence[Value]]:
    """How an update writes a row of a file with these `fields`: each cell's value, except that a blank checkbox is
    unticked (FALSE) rather than empty. The one statement of that rule: the store's diff compares these values with
    the stored ones, the planner shows them as the changes' new values, and the commit writes them."""
    checkboxes = [i for i, fid in enumerate(fields) if catalogue[fid].type is FieldType.BOOL]
    if not checkboxes:
        return lambda values: values
    # One C-level look at the checkbox cells per row (a 25,000-row import calls this for every row).
    cells = itemgetter(*checkboxes, checkboxes[0])  # always a tuple, even for one checkbox

    def written(values: Sequence[Value]) -> Sequence[Value]:
        if None not in cells(values):
            return values
        out = list(values)
        for i in checkboxes:
            if out[i] is None:
                out[i] = False
        return out

    return written


def written_rows(
    rows: Iterable[tuple[int, Sequence[Value]]], fields: Sequence[str], catalogue: Catalogue
) -> Iterator[tuple[int, Sequence[Value]]]:
    """`rows` (number, values) as an update writes them (see `update_writer`)."""
    written = update_writer(fields, catalogue)
    return ((number, written(values)) for number, values in rows)
