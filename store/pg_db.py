"""Opening a PostgreSQL store: a pool of connections per database, transactions, and the server's refusals in words.

A PostgreSQL store is one database (a libpq URL: `postgresql://[user@]host[:port]/dbname`, the usual PG* variables
and ~/.pgpass applying). Each process keeps a small pool of connections to it (psycopg-pool), opened at the first
read and closed when the command ends (`release_pools`): the interface's keystrokes reuse them.

Writes take the store's write lock (a transaction-level advisory lock) first, so that writers take turns as they do
on a DuckDB file, and the stale-plan check of an import (store.apply) sees every write committed before it: two
imports touching different customers both commit, one after the other; two touching the same customer, the second
finds its plan stale and plans again. A writer that waits longer than the busy time gets `StoreBusy` (exit 4).
The job queue's claims and heartbeats are the exception (`transaction()`): row locks keep workers apart there.

May import: core, store.sql and store.schema. psycopg is imported here, and only by a PostgreSQL store.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool

from core.errors import CustbookError, PermissionDenied, StoreBusy, StoreUnreadable
from core.i18n import _
from store.sql import THROUGH_CUSTBOOK, PgConnection

DEFAULT_BUSY_SECONDS = 5.0
# The advisory lock every write transaction takes (per database: one number is enough). "cbk" in ASCII.
WRITE_LOCK = 0x63626B

_POOLS: dict[str, ConnectionPool] = {}
_POOLS_GUARD = threading.Lock()
_CHECKED: set[str] = set()  # the databases this process has brought up to date (store.pg_schema)


def is_url(location: str | os.PathLike[str]) -> bool:
    """Whether `location` names a PostgreSQL database rather than a DuckDB file."""
    text = str(location)
    return text.startswith(("postgresql://", "postgres://"))


def shown_location(url: str) -> str:
    """The URL without its password, for messages and the status line."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}@{netloc}" if user else netloc).geturl()


def short_label(url: str) -> str:
    """ "sales on db.example.com": the database and its server, where space is short."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/") or os.environ.get("PGDATABASE", "")
    host = parts.hostname or os.environ.get("PGHOST", "localhost")
    return _("{database} on {host}").format(database=database, host=host)


def refusal(exc: BaseException, url: str, *, reads_customers: bool = True) -> CustbookError:
    """The server's refusal as one sentence with its fix: unreachable or not there (exit 4), refused (exit 3).
    `reads_customers`: whether the role may read the customers (else a refusal there is for want of List)."""
    where = shown_location(url)
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, pg_errors.InsufficientPrivilege) and not reads_customers:
        # A role with Add or Edit but not List: the database lets a role change only what it may read, and an
        # import's plan or an undo reads the customers it changes (on a DuckDB file custbook hides them instead).
        return PermissionDenied(
            _(
                "On a PostgreSQL store, importing and undoing need the List permission: your role may not read "
                "the customers"
            ),
            _("Ask an administrator to add List to your permissions (custbook users add NAME --perms list,...)"),
        )
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return PermissionDenied(
            _("The database refused this to your role ({problem})").format(problem=text.splitlines()[0]),
            _("Ask an administrator of the store for the permission (custbook users add)"),
        )
    if isinstance(exc, pg_errors.LockNotAvailable | pg_errors.QueryCanceled):
        return StoreBusy(
            _("The store {location} is busy with another change").format(location=where), _("Try again in a moment")
        )
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return PermissionDenied(
            _("The server {location} refused the password").format(location=where),
            _("Check the password in the URL, PGPASSWORD or ~/.pgpass"),
        )
    if "role" in lowered and "does not exist" in lowered:
        return PermissionDenied(
            _("The server {location} has no such role").format(location=where),
            _("Ask an administrator of the store to add you: custbook users add NAME"),
        )
    if "permission denied" in lowered or "pg_hba.conf" in lowered:
        return PermissionDenied(
            _("The server {location} refused the connection ({problem})").format(
                location=where, problem=text.splitlines()[0]
            ),
            _("Ask the server's administrator to let your role connect"),
        )
    if "database" in lowered and "does not exist" in lowered:
        return StoreUnreadable(
            _("There is no database at {location}").format(location=where),
            _("Check the URL (--db or CUSTBOOK_DB); create the database first (README: a store for a team)"),
        )
    return StoreUnreadable(
        _("The server {location} cannot be reached ({problem})").format(
            location=where, problem=text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        ),
        _("Check the URL (--db or CUSTBOOK_DB), and that the server is running and accepts connections"),
    )


def _pool(url: str, busy_seconds: float) -> ConnectionPool:
    with _POOLS_GUARD:
        pool = _POOLS.get(url)
        if pool is not None:
            return pool
        try:
            # A first connection outside the pool: its refusal comes at once and in the server's words, where the
            # pool would retry in the background until its timeout.
            psycopg.connect(url, connect_timeout=10, autocommit=True).close()
        except psycopg.Error as exc:
            raise refusal(exc, url) from None
        pool = ConnectionPool(
            url,
            min_size=1,
            max_size=8,
            kwargs={"autocommit": True, "application_name": application_name()},
            configure=_say_custbook,
            # A connection the server closed (a restart, a dropped network, an administrator's terminate) is
            # found out when taken from the pool and replaced, instead of failing the next read and every one after.
            check=ConnectionPool.check_connection,
            open=True,
            timeout=max(busy_seconds, 5.0),
            name="custbook",
        )
        _POOLS[url] = pool
        return pool


def _say_custbook(con: psycopg.Connection[Any]) -> None:
    """Each of custbook's connections says it is custbook: the store's customers refuse writes from anything else
    (psql, a script), which would leave no batch behind, so no history, undo or notice (store.pg_roles)."""
    con.execute(f"SET {THROUGH_CUSTBOOK} = 'on'")


def application_name() -> str:
    """How this process names itself to the server: the live notices (store.pg_notify) skip its own writes."""
    return f"custbook-{os.getpid()}"


def release_pools() -> None:
    """Close this process's connections to every PostgreSQL store (a command that has answered)."""
    with _POOLS_GUARD:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()


