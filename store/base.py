"""What a store is to its callers: narrow repositories (customers, history and batches, views, column mappings,
users, entities, fields, jobs, store-wide settings) and one unit of work per transaction, as protocols.

Services, the command line and the interface see a store only through `CustomerStore` (they get one from
`store.opening.open_store`); the DuckDB store (`store/duck.py`) implements it, and a second database is added
beside it without touching them. The import-linter contract "front ends and services see the store's interface
only" in pyproject.toml keeps it so.

Each method is one transaction of its own (a read or a write), except inside `unit_of_work()`, where every
repository of the store it yields joins that one transaction: committed when the block ends, rolled back if it
raises. May import: core and store.records only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from core.catalogue import Catalogue, Field
from core.errors import CustbookError
from core.keys import IdPattern
from core.mapping import ColumnMapping
from core.plan import ImportOptions, ImportPlan
from core.users import Permission, User, UserType
from core.validate import ParsedTable
from core.values import DateFormat, ParseOptions, Value
from core.viewdef import View
from store.records import (
    AheadQuery,
    Backup,
    Batch,
    BatchResult,
    Change,
    Claim,
    Entity,
    ExportRows,
    Job,
    JobState,
    SavedMapping,
    StoreFacts,
)


class ViewQuery(Protocol):
    """A view compiled for one user, level and search: opaque to callers except for the columns it reads."""

    @property
    def columns(self) -> tuple[Field, ...]: ...


class Customers(Protocol):
    def compile(
        self,
        view: View,
        catalogue: Catalogue,
        *,
        user: User,
        entity: str | None = None,
        columns: tuple[Field, ...] | None = None,
        date_format: DateFormat = DateFormat.DMY_SLASH,
        quick: str = "",
        quick_fields: tuple[str, ...] = (),
    ) -> ViewQuery:
        """The view as one query for `user` (List needed; InvalidValue when a filter cannot run). `quick`: the
        interface's quick filter, a customer matching when one of `quick_fields` contains it without regard to case
        or accents, letters such as Ł, Ø, ß folded (core.folding). The interface's six fields (CUSTOMERID, NAME,
        PRINTAS, EMAIL1, PHONE1, CITY) are searched in each customer's stored folded text; other choices are folded
        as they are searched, more slowly."""
        ...

    def count(self, query: ViewQuery) -> int: ...

    def page(
        self, query: ViewQuery, offset: int, limit: int, total: int | None = None, *, warm: bool = False
    ) -> list[tuple[Value, ...]]:
        """Rows offset..offset+limit of the query, in its order. `warm`: keep the store ready for the next page."""
        ...

    def count_and_page(
        self, query: ViewQuery, limit: int, *, warm: bool = False
    ) -> tuple[int, list[tuple[Value, ...]]]: ...

    def position(self, query: ViewQuery, customer_id: str, *, warm: bool = False) -> int | None:
        """Where the customer is in the query's order (0 for the first), or None when the query does not show it."""
        ...

    def get(
        self, catalogue: Catalogue, customer_id: str, entity: str | None = None, *, user: User
    ) -> dict[str, Value] | None:
        """One customer as `user` at `entity` sees it (List needed), or None."""
        ...

    def fetch(self, catalogue: Catalogue, customer_id: str, entity: str | None = None) -> dict[str, Value] | None:
        """One customer at `entity`, for a check the caller's own permission already covers."""
        ...

    def id_taken(self, customer_id: str) -> bool:
        """Whether the ID is used anywhere in the store, at any level."""
        ...

    def total(self, entity: str | None = None, include_entities: bool = True) -> int: ...

    def export_rows(
        self,
        *,
        user: User,
        view: View,
        columns: Callable[[Catalogue], tuple[Field, ...]],
        entity: str | None = None,
        date_format: DateFormat = DateFormat.DMY_SLASH,
        detached: bool = False,
    ) -> ExportRows:
        """A view's rows for an export, from one reading of the store (see `ExportRows`). `detached`: the store is
        let go before the rows are read (they come from a private copy), for files that take long to render."""
        ...

    def read_ahead(self, choose: Callable[[Catalogue], AheadQuery | None]) -> ReadAhead | None:
        """Start reading the stored rows of an import's file while the caller reads it (issue 13): `choose` (run
        in the reading's thread, with the store's catalogue) says which, or None for none. None: this store does
        not read ahead. Close what it returns before writing the store."""
        ...

    def plan_facts(
        self, parse: Callable[[Catalogue, PlanReader], tuple[ParsedTable, StoreFacts | None]]
    ) -> tuple[Catalogue, ParsedTable, StoreFacts]:
        """One reading for an import's plan: the catalogue, the file parsed with it (`parse` may ask the store
        questions through the PlanReader, and may return the facts it worked out itself), and what the store
        holds of its rows (the staged diff, when `parse` returned no facts)."""
        ...


