"""The job worker acting for a job's submitter on PostgreSQL (cli.md: "each job is applied with its submitter's
permissions as they are when it runs").

The worker is an administrator (a member of the store's admin role). `acting_for` reads the submitter's user as
the database has it now (their grants on customers); `acting_as` makes the rest of the worker's transaction the
submitter's role (SET LOCAL ROLE), so that the database itself decides what the job may write: its grants on
customers and its row-level security. SET ROLE needs the worker's role to be a member of the submitter's: when it
is not, it is made one for that transaction only (GRANT, then REVOKE before the commit; the worker's own
CREATEROLE or, failing that, the admin role's), so no lasting membership is left behind. The job's own row is
written back as the worker's role.

May import: core, store.sql and store.pg_roles. psycopg is imported here, and only by a PostgreSQL store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg_errors

from core.errors import PermissionDenied
from core.i18n import _
from core.users import User
from store import pg_membership, pg_roles
from store.sql import PgConnection


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def acting_for(con: PgConnection, name: str) -> User:
    """User `name` with their permissions as the database grants them now; PermissionDenied unless the connection's
    role is an administrator of the store, or when `name` is no longer one of its users."""
    me, _count = pg_roles.resolve(con, "")
    if me is None or not me.is_admin:
        role = pg_roles.current_role(con)
        raise PermissionDenied(
            _("Only an administrator may apply another user's job, and the role {role} is not one").format(role=role),
            _("Run the job worker as an administrator's role"),
        )
    if name == me.name:
        return me
    found = next((user for user in pg_roles.list_users(con) if user.name == name), None)
    if found is None:
        raise PermissionDenied(
            _("{name}, who queued this job, is no longer a user of this store").format(name=name),
            _("Ask an administrator to add them again and queue the file again"),
        )
    return found


@contextmanager
def acting_as(con: PgConnection, role: str) -> Iterator[None]:
    """Inside the caller's transaction: the block runs as `role` (SET LOCAL ROLE), then as the connection's own
    role again. An error inside leaves the transaction to the caller's rollback (which undoes the role too)."""
    if con.raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
        raise RuntimeError("acting_as needs an open transaction (a unit of work)")
    me = pg_roles.current_role(con)
    if role == me or _both_administrators(con, role, me):
        yield
        return
    lent = _lend(con, role, me)
    con.execute(f"SET LOCAL ROLE {_ident(role)}")
    yield
    con.execute("RESET ROLE")
    if lent is not None:
        _take_back(con, role, me, lent)


def _both_administrators(con: PgConnection, role: str, me: str) -> bool:
    """An administrator's job, applied by another: the two have the same rights on the store by definition, and on
    PostgreSQL 16+ the store's first administrator's role cannot be lent to a role the store created (a cycle of
    memberships through the role-making role), so the worker writes it as itself, in the submitter's name."""
    admin, _members = pg_roles.role_names(con)
    row = con.execute("SELECT pg_has_role(?, ?, 'MEMBER') AND pg_has_role(?, ?, 'MEMBER')", [role, admin, me, admin])
    found = row.fetchone()
    return bool(found and found[0])


def _lend(con: PgConnection, role: str, me: str) -> str | None:
    """Make `me` a member of `role` for this transaction when it is not one (a superuser is a member of every
    role); how it was done ("self": the worker's own right, "admin": the admin role's), None when nothing was."""
    # From PostgreSQL 16 a membership may not allow SET ROLE (the role-making role's in the roles it made does not,
    # and the store's first administrator reaches those through it), so ask for that very privilege there.
    can_set = "SET" if pg_membership.server_version(con) >= 160000 else "MEMBER"
    row = con.execute(f"SELECT pg_has_role(?, oid, '{can_set}') FROM pg_roles WHERE rolname = ?", [me, role]).fetchone()
    if row is None:
        raise PermissionDenied(
            _("The role {name}, who queued this job, no longer exists on the server").format(name=role),
            _("Ask an administrator to add them again and queue the file again"),
        )
    if row[0]:
        return None
    grant = f"GRANT {_ident(role)} TO {_ident(me)}"
    con.execute("SAVEPOINT custbook_lend")
    try:
        con.execute(grant)
    except pg_errors.InsufficientPrivilege:
        con.execute("ROLLBACK TO SAVEPOINT custbook_lend")
        _lend_as_admin(con, role, lent=True)
        return "admin"
    con.execute("RELEASE SAVEPOINT custbook_lend")
    return "self"


def _take_back(con: PgConnection, role: str, me: str, how: str) -> None:
    if how == "self":
        con.execute(f"REVOKE {_ident(role)} FROM {_ident(me)}")
    else:
        _lend_as_admin(con, role, lent=False)


def _lend_as_admin(con: PgConnection, role: str, *, lent: bool) -> None:
    """Through the store's role-making role (store.pg_membership), called as the admin role: on PostgreSQL 16+ only
    a role holding ADMIN OPTION on the submitter's role may grant it, which neither the worker nor the admin role
    does (and CREATEROLE, on 15, is the admin role's, not inherited by its members)."""
    admin, _members = pg_roles.role_names(con)
    con.execute(f"SET LOCAL ROLE {_ident(admin)}")
    pg_membership.lend(con, role, lent)
    con.execute("RESET ROLE")