class PgDatabase:
    """A PostgreSQL store's connections: `read()`, `write()` and `exclusive()` as `store.db.Store` has them."""

    def __init__(self, url: str, *, busy_seconds: float | None = None, create: bool = False) -> None:
        self.url = url
        self.create = create  # `custbook init`: an empty database becomes a store (else: refused, exit 4)
        if busy_seconds is None:
            busy_seconds = float(os.environ.get("CUSTBOOK_BUSY_SECONDS", DEFAULT_BUSY_SECONDS))
        self.busy_seconds = busy_seconds

    def __repr__(self) -> str:
        return f"PgDatabase({shown_location(self.url)!r})"

    @contextmanager
    def _connection(self) -> Iterator[PgConnection]:
        pool = _pool(self.url, self.busy_seconds)
        try:
            with pool.connection() as raw:
                con = PgConnection(raw)
                try:
                    yield con
                except psycopg.errors.InsufficientPrivilege as exc:
                    raw.rollback()
                    row = raw.execute(
                        "SELECT coalesce(has_table_privilege(to_regclass('customers')::oid, 'SELECT'), TRUE)"
                    ).fetchone()
                    raise refusal(exc, self.url, reads_customers=bool(row and row[0])) from None
                finally:
                    if raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                        raw.rollback()  # a read that began a transaction and raised: the pool wants it idle
        except psycopg.errors.InsufficientPrivilege as exc:
            raise refusal(exc, self.url) from None
        except (psycopg.OperationalError, psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled) as exc:
            raise refusal(exc, self.url) from None

    def _bring_up_to_date(self, con: PgConnection) -> None:
        if self.url in _CHECKED:
            return
        from store.pg_schema import ensure_pg_schema

        ensure_pg_schema(con, self.busy_seconds, create=self.create)
        _CHECKED.add(self.url)

    @contextmanager
    def read(self, *, warm: bool = False) -> Iterator[PgConnection]:
        """A connection for reading (each statement its own snapshot, unless the caller begins a transaction)."""
        with self._connection() as con:
            self._bring_up_to_date(con)
            yield con

    @contextmanager
    def exclusive(self) -> Iterator[PgConnection]:
        """A connection outside any transaction holding the store's write lock for the session: nobody else
        writes meanwhile (a backup, a copy)."""
        with self._connection() as con:
            self._bring_up_to_date(con)
            self._lock(con, session=True)
            try:
                yield con
            finally:
                con.execute("SELECT pg_advisory_unlock(?)", [WRITE_LOCK])

    def _lock(self, con: PgConnection, *, session: bool) -> None:
        con.execute(f"SET lock_timeout = '{int(self.busy_seconds * 1000)}ms'")
        try:
            con.execute(f"SELECT pg_advisory{'' if session else '_xact'}_lock(?)", [WRITE_LOCK])
        finally:
            con.execute("RESET lock_timeout")

    @contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        """A connection inside one transaction WITHOUT the store's write lock: committed when the block ends, rolled
        back if it raises. For writes that row locks keep apart (the job queue's claims and heartbeats, `FOR UPDATE
        SKIP LOCKED`), so that they never wait behind a long import's commit; nothing that an import's stale-plan
        check reads (customers, batches) may be written in it."""
        with self._connection() as con:
            self._bring_up_to_date(con)
            con.execute("BEGIN")
            try:
                yield con
            except BaseException:
                con.raw.rollback()
                raise
            con.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[PgConnection]:
        """A connection inside one transaction holding the write lock: committed when the block ends, rolled back
        if it raises."""
        with self._connection() as con:
            self._bring_up_to_date(con)
            con.execute("BEGIN")
            try:
                self._lock(con, session=False)
                yield con
                # The row exists from the store's creation (store.pg_roles): users may update it, not insert.
                con.execute(
                    "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
                )
            except BaseException:
                con.raw.rollback()
                raise
            con.execute("COMMIT")


class PgInTransaction(PgDatabase):
    """The store seen from inside one open write transaction (see `store.db.InTransaction`)."""

    def __init__(self, database: PgDatabase, con: PgConnection) -> None:
        super().__init__(database.url, busy_seconds=database.busy_seconds, create=database.create)
        self._con = con

    @contextmanager
    def read(self, *, warm: bool = False) -> Iterator[PgConnection]:
        yield self._con

    @contextmanager
    def write(self) -> Iterator[PgConnection]:
        yield self._con

    @contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        yield self._con

    @contextmanager
    def exclusive(self) -> Iterator[PgConnection]:
        from core.errors import UsageError

        raise UsageError(_("A backup cannot be taken inside another change"), _("Take it on its own"))
        yield self._con  # unreachable: keeps this a generator