class ReadAhead(Protocol):
    """An import's stored rows being read while its file is (`Customers.read_ahead`)."""

    @property
    def used(self) -> bool:
        """Whether a plan took the rows it read (a plan that could not, fetched its own)."""
        ...

    def close(self) -> None:
        """Stop reading (if it still is) and let go of the store: before this process writes it."""
        ...


class PlanReader(Protocol):
    """What an import's planning asks the store, in the plan's one reading: customers for rows without an ID
    (core.keys decides with the answers), and the stored rows as text for the fast path (services.unchanged)."""

    def stored_text(
        self, fields: Sequence[str], ids: Sequence[str], options: ParseOptions
    ) -> dict[str, tuple[int, str | None, str]]:
        """Customer ID -> (ROWVERSION, owning entity, the values of `fields` written as a file read with `options`
        writes them (dates in its format, decimal commas, TRUE/FALSE, blank for empty), joined by UNIT_SEPARATOR),
        for the stored customers among `ids`."""
        ...

    def stored_text_later(
        self,
        fields: Sequence[str],
        ids: Sequence[str],
        options: ParseOptions,
        parents: Sequence[str] | None = None,
        ahead: ReadAhead | None = None,
    ) -> Callable[[], tuple[dict[str, tuple[int, str | None, str]], set[str], dict[str, str]]]:
        """`stored_text`, started now (the store works while the caller goes on); call the result for the answer:
        (stored_text, known_ids(parents), parent_links()), the last two when `parents` is given (else empty). The
        caller asks the store nothing else before it has. `ahead`: the rows read ahead for this import, used when
        still true for this reading (`Customers.read_ahead`)."""
        ...

    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Those of `ids` that are stored customers."""
        ...

    def parent_links(self) -> dict[str, str]:
        """Child -> parent, for every stored customer that has a parent."""
        ...

    def matching(self, field_id: str, keys: Sequence[str]) -> dict[str, list[str]]:
        """Match key (core.keys.match_key) -> the IDs of the customers whose `field_id` has that value."""
        ...

    def id_patterns(self) -> tuple[list[IdPattern], int]:
        """The stored IDs' families (prefix, digits, count, highest number) and how many IDs end in no number."""
        ...


class History(Protocol):
    def apply(self, plan: ImportPlan, *, user: User, kind: str = "import") -> BatchResult:
        """Commit a plan as one batch (Conflict, nothing written, when the plan went stale)."""
        ...

    def batches(self, *, user: User, limit: int = 200) -> list[Batch]: ...

    def batch(self, batch_id: str, *, user: User) -> tuple[Batch, list[Change]]: ...

    def of_customer(self, customer_id: str, *, user: User) -> list[Change]: ...

    def undo(self, batch_id: str, *, user: User, entity: str | None = None) -> Batch:
        """Revert a batch as a new batch (Conflict, nothing changed, when refused)."""
        ...


class Views(Protocol):
    def list(self, user: User) -> list[View]: ...

    def save(self, user: User, view: View) -> View: ...

    def remove(self, user: User, name: str) -> None: ...


class Mappings(Protocol):
    """Saved column mappings: a user's own, private unless public; names compared without regard to case."""

    def list(self, user: User) -> list[SavedMapping]:
        """The user's own mappings and other users' public ones, by name."""
        ...

    def save(self, user: User, mapping: ColumnMapping, *, public: bool) -> SavedMapping:
        """Create or replace the user's mapping named `mapping.name` (PermissionDenied when the name is another
        user's public mapping, or to share one under a name another user already shares)."""
        ...

    def remove(self, user: User, name: str) -> str:
        """Delete the user's own mapping `name` and return its name as saved (PermissionDenied for another user's,
        NotFound when there is none)."""
        ...


class Users(Protocol):
    def resolve(self, name: str, *, warm: bool = False) -> User:
        """The acting user (the first one of a store without users becomes its administrator)."""
        ...

    def list(self) -> list[User]: ...

    def add(
        self,
        name: str,
        utype: UserType,
        perms: frozenset[Permission],
        *,
        by: User,
        entities: frozenset[str] | None = None,
    ) -> User:
        """Create or change a user (an administrator's act). `entities`: the entities whose own customers the user
        may see and change (None: all); on PostgreSQL a row-level security policy enforces them."""
        ...

    def remove(self, name: str, *, by: User) -> str: ...

    def set_language(self, name: str, language: str | None) -> None:
        """Keep the language user `name` chose ("en", "fr"; None: no choice, the locale decides); NotFound for an
        unknown user. A user's own preference: no permission is needed."""
        ...

    def acting_for(self, name: str) -> User:
        """User `name` with their permissions as they are now, for an administrator acting on their behalf (the job
        worker applying their queued import). On PostgreSQL: PermissionDenied unless the connection's role is an
        administrator, or when `name` is no longer a user of the store; on DuckDB what `resolve(name)` gives."""
        ...

    def acting_as(self, user: User) -> AbstractContextManager[None]:
        """Inside a unit of work only: what the block writes is written with `user`'s own rights as the database
        grants them, so that the database decides (PostgreSQL: SET LOCAL ROLE to their role, its grants and row
        level security applying, and back to the connection's role when the block ends; a refusal raises
        PermissionDenied and the unit of work rolls back). DuckDB has no rights of its own: nothing changes there."""
        ...


