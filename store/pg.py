"""The PostgreSQL store as its callers see it: `PgStore`, a database on a server behind the repositories of
`store.base`, for teams (cli.md: `--db postgresql://...`).

The repositories whose SQL both databases read alike come from `store.repos`, given this store's `PgDatabase`;
the customers (the list's queries, the export's rows, the import's reading) and the history (the commit of a plan)
are this file's, over the PostgreSQL modules (`store.pg_*`) where the two databases differ. `unit_of_work()` opens
one write transaction and yields a `PgStore` whose reads and writes all use it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from core.catalogue import Catalogue, Field
from core.errors import PermissionDenied
from core.i18n import _
from core.plan import ImportPlan
from core.users import Permission, User, UserType
from core.validate import ParsedTable
from core.values import DateFormat, Value
from core.viewdef import View
from store import customers, history, pg_roles, query, users
from store.pg_db import PgDatabase, PgInTransaction, release_pools, short_label, shown_location
from store.records import AheadQuery, Backup, Batch, BatchResult, Change, ExportRows, StoreFacts
from store.repos import SqlEntities, SqlFields, SqlJobs, SqlMappings, SqlSettings, SqlViews

if TYPE_CHECKING:
    from store.base import PlanReader, ReadAhead, ViewQuery
    from store.pg_notify import PgChangeWatch


def _compiled(q: ViewQuery) -> query.CompiledView:
    if not isinstance(q, query.CompiledView):
        raise TypeError("a query compiled by another store")
    return q


class PgCustomers:
    def __init__(self, database: PgDatabase) -> None:
        self._db = database

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
            quick_fields=quick_fields, pg=True,
        )  # fmt: skip

    def count(self, q: ViewQuery) -> int:
        return query.count(self._db, _compiled(q))

    def page(
        self, q: ViewQuery, offset: int, limit: int, total: int | None = None, *, warm: bool = False
    ) -> list[tuple[Value, ...]]:
        return query.page(self._db, _compiled(q), offset, limit, total)

    def count_and_page(self, q: ViewQuery, limit: int, *, warm: bool = False) -> tuple[int, list[tuple[Value, ...]]]:
        return query.count_and_page(self._db, _compiled(q), limit)

    def position(self, q: ViewQuery, customer_id: str, *, warm: bool = False) -> int | None:
        return query.position(self._db, _compiled(q), customer_id)

    def get(
        self, catalogue: Catalogue, customer_id: str, entity: str | None = None, *, user: User
    ) -> dict[str, Value] | None:
        return query.get_customer(self._db, catalogue, customer_id, entity, user=user)

    def fetch(self, catalogue: Catalogue, customer_id: str, entity: str | None = None) -> dict[str, Value] | None:
        return query.fetch_customer(self._db, catalogue, customer_id, entity)

    def id_taken(self, customer_id: str) -> bool:
        return customers.customer_id_taken(self._db, customer_id)

    def total(self, entity: str | None = None, include_entities: bool = True) -> int:
        return customers.count_customers(self._db, entity, include_entities)

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
        from store.pg_export import export_rows

        return export_rows(
            self._db, user=user, view=view, columns=columns, entity=entity, date_format=date_format
        )  # fmt: skip

    def read_ahead(self, choose: Callable[[Catalogue], AheadQuery | None]) -> ReadAhead | None:
        return None  # the server reads the file's customers once Python has the IDs (store.pg_import)

    def plan_facts(
        self, parse: Callable[[Catalogue, PlanReader], tuple[ParsedTable, StoreFacts | None]]
    ) -> tuple[Catalogue, ParsedTable, StoreFacts]:
        from store.diff import read_facts

        return read_facts(self._db, parse)


class PgHistory:
    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    def apply(self, plan: ImportPlan, *, user: User, kind: str = "import") -> BatchResult:
        from store.apply import apply_plan

        return apply_plan(self._db, plan, user=user, kind=kind)

    def batches(self, *, user: User, limit: int = 200) -> list[Batch]:
        return history.list_batches(self._db, user=user, limit=limit)

    def batch(self, batch_id: str, *, user: User) -> tuple[Batch, list[Change]]:
        return history.get_batch(self._db, batch_id, user=user)

    def of_customer(self, customer_id: str, *, user: User) -> list[Change]:
        return history.customer_history(self._db, customer_id, user=user)

    def undo(self, batch_id: str, *, user: User, entity: str | None = None) -> Batch:
        return history.undo_batch(self._db, batch_id, user=user, entity=entity)


class PgUsers:
    """Users on PostgreSQL: roles and grants (store.pg_roles); a user's language as on DuckDB (store.users)."""

    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    def resolve(self, name: str, *, warm: bool = False) -> User:
        with self._db.read() as con:
            user, count = pg_roles.resolve(con, name)
            role = pg_roles.current_role(con)
        if user is not None:
            return user
        if count:
            raise PermissionDenied(
                _("The role {name} is not a user of this store").format(name=role),
                _("Ask an administrator to run: {command}").format(command="custbook users add " + role),
            )
        # A store without users: its first user, the role that made it (cli.md), becomes its administrator.
        with self._db.write() as con:
            return pg_roles.save_user(con, role, UserType.BUSINESS, frozenset(Permission))

    def list(self) -> list[User]:
        with self._db.read() as con:
            return pg_roles.list_users(con)

    def add(
        self,
        name: str,
        utype: UserType,
        perms: frozenset[Permission],
        *,
        by: User,
        entities: frozenset[str] | None = None,
    ) -> User:
        by.require_admin(_("add or change users"))
        with self._db.write() as con:
            return pg_roles.save_user(con, name, utype, perms, entities)

    def remove(self, name: str, *, by: User) -> str:
        by.require_admin(_("remove users"))
        with self._db.write() as con:
            return pg_roles.remove_user(con, name, by=by)

    def set_language(self, name: str, language: str | None) -> None:
        users.set_language(self._db, name, language)

    def acting_for(self, name: str) -> User:
        from store import pg_jobs

        with self._db.read() as con:
            return pg_jobs.acting_for(con, name)

    @contextmanager
    def acting_as(self, user: User) -> Iterator[None]:
        from store import pg_jobs

        with self._db.write() as con, pg_jobs.acting_as(con, user.name):
            yield


