"""Making a role a user or an administrator of a PostgreSQL store, the same way on PostgreSQL 13 to 17.

PostgreSQL 16 changed CREATEROLE: a role that creates another becomes a member of it (with ADMIN OPTION only), and
granting membership in a role needs ADMIN OPTION on it. custbook's first design, users' roles created and granted
by the store's admin role, broke on it twice: the admin role had no ADMIN OPTION on itself or on the users role
(the first import failed: "permission denied to grant role custbook_DB_users"), and the admin role, a member of
every role it had created, could not be granted to one of them (a cycle: "role custbook_DB_admin is a member of
role tom"). Ubuntu 24.04 ships PostgreSQL 16 and Debian 13 ships 17, so this is where most teams start.

So a third role, "custbook_DB_roles" (NOLOGIN, CREATEROLE, nobody logs in as it), creates users' roles and grants
the store's two roles: it holds both WITH ADMIN OPTION, and is a member of neither the admin role's members nor
the roles it creates' ancestors, so no grant makes a cycle. Administrators reach it only through one SECURITY
DEFINER function it owns, `custbook_place_role(role, level)`, which only the admin role may execute: it creates the
role when missing and makes it an administrator, a user, or neither. `init` sets it up (its role may create roles;
on PostgreSQL 16+ it asks to be able to SET and inherit the roles it creates, `createrole_self_grant`).

May import: core, store.sql.
"""

from __future__ import annotations

from core.errors import PermissionDenied
from core.i18n import _
from store.sql import PgConnection

LEVELS = ("admin", "user", "none")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def maker_name(admin: str) -> str:
    """The store's role-making role, named beside its admin role ("custbook_DB_admin" -> "custbook_DB_roles")."""
    return admin[: -len("_admin")] + "_roles"


def server_version(con: PgConnection) -> int:
    row = con.execute("SELECT current_setting('server_version_num')::int").fetchone()
    return int(row[0])


def creating_roles_we_can_use(con: PgConnection) -> None:
    """On PostgreSQL 16+, inside the caller's transaction: roles the current role creates from now on are granted
    to it with SET and INHERIT (as creating a role did before 16), so that `init`'s role can act as them."""
    if server_version(con) >= 160000:
        con.execute("SET LOCAL createrole_self_grant = 'set, inherit'")


def refuse_leftovers(con: PgConnection, roles: tuple[str, ...]) -> None:
    """Before `init` makes the store's roles: on PostgreSQL 16+ a role of that name left by an earlier store of the
    same database name (roles belong to the whole server) can be used only by a role holding ADMIN OPTION on it."""
    if server_version(con) < 160000:
        return  # CREATEROLE may grant any role that is not a superuser's
    for role in roles:
        row = con.execute(
            "SELECT NOT pg_has_role(current_user, oid, 'MEMBER WITH ADMIN OPTION') FROM pg_roles WHERE rolname = ?",
            [role],
        ).fetchone()
        if row and row[0]:
            raise PermissionDenied(
                _(
                    "The role {role} is left from an earlier store of this database's name, and yours may not use it"
                ).format(role=role),
                _("Ask the server's administrator to run: {command}").format(
                    command=f"DROP OWNED BY {_ident(role)}; DROP ROLE {_ident(role)}"
                ),
            )


