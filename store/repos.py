"""The repositories whose SQL both databases read alike (`store.sql`): views, column mappings, users, entities,
custom fields, jobs and settings, each a thin class over the module that owns its tables. The DuckDB store
(`store.duck`) and the PostgreSQL store (`store.pg`) hand them their `Database`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.catalogue import Catalogue, Field
from core.errors import CustbookError
from core.mapping import ColumnMapping
from core.plan import ImportOptions
from core.users import Permission, User, UserType
from core.viewdef import View
from store import entities, fields, job_worker, jobs, mappings, settings, users, views
from store.records import Claim, Entity, Job, JobState, SavedMapping
from store.sql import Database


class SqlViews:
    def __init__(self, store: Database) -> None:
        self._store = store

    def list(self, user: User) -> list[View]:
        return views.list_views(self._store, user)

    def save(self, user: User, view: View) -> View:
        return views.write_view(self._store, user, view)

    def remove(self, user: User, name: str) -> None:
        views.remove_view(self._store, user, name)


class SqlMappings:
    def __init__(self, store: Database) -> None:
        self._store = store

    def list(self, user: User) -> list[SavedMapping]:
        return mappings.list_mappings(self._store, user)

    def save(self, user: User, mapping: ColumnMapping, *, public: bool) -> SavedMapping:
        return mappings.write_mapping(self._store, user, mapping, public=public)

    def remove(self, user: User, name: str) -> str:
        return mappings.remove_mapping(self._store, user, name)


class SqlUsers:
    def __init__(self, store: Database) -> None:
        self._store = store

    def resolve(self, name: str, *, warm: bool = False) -> User:
        return users.resolve_user(self._store, name, warm=warm)

    def list(self) -> list[User]:
        return users.list_users(self._store)

    def add(
        self,
        name: str,
        utype: UserType,
        perms: frozenset[Permission],
        *,
        by: User,
        entities: frozenset[str] | None = None,
    ) -> User:
        return users.add_user(self._store, name, utype, perms, by=by, entities=entities)

    def remove(self, name: str, *, by: User) -> str:
        return users.remove_user(self._store, name, by=by)

    def set_language(self, name: str, language: str | None) -> None:
        users.set_language(self._store, name, language)

    def acting_for(self, name: str) -> User:
        # A DuckDB store has no identity of its own to check: the worker's administrator check is the service's.
        return users.resolve_user(self._store, name)

    @contextmanager
    def acting_as(self, user: User) -> Iterator[None]:
        yield  # custbook's own checks (History.apply with `user`) are the only ones a DuckDB file has


class SqlEntities:
    def __init__(self, store: Database) -> None:
        self._store = store

    def list(self) -> list[Entity]:
        return entities.list_entities(self._store)

    def add(self, entity_id: str, name: str, *, by: User | None = None) -> Entity:
        return entities.add_entity(self._store, entity_id, name, by=by)

    def check(self, entity_id: str | None) -> None:
        entities.check_entity(self._store, entity_id)


class SqlFields:
    def __init__(self, store: Database) -> None:
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


class SqlJobs:
    """Jobs over `store.jobs` and `store.job_worker`. `queue`: the transaction for the queue's own rows (submitting,
    claiming, heartbeats, final states outside a unit of work): the store's write transaction when None (DuckDB);
    the PostgreSQL store gives one without the store's write lock, row locks keeping workers apart."""

    def __init__(self, store: Database, queue: job_worker.Queue | None = None) -> None:
        self._store = store
        self._queue = queue

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
            email_each=email_each, language=language, queue=self._queue,
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
        jobs.set_mail_status(self._store, job, status, queue=self._queue)

    def claim_next(self, worker: str, *, timeout: float | None = None) -> Claim | None:
        return job_worker.claim_next(self._store, worker, timeout=timeout, queue=self._queue)

    def heartbeat(self, claim: Claim) -> bool:
        return job_worker.heartbeat(self._store, claim, queue=self._queue)

    def release(self, claim: Claim) -> None:
        job_worker.release(self._store, claim, queue=self._queue)

    def owns(self, claim: Claim) -> bool:
        return job_worker.owns(self._store, claim)

    def finish(
        self, claim: Claim, state: JobState, summary: dict[str, object], failed_csv: bytes | None, batch: str | None
    ) -> Job:
        return job_worker.finish(self._store, claim, state, summary, failed_csv, batch)

    def refuse(self, claim: Claim, exc: CustbookError) -> Job | None:
        return job_worker.refuse(self._store, claim, exc, queue=self._queue)


class SqlSettings:
    def __init__(self, store: Database) -> None:
        self._store = store

    def all(self) -> dict[str, str]:
        return settings.read_settings(self._store)

    def set(self, key: str, value: str, *, by: User) -> None:
        settings.write_setting(self._store, key, value, by=by)