class PgStore(PgDatabase):
    """A PostgreSQL database holding a store, with its repositories (see `store.base.CustomerStore`)."""

    @property
    def location(self) -> str:
        return shown_location(self.url)

    @property
    def label(self) -> str:
        return short_label(self.url)

    @property
    def files(self) -> tuple[Path, ...]:
        return ()

    @property
    def customers(self) -> PgCustomers:
        return PgCustomers(self)

    @property
    def history(self) -> PgHistory:
        return PgHistory(self)

    @property
    def views(self) -> SqlViews:
        return SqlViews(self)

    @property
    def mappings(self) -> SqlMappings:
        return SqlMappings(self)

    @property
    def users(self) -> PgUsers:
        return PgUsers(self)

    @property
    def entities(self) -> SqlEntities:
        return SqlEntities(self)

    @property
    def fields(self) -> SqlFields:
        return SqlFields(self)

    @property
    def jobs(self) -> SqlJobs:
        return SqlJobs(self, queue=self.transaction)  # claims and heartbeats: row locks, not the write lock

    @property
    def settings(self) -> SqlSettings:
        return SqlSettings(self)

    @contextmanager
    def unit_of_work(self) -> Iterator[PgStore]:
        with self.write() as con:
            yield _PgInTransaction(self, con)

    def backup(self, target: str | os.PathLike[str], *, user: User) -> Backup:
        from store.pg_copy import backup_to_file

        return backup_to_file(self, target, user=user)

    def seed_demo(self, n: int, *, user: User) -> int:
        from store.pg_copy import seed_demo

        return seed_demo(self, n, user=user)

    def let_go(self) -> None:
        release_pools()

    def watch_changes(self) -> PgChangeWatch:
        from store.pg_notify import PgChangeWatch

        return PgChangeWatch(self.url)


class _PgInTransaction(PgInTransaction, PgStore):
    """A PgStore inside one open write transaction: its repositories all use that transaction."""

    @contextmanager
    def unit_of_work(self) -> Iterator[PgStore]:
        yield self
