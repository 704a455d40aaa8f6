"""What a store hands back, whichever database holds it: entities, batches and their changes, jobs and claims,
saved column mappings, backups, an export's rows, the facts a plan needs; and their labels (B12, J3) and the undo
chain's words.

No SQL and no database driver here: the DuckDB store (store/duck.py) and the PostgreSQL one return these same
records, so services and the front ends read them without knowing which store they talk to.
May import: core only.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from core.catalogue import Catalogue, Field, FieldType
from core.errors import InvalidValue, UsageError
from core.i18n import _
from core.mapping import ColumnMapping
from core.plan import ImportOptions
from core.values import ParseOptions, Value
from core.viewdef import ALL_CUSTOMERS, View

DEFAULT_JOB_TIMEOUT = 60.0


@dataclass(frozen=True)
class Entity:
    id: str
    name: str


# --- batches -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchResult:
    batch: str | None  # "B12", or None when nothing was written
    created: int
    updated: int


@dataclass(frozen=True)
class Batch:
    id: str
    kind: str  # import, edit, undo
    user: str
    at: dt.datetime
    file_name: str | None
    entity: str | None
    created: int
    updated: int
    blanked: int
    failed: int
    undoes: str | None
    undone_by: str | None
    removed: int = 0  # customers an undo removed (they had been created by the batch it undid)
    mapping: str | None = None  # an import's: the label of the column mapping it used (None: custbook's headers)


@dataclass(frozen=True)
class Change:
    batch: str
    customer_id: str
    field: str
    old: str | None  # canonical text
    new: str | None
    action: str
    at: dt.datetime | None = None
    user: str | None = None


def batch_label(number: int) -> str:
    return f"B{number}"


def parse_batch_id(text: str) -> int:
    word = text.strip().upper().removeprefix("B")
    if not word.isdigit():
        raise UsageError(
            _("'{text}' is not a batch ID").format(text=text),
            _("Batch IDs look like B12; see them with: custbook history"),
        )
    return int(word)


def undone_note(label: str, chain: list[str]) -> tuple[str, str]:
    """Why batch `label` cannot be undone again, and what to do instead: `chain` is the undos that followed it,
    each undoing the one before (B2 undid B1, B3 undid B2...). After an odd number of them its changes are out,
    after an even number they are back; either way the last undo is the one to undo."""
    last = chain[-1]
    if len(chain) == 1:
        problem, fix = _("Batch {batch} was already undone by {last}"), _("To put its changes back, undo {last}")
    elif len(chain) % 2:
        problem = _("Batch {batch}'s changes are out again: {last} took them out")
        fix = _("To put them back, undo {last}")
    else:
        problem = _("Batch {batch}'s changes are in place again: {last} put them back")
        fix = _("To take them out, undo {last}")
    return problem.format(batch=label, last=last), fix.format(last=last)


def undo_chain(undone_by: str, undone_by_of: Mapping[str, str | None]) -> list[str]:
    """The undos that followed a batch, from the one that undid it (`undone_by`): each batch's undoer is looked up
    in `undone_by_of` (batch -> the batch that undid it, or None) until one was not undone."""
    chain = [undone_by]
    while (after := undone_by_of.get(chain[-1])) and len(chain) <= len(undone_by_of):
        chain.append(after)
    return chain


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


# --- jobs ----------------------------------------------------------------------------------------------------------


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # the import ran: its summary (failed rows included) is the result
    FAILED = "failed"  # the import changed nothing: file rejected, user refused, --strict with failing rows...


def job_label(number: int) -> str:
    return f"J{number}"


def parse_job_id(text: str) -> int:
    word = text.strip().upper().removeprefix("J")
    if not word.isdigit():
        raise UsageError(
            _("'{text}' is not a job ID").format(text=text),
            _("Job IDs look like J12; see them with: custbook jobs list"),
        )
    return int(word)


def job_timeout(env: Mapping[str, str] | None = None) -> float:
    """Seconds after which a running job whose worker sent no heartbeat may be claimed again."""
    text = (os.environ if env is None else env).get("CUSTBOOK_JOB_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_JOB_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise InvalidValue(
            _("CUSTBOOK_JOB_TIMEOUT is '{text}', not a number of seconds").format(text=text),
            _("Set it to a number such as 60, or unset it"),
        )
    return value


@dataclass(frozen=True)
class Job:
    """A job as listed and shown (without the file's bytes)."""

    number: int
    state: JobState
    file_name: str
    file_size: int
    options: ImportOptions
    user: str
    entity: str | None
    emails: tuple[str, ...]
    email_each: bool
    created: dt.datetime
    claimed_by: str | None
    claimed_at: dt.datetime | None
    heartbeat: dt.datetime | None
    attempts: int
    finished: dt.datetime | None
    batch: str | None
    result: dict[str, object] | None  # the cli.md summary, "job" included
    failed_rows: int  # size in bytes of the failed-rows CSV, 0 when there is none
    mail_status: str | None  # "sent", "not sent: <reason>", or None when no address was given
    language: str | None = None  # the submitter's language ("en", "fr") for the results and e-mail; None: unknown

    @property
    def id(self) -> str:
        return job_label(self.number)

    @property
    def finished_running(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


@dataclass(frozen=True)
class Claim:
    """A job a worker holds: the job, its file, and the (worker, attempt) pair that proves the claim is current."""

    job: Job
    data: bytes
    worker: str
    attempt: int


# --- saved column mappings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedMapping:
    """A column mapping saved in the store: its owner's, seen by every user when public. `mapping` carries the name
    too (as saved, which is how the history and messages name it)."""

    name: str
    owner: str
    public: bool
    mapping: ColumnMapping
    modified: dt.datetime | None = None


# --- views, exports, plans, backups ---------------------------------------------------------------------------------


def builtin_view() -> View:
    return View(name=ALL_CUSTOMERS, owner=None, public=True, builtin=True)


@dataclass(frozen=True)
class ExportRows:
    """A view's customers as an export reads them: `rows` streams once, in the view's sort order, and holds the
    store open until it is read to the end, closed, or dropped."""

    catalogue: Catalogue
    columns: tuple[Field, ...]
    row_count: int
    rows: Iterator[tuple[Value, ...]]


@dataclass(frozen=True)
class StoreFacts:
    """What the plan needs to know of the store about the rows of the file."""

    existing: dict[int, tuple[int, str | None]]  # row -> (ROWVERSION, MEGAENTITYID) of the stored record
    changed: dict[int, list[tuple[str, Value]]]  # row -> (field, stored value) for each field the row changes
    links: dict[str, str]  # child -> parent, of stored records that have a parent
    known_parents: frozenset[str]  # PARENTID values of the file that name stored records


@dataclass(frozen=True)
class AheadQuery:
    """What to read ahead for an import (`Customers.read_ahead`): the stored customers whose IDs are in column
    `id_column` (from 0) of the UTF-8 CSV file `path`, delimited by `delimiter`, each written as the text of
    `fields` as a file read with `options` holds them (`PlanReader.stored_text`)."""

    path: Path
    delimiter: str
    id_column: int
    fields: tuple[str, ...]
    options: ParseOptions


@dataclass(frozen=True)
class Backup:
    path: Path
    customers: int
    size: int  # bytes


@dataclass(frozen=True)
class Copied:
    """What `copy_store` copied: counts of the rows the summary line names, and both stores as shown to users."""

    source: str
    target: str
    customers: int
    users: int
    batches: int