class Entities(Protocol):
    def list(self) -> list[Entity]: ...

    def add(self, entity_id: str, name: str, *, by: User | None = None) -> Entity: ...

    def check(self, entity_id: str | None) -> None:
        """NotFound unless `entity_id` is None (the top level) or a known entity."""
        ...


class Fields(Protocol):
    def catalogue(self) -> Catalogue: ...

    def add(
        self,
        field_id: str,
        ftype: str,
        *,
        values: tuple[str, ...] = (),
        required: bool = False,
        label: str | None = None,
        label_fr: str | None = None,
        by: User | None = None,
    ) -> Field: ...


class Jobs(Protocol):
    def submit(
        self,
        *,
        data: bytes,
        file_name: str,
        options: ImportOptions,
        user: User,
        entity: str | None,
        emails: tuple[str, ...] = (),
        email_each: bool = False,
        language: str | None = None,
    ) -> Job: ...

    def list(self, *, user: User, limit: int = 200, brief: bool = False) -> list[Job]:
        """The newest jobs `user` may see; `brief`: each result holds only its counts (for lists)."""
        ...

    def get(self, job_id: str, *, user: User) -> Job: ...

    def failed_rows(self, job: Job) -> bytes | None: ...

    def set_mail_status(self, job: Job, status: str) -> None: ...

    # the worker's side
    def claim_next(self, worker: str, *, timeout: float | None = None) -> Claim | None: ...

    def heartbeat(self, claim: Claim) -> bool:
        """False when the claim was lost to another worker."""
        ...

    def release(self, claim: Claim) -> None: ...

    def owns(self, claim: Claim) -> bool:
        """Whether the claim is still this worker's (inside a unit of work: until it commits)."""
        ...

    def finish(
        self, claim: Claim, state: JobState, summary: dict[str, object], failed_csv: bytes | None, batch: str | None
    ) -> Job: ...

    def refuse(self, claim: Claim, exc: CustbookError) -> Job | None:
        """Record a job that cannot run, failed with the reason as its error; None when the claim was lost."""
        ...


class Settings(Protocol):
    """Store-wide settings that administrators set, as canonical text; `services.settings` owns the keys, their
    meaning and their defaults."""

    def all(self) -> dict[str, str]:
        """Key -> value, for the settings that were set (an unset one has no entry)."""
        ...

    def set(self, key: str, value: str, *, by: User) -> None:
        """Set one setting (PermissionDenied unless `by` is an administrator)."""
        ...


class ChangeWatch(Protocol):
    """Other people's changes as they commit (a PostgreSQL store; a DuckDB file has no way to tell)."""

    def wait(self, timeout: float) -> int:
        """How many customers other programs changed since the last call, waiting up to `timeout` seconds."""
        ...

    def close(self) -> None: ...


class CustomerStore(Protocol):
    """One store: its repositories, its unit of work, and what the front ends say about it."""

    @property
    def location(self) -> str:
        """What the user typed to name it (a path, later a database URL), for messages."""
        ...

    @property
    def label(self) -> str:
        """A short name for the store where space is short (the interface's status line): its file name."""
        ...

    @property
    def files(self) -> tuple[Path, ...]:
        """The files the store lives in on this machine (none for a database server): never written over."""
        ...

    @property
    def customers(self) -> Customers: ...

    @property
    def history(self) -> History: ...

    @property
    def views(self) -> Views: ...

    @property
    def mappings(self) -> Mappings: ...

    @property
    def users(self) -> Users: ...

    @property
    def entities(self) -> Entities: ...

    @property
    def fields(self) -> Fields: ...

    @property
    def jobs(self) -> Jobs: ...

    @property
    def settings(self) -> Settings: ...

    def unit_of_work(self) -> AbstractContextManager[CustomerStore]:
        """The same store inside ONE write transaction: every repository of the store it yields joins it."""
        ...

    def backup(self, target: str | os.PathLike[str], *, user: User) -> Backup: ...

    def seed_demo(self, n: int, *, user: User) -> int: ...

    def let_go(self) -> None:
        """Close whatever this process keeps open of the store between operations (at a command's end)."""
        ...

    def watch_changes(self) -> ChangeWatch | None:
        """A watch on other people's changes (the interface's live notice), or None where the store cannot tell."""
        ...
