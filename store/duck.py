"""The DuckDB store as its callers see it: `DuckStore`, the store file behind the repositories of `store.base`.

Each repository is a thin class over the module that owns its tables (customers and query, history and apply,
views, mappings, users, entities, fields, jobs and job_worker, settings), so that module keeps its SQL and its
tests, and this file only says which method is which. `unit_of_work()` opens one write transaction and yields a
`DuckStore` whose reads and writes all use it (`_InTransaction`), which is how several repositories commit or roll
back together.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from core.catalogue import Catalogue, Field
from core.errors import CustbookError
from core.mapping import ColumnMapping
from core.plan import ImportOptions, ImportPlan
from core.users import Permission, User, UserType
from core.validate import ParsedTable
from core.values import DateFormat, Value
from core.viewdef import View
from store import customers, entities, fields, history, job_worker, jobs, mappings, query, settings, users, views
from store.apply import apply_plan
from store.db import InTransaction, Store, release_warm
from store.diff import read_facts
from store.export import export_rows
from store.records import (
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

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import PlanReader, ViewQuery


def _compiled(q: ViewQuery) -> query.CompiledView:
    if not isinstance(q, query.CompiledView):
        raise TypeError("a query compiled by another store")
    return q


class DuckCustomers:
    def __init__(self, store: Store) -> None:
        self._store = store

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
        return query.compile_view(
            view, catalogue, user=user, entity=entity, columns=columns, date_format=date_format, quick=quick,
            quick_fields=quick_fields,
        )  # fmt: skip

    def count(self, q: ViewQuery) -> int:
        return query.count(self._store, _compiled(q))

    def page(
        self, q: ViewQuery, offset: int, limit: int, total: int | None = None, *, warm: bool = False
    ) -> list[tuple[Value, ...]]:
        return query.page(self._store, _compiled(q), offset, limit, total, warm=warm)

    def count_and_page(self, q: ViewQuery, limit: int, *, warm: bool = False) -> tuple[int, list[tuple[Value, ...]]]:
        return query.count_and_page(self._store, _compiled(q), limit, warm=warm)

    def get(
        self, catalogue: Catalogue, customer_id: str, entity: str | None = None, *, user: User
    ) -> dict[str, Value] | None:
        return query.get_customer(self._store, catalogue, customer_id, entity, user=user)

    def fetch(self, catalogue: Catalogue, customer_id: str, entity: str | None = None) -> dict[str, Value] | None:
        return query.fetch_customer(self._store, catalogue, customer_id, entity)

    def id_taken(self, customer_id: str) -> bool:
        return customers.customer_id_taken(self._store, customer_id)

    def total(self, entity: str | None = None, include_entities: bool = True) -> int:
        return customers.count_customers(self._store, entity, include_entities)

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
        return export_rows(
            self._store, user=user, view=view, columns=columns, entity=entity, date_format=date_format,
            detached=detached,
        )  # fmt: skip

    def plan_facts(
        self, parse: Callable[[Catalogue, PlanReader], tuple[ParsedTable, StoreFacts | None]]
    ) -> tuple[Catalogue, ParsedTable, StoreFacts]:
        return read_facts(self._store, parse)


class DuckHistory:
    def __init__(self, store: Store) -> None:
        self._store = store

    def apply(self, plan: ImportPlan, *, user: User, kind: str = "import") -> BatchResult:
        return apply_plan(self._store, plan, user=user, kind=kind)

    def batches(self, *, user: User, limit: int = 200) -> list[Batch]:
        return history.list_batches(self._store, user=user, limit=limit)

    def batch(self, batch_id: str, *, user: User) -> tuple[Batch, list[Change]]:
        return history.get_batch(self._store, batch_id, user=user)

    def of_customer(self, customer_id: str, *, user: User) -> list[Change]:
        return history.customer_history(self._store, customer_id, user=user)

    def undo(self, batch_id: str, *, user: User, entity: str | None = None) -> Batch:
        return history.undo_batch(self._store, batch_id, user=user, entity=entity)


class DuckViews:
    def __init__(self, store: Store) -> None:
        self._store = store

    def list(self, user: User) -> list[View]:
        return views.list_views(self._store, user)

    def save(self, user: User, view: View) -> View:
        return views.write_view(self._store, user, view)

    def remove(self, user: User, name: str) -> None:
        views.remove_view(self._store, user, name)


class DuckMappings:
    def __init__(self, store: Store) -> None:
        self._store = store

    def list(self, user: User) -> list[SavedMapping]:
        return mappings.list_mappings(self._store, user)

    def save(self, user: User, mapping: ColumnMapping, *, public: bool) -> SavedMapping:
        return mappings.write_mapping(self._store, user, mapping, public=public)

    def remove(self, user: User, name: str) -> str:
        return mappings.remove_mapping(self._store, user, name)


class DuckUsers:
    def __init__(self, store: Store) -> None:
        self._store = store

    def resolve(self, name: str, *, warm: bool = False) -> User:
        return users.resolve_user(self._store, name, warm=warm)

    def list(self) -> list[User]:
        return users.list_users(self._store)

    def add(self, name: str, utype: UserType, perms: frozenset[Permission], *, by: User) -> User:
        return users.add_user(self._store, name, utype, perms, by=by)

    def remove(self, name: str, *, by: User) -> str:
        return users.remove_user(self._store, name, by=by)

    def set_language(self, name: str, language: str | None) -> None:
        users.set_language(self._store, name, language)


class DuckEntities:
    def __init__(self, store: Store) -> None:
        self._store = store

    def list(self) -> list[Entity]:
        return entities.list_entities(self._store)

    def add(self, entity_id: str, name: str, *, by: User | None = None) -> Entity:
        return entities.add_entity(self._store, entity_id, name, by=by)

    def check(self, entity_id: str | None) -> None:
        entities.check_entity(self._store, entity_id)


class DuckFields:
    def __init__(self, store: Store) -> None:
        self._store = store

    def catalogue(self) -> Catalogue:
        return fields.catalogue(self._store)

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
    ) -> Field:
        return fields.add_field(
            self._store, field_id, ftype, values=values, required=required, label=label, label_fr=label_fr, by=by
        )


class DuckJobs:
    def __init__(self, store: Store) -> None:
        self._store = store

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
    ) -> Job:
        return jobs.submit_job(
            self._store, data=data, file_name=file_name, options=options, user=user, entity=entity, emails=emails,
            email_each=email_each, language=language,
        )  # fmt: skip

    def list(self, *, user: User, limit: int = 200, brief: bool = False) -> list[Job]:
        if brief:
            return jobs.list_jobs_brief(self._store, user=user, limit=limit)
        return jobs.list_jobs(self._store, user=user, limit=limit)

    def get(self, job_id: str, *, user: User) -> Job:
        return jobs.get_job(self._store, job_id, user=user)

    def failed_rows(self, job: Job) -> bytes | None:
        return jobs.failed_rows_of(self._store, job)

    def set_mail_status(self, job: Job, status: str) -> None:
        jobs.set_mail_status(self._store, job, status)

    def claim_next(self, worker: str, *, timeout: float | None = None) -> Claim | None:
        return job_worker.claim_next(self._store, worker, timeout=timeout)

    def heartbeat(self, claim: Claim) -> bool:
        return job_worker.heartbeat(self._store, claim)

    def release(self, claim: Claim) -> None:
        job_worker.release(self._store, claim)

    def owns(self, claim: Claim) -> bool:
        return job_worker.owns(self._store, claim)

    def finish(
        self, claim: Claim, state: JobState, summary: dict[str, object], failed_csv: bytes | None, batch: str | None
    ) -> Job:
        return job_worker.finish(self._store, claim, state, summary, failed_csv, batch)

    def refuse(self, claim: Claim, exc: CustbookError) -> Job | None:
        return job_worker.refuse(self._store, claim, exc)


class DuckSettings:
    def __init__(self, store: Store) -> None:
        self._store = store

    def all(self) -> dict[str, str]:
        return settings.read_settings(self._store)

    def set(self, key: str, value: str, *, by: User) -> None:
        settings.write_setting(self._store, key, value, by=by)


class DuckStore(Store):
    """A DuckDB store file with its repositories (see `store.base.CustomerStore`)."""

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def label(self) -> str:
        return self.path.name

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.path, self.path.with_name(self.path.name + ".wal"))

    @property
    def customers(self) -> DuckCustomers:
        return DuckCustomers(self)

    @property
    def history(self) -> DuckHistory:
        return DuckHistory(self)

    @property
    def views(self) -> DuckViews:
        return DuckViews(self)

    @property
    def mappings(self) -> DuckMappings:
        return DuckMappings(self)

    @property
    def users(self) -> DuckUsers:
        return DuckUsers(self)

    @property
    def entities(self) -> DuckEntities:
        return DuckEntities(self)

    @property
    def fields(self) -> DuckFields:
        return DuckFields(self)

    @property
    def jobs(self) -> DuckJobs:
        return DuckJobs(self)

    @property
    def settings(self) -> DuckSettings:
        return DuckSettings(self)

    @contextmanager
    def unit_of_work(self) -> Iterator[DuckStore]:
        with self.write() as con:
            yield _InTransaction(self, con)

    def backup(self, target: str | os.PathLike[str], *, user: User) -> Backup:
        from store.backup import backup

        return backup(self, target, user=user)

    def seed_demo(self, n: int, *, user: User) -> int:
        from store.demo import seed_demo

        return seed_demo(self, n, user=user)

    def let_go(self) -> None:
        release_warm()


class _InTransaction(InTransaction, DuckStore):
    """A DuckStore inside one open write transaction: its repositories all use that transaction (see
    `store.db.InTransaction`)."""

    @contextmanager
    def unit_of_work(self) -> Iterator[DuckStore]:
        yield self  # nested: the same transaction