def set_up(con: PgConnection, admin: str, members: str) -> None:
    """The role-making role and its function, by a role that may create roles (`init`'s, inside its transaction,
    after the admin and users roles exist and it is their member)."""
    maker = maker_name(admin)
    exists = con.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", [maker]).fetchone()
    if not exists:
        con.execute(f"CREATE ROLE {_ident(maker)} NOLOGIN CREATEROLE")
    me = str(con.execute("SELECT current_user").fetchone()[0])
    can_set = "SET" if server_version(con) >= 160000 else "MEMBER"  # SET ROLE's own privilege exists from 16
    if not con.execute(f"SELECT pg_has_role(?, ?, '{can_set}')", [me, maker]).fetchone()[0]:
        con.execute(f"GRANT {_ident(maker)} TO {_ident(me)}")  # PostgreSQL 15 and before: to hand it the function
    con.execute(f"GRANT {_ident(admin)}, {_ident(members)} TO {_ident(maker)} WITH ADMIN OPTION")
    schema = str(con.execute("SELECT quote_ident(current_schema())").fetchone()[0])
    con.execute(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {_ident(maker)}")
    admin_literal, members_literal = (name.replace("'", "''") for name in (admin, members))
    con.execute(
        "CREATE OR REPLACE FUNCTION custbook_place_role(member VARCHAR, level VARCHAR) RETURNS VOID "
        "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$ "
        f"DECLARE admin_role CONSTANT TEXT := '{admin_literal}'; users_role CONSTANT TEXT := '{members_literal}'; "
        "BEGIN "
        "IF level NOT IN ('admin', 'user', 'none') THEN RAISE EXCEPTION 'unknown level %', level; END IF; "
        "IF level <> 'none' AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = member) THEN "
        # Two administrators (or two stores) may add the same role at once: the loser finds it made.
        "BEGIN EXECUTE format('CREATE ROLE %I NOLOGIN', member); "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END; END IF; "
        "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = member) THEN RETURN; END IF; "
        "IF level = 'admin' THEN EXECUTE format('GRANT %I TO %I', admin_role, member); "
        "ELSIF pg_has_role(member, admin_role, 'MEMBER') THEN EXECUTE format('REVOKE %I FROM %I', admin_role, member); "
        "END IF; "
        "IF level = 'none' THEN EXECUTE format('REVOKE %I FROM %I', users_role, member); "
        "ELSE EXECUTE format('GRANT %I TO %I', users_role, member); END IF; "
        "END $f$"
    )
    # The job worker applies each job as its submitter's role (SET LOCAL ROLE): it is lent membership in that
    # role for the job's transaction, and only to itself (the login role), by the role that created the user's.
    con.execute(
        "CREATE OR REPLACE FUNCTION custbook_lend_role(lent VARCHAR, lend BOOLEAN) RETURNS VOID "
        "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$ BEGIN "
        "IF lend THEN EXECUTE format('GRANT %I TO %I', lent, session_user); "
        "ELSE EXECUTE format('REVOKE %I FROM %I', lent, session_user); END IF; END $f$"
    )
    for function in ("custbook_place_role(VARCHAR, VARCHAR)", "custbook_lend_role(VARCHAR, BOOLEAN)"):
        con.execute(f"ALTER FUNCTION {function} OWNER TO {_ident(maker)}")
        con.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        con.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {_ident(admin)}")


def lend(con: PgConnection, role: str, lent: bool) -> None:
    """Lend (or take back) membership in a user's role to the connection's login role, for the job worker; as the
    admin role, inside the caller's transaction."""
    con.execute("SELECT custbook_lend_role(?, ?)", [role, lent])


def place(con: PgConnection, role: str, level: str, admin: str) -> None:
    """Make `role` an administrator of the store ("admin"), a user ("user") or neither ("none"), creating it
    (NOLOGIN) when missing; as the admin role, inside the caller's transaction. Refused, naming what to run, when
    the server keeps a membership custbook cannot take back (granted by the server's administrator)."""
    assert level in LEVELS
    con.execute("SELECT custbook_place_role(?, ?)", [role, level])
    if level == "admin":
        return
    kept = con.execute(
        "SELECT NOT rolsuper AND pg_has_role(oid, ?, 'MEMBER') FROM pg_roles WHERE rolname = ?", [admin, role]
    ).fetchone()
    if kept and kept[0]:
        maker = maker_name(admin)
        made = con.execute("SELECT pg_has_role(?, ?, 'MEMBER')", [role, maker]).fetchone()
        if made and made[0]:
            # The role that ran `init` made the store's roles: the server keeps it a member of what it created
            # (from PostgreSQL 16, for good), so it stays the store's owner. A role of its own should make stores.
            raise PermissionDenied(
                _("{role} made this store (custbook init) and stays its administrator").format(role=role),
                _("Make stores as a role of their own that nobody logs in as (custbook_owner in the README)"),
            )
        # PostgreSQL 16+: a membership is taken back only by whoever granted it (or a superuser).
        raise PermissionDenied(
            _("{role} stays an administrator: the server lets only whoever granted that take it back").format(
                role=role
            ),
            _("Ask the server's administrator to run: {command}").format(
                command=f"REVOKE {_ident(admin)} FROM {_ident(role)}"
            ),
        )
