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
from core.plan import ImportPlan
from core.users import User
from core.validate import ParsedTable
from core.values import DateFormat, Value
from core.viewdef import View
from store import customers, history, query
from store.apply import apply_plan
from store.db import InTransaction, Store, release_warm
from store.diff import read_facts
from store.export import export_rows
from store.records import (
    AheadQuery,
    Backup,
    Batch,
    BatchResult,
    Change,
    ExportRows,
    StoreFacts,
)
from store.repos import SqlEntities, SqlFields, SqlJobs, SqlMappings, SqlSettings, SqlUsers, SqlViews

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import PlanReader, ReadAhead, ViewQuery


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

    def position(self, q: ViewQuery, customer_id: str, *, warm: bool = False) -> int | None:
        return query.position(self._store, _compiled(q), customer_id, warm=warm)

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

    def read_ahead(self, choose: Callable[[Catalogue], AheadQuery | None]) -> ReadAhead | None:
        if isinstance(self._store, InTransaction):
            return None  # inside a unit of work: its own connection is the only one
        from store.ahead import DuckAhead

        return DuckAhead(self._store, choose)

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
    def views(self) -> SqlViews:
        return SqlViews(self)

    @property
    def mappings(self) -> SqlMappings:
        return SqlMappings(self)

    @property
    def users(self) -> SqlUsers:
        return SqlUsers(self)

    @property
    def entities(self) -> SqlEntities:
        return SqlEntities(self)

    @property
    def fields(self) -> SqlFields:
        return SqlFields(self)

    @property
    def jobs(self) -> SqlJobs:
        return SqlJobs(self)

    @property
    def settings(self) -> SqlSettings:
        return SqlSettings(self)

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

    def watch_changes(self) -> None:
        return None  # one file, no server to tell: the list's r re-reads it


class _InTransaction(InTransaction, DuckStore):
    """A DuckStore inside one open write transaction: its repositories all use that transaction (see
    `store.db.InTransaction`)."""

    @contextmanager
    def unit_of_work(self) -> Iterator[DuckStore]:
        yield self  # nested: the same transaction
