"""Who acts on a PostgreSQL store, and with which rights: the database's own roles and grants (cli.md).

The acting user is the connection's role (`current_user`): naming another with --user is refused (exit 3). The
`users` table keeps what only custbook knows (a user's type and language); what a user may do are the database's
grants on the customers table, read back with `has_table_privilege` at each start, so that psql and custbook
always agree: List is SELECT, Add is INSERT, Edit is UPDATE.

`custbook init` creates two roles per store (names from the database's, so two stores on one server keep apart):
"custbook_DB_users", which every user's role is a member of and which may read the store's tables and write what
any user writes (views, mappings, batches, jobs...), and "custbook_DB_admin", which owns every table (so its members
may grant, add custom fields and read everything) and may create roles. `users add` creates a user's role when it
does not exist (NOLOGIN: the server's administrator gives it a password and LOGIN), makes it a member of the users
role, sets its grants on customers, and makes administrators (business users with List, Add and Edit) members of
the admin role.

May import: core, store.sql.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.errors import InvalidValue, NotFound, PermissionDenied, UsageError
from core.i18n import _
from core.names import check_name
from core.users import Permission, User, UserType
from store import pg_membership
from store.sql import THROUGH_CUSTBOOK, PgConnection
from store.users import check_entities

_PRIVILEGES = ((Permission.LIST, "SELECT"), (Permission.ADD, "INSERT"), (Permission.EDIT, "UPDATE"))
# What every user's role may do besides its own grants on customers (the users role has these).
_SHARED_READ = ("meta", "custom_fields", "entities", "users", "batches", "changes", "views", "mappings", "jobs",
                "settings")  # fmt: skip
_SHARED_WRITE = ("views", "mappings", "batches", "changes", "jobs")
_SEQUENCES = ("recordno_seq", "batch_seq", "job_seq")
_TABLES = (*_SHARED_READ, "customers")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _database(con: PgConnection) -> str:
    row = con.execute("SELECT current_database()").fetchone()
    return str(row[0])


def role_names(con: PgConnection) -> tuple[str, str]:
    """The store's (admin role, users role)."""
    base = "custbook_" + _database(con)
    return base[:57] + "_admin", base[:57] + "_users"


def current_role(con: PgConnection) -> str:
    row = con.execute("SELECT current_user").fetchone()
    return str(row[0])


def set_up_roles(con: PgConnection) -> None:
    """At the store's creation, inside its transaction: the admin and users roles, the admin role owning the
    tables, the creator its member (`custbook init`'s role must be allowed to create roles)."""
    admin, members = role_names(con)
    me = current_role(con)
    pg_membership.refuse_leftovers(con, (admin, members, pg_membership.maker_name(admin)))
    pg_membership.creating_roles_we_can_use(con)
    for role in (admin, members):
        _create_role(con, role, " CREATEROLE" if role == admin else "")
    con.execute(f"GRANT {_ident(members)} TO {_ident(admin)}")
    con.execute(f"GRANT {_ident(admin)} TO {_ident(me)}")
    pg_membership.set_up(con, admin, members)  # users' roles are made and granted by a role of its own
    schema = _ident(str(con.execute("SELECT current_schema()").fetchone()[0]))
    # The admin role owns the tables, so it needs to create in their schema (ALTER ... OWNER TO checks it), and adds
    # custom fields' columns there; every user reads in it.
    con.execute(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {_ident(admin)}")
    con.execute(f"GRANT USAGE ON SCHEMA {schema} TO {_ident(members)}")
    for table in _TABLES:
        con.execute(f"ALTER TABLE {table} OWNER TO {_ident(admin)}")
    for sequence in _SEQUENCES:
        con.execute(f"ALTER SEQUENCE {sequence} OWNER TO {_ident(admin)}")
    con.execute(f"GRANT SELECT ON {', '.join(_SHARED_READ)} TO {_ident(members)}")
    con.execute(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(_SHARED_WRITE)} TO {_ident(members)}")
    con.execute(f"GRANT UPDATE (language) ON users TO {_ident(members)}")
    # Every write of customers refolds their search text (store.search.fill): a user who may only Add still writes
    # it for the customers they created. The row-level policy still bounds which rows.
    con.execute(f'GRANT UPDATE ("_SEARCH_TEXT") ON customers TO {_ident(members)}')
    # The data version every write counts (store.pg_db): users may update that row only (`ensure_policies`).
    con.execute("INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT (key) DO NOTHING")
    con.execute(f"GRANT UPDATE (value) ON meta TO {_ident(members)}")
    con.execute(f"GRANT USAGE, SELECT ON SEQUENCE {', '.join(_SEQUENCES)} TO {_ident(members)}")


def _create_role(con: PgConnection, role: str, options: str = "") -> None:
    """CREATE ROLE unless it exists: roles belong to the whole server, and two administrators (or two stores) may
    add the same one at once; the loser of that race finds it made."""
    if _role_exists(con, role):
        return
    literal = _ident(role).replace("'", "''")
    con.execute(
        f"DO $custbook$ BEGIN CREATE ROLE {literal} NOLOGIN{options}; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $custbook$"
    )


def _role_exists(con: PgConnection, role: str) -> bool:
    return con.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", [role]).fetchone() is not None


def _permissions(con: PgConnection, role: str) -> frozenset[Permission]:
    granted = con.execute(
        "SELECT " + ", ".join(f"has_table_privilege(?, 'customers', '{p}')" for _perm, p in _PRIVILEGES),
        [role] * len(_PRIVILEGES),
    ).fetchone()
    return frozenset(perm for (perm, _p), ok in zip(_PRIVILEGES, granted) if ok)


def resolve(con: PgConnection, name: str) -> tuple[User | None, int]:
    """The acting user (None when the role is not a user of this store) and how many users the store has.
    PermissionDenied when `name` (an explicit --user) is not the connection's role."""
    me = current_role(con)
    if name and name != me:
        raise PermissionDenied(
            _("On this PostgreSQL store you act as the role you connect as ({role}), not as {name}").format(
                role=me, name=name
            ),
            _("Connect as that role (postgresql://{name}@HOST/DATABASE), or leave out --user and CUSTBOOK_USER").format(
                name=name
            ),
        )
    row = con.execute("SELECT name, type, language, entities FROM users WHERE name = ?", [me]).fetchone()
    count = con.execute("SELECT count(*) FROM users").fetchone()
    if row is None:
        return None, int(count[0]) if count else 0
    return User(row[0], UserType(row[1]), _permissions(con, me), row[2], _entities(row[3])), int(count[0])


def _entities(stored: list[str] | None) -> frozenset[str] | None:
    return None if stored is None else frozenset(stored)


def list_users(con: PgConnection) -> list[User]:
    rows = con.execute("SELECT name, type, language, entities FROM users ORDER BY name").fetchall()
    return [
        User(n, UserType(t), _permissions(con, n) if _role_exists(con, n) else frozenset(), lang, _entities(ents))
        for n, t, lang, ents in rows
    ]


def save_user(
    con: PgConnection,
    name: str,
    utype: UserType,
    perms: frozenset[Permission],
    entities: frozenset[str] | None = None,
) -> User:
    """Create or change a user (an administrator's act, checked by the caller): the role, its memberships and
    grants, and the users row; inside the caller's transaction. Refused when it would leave no administrator."""
    clean = check_name(name, _("A user name"), _("Use the role name as the server spells it"))
    if not clean or len(clean) > 63:
        raise InvalidValue(
            _("'{name}' cannot be a user name").format(name=name), _("Use a role name of up to 63 characters")
        )
    # One user per name, whatever the case it is typed in (as on DuckDB, and as `remove_user` and the language
    # find them): "zoe" changes the user "Zoe" and her role, rather than adding a second user and role beside her.
    same = con.execute(
        "SELECT name FROM users WHERE lower(name) = lower(?) ORDER BY name = ? DESC LIMIT 1", [clean, clean]
    ).fetchone()
    clean = str(same[0]) if same else clean
    admin, _members = role_names(con)
    with as_admin_role(con, admin):
        return _save_as_admin(con, clean, utype, perms, entities, admin)


@contextmanager
def as_admin_role(con: PgConnection, admin: str) -> Iterator[None]:
    """Roles and grants made as the store's admin role (SET LOCAL ROLE, inside the caller's transaction): it owns
    the tables and may create roles, which an administrator's own role need not (role attributes such as CREATEROLE
    are not inherited through membership); as the tables' owner it also writes any row (a store copy's)."""
    row = con.execute("SELECT rolsuper, rolname = ? FROM pg_roles WHERE rolname = current_user", [admin]).fetchone()
    switch = not (row and (row[0] or row[1])) and _member(con, admin)  # not already the admin role (nested)
    if switch:
        con.execute(f"SET LOCAL ROLE {_ident(admin)}")
    yield
    if switch:
        con.execute("RESET ROLE")


def _member(con: PgConnection, role: str) -> bool:
    row = con.execute("SELECT pg_has_role(current_user, ?, 'MEMBER')", [role]).fetchone()
    return bool(row and row[0])


def _save_as_admin(
    con: PgConnection,
    clean: str,
    utype: UserType,
    perms: frozenset[Permission],
    entities: frozenset[str] | None,
    admin: str,
) -> User:
    is_admin = utype is UserType.BUSINESS and perms == frozenset(Permission)
    if not is_admin:  # said before the server is asked to take a membership back, which it may refuse otherwise
        _require_an_admin(con, clean, leaving=clean)
    pg_membership.place(con, clean, "admin" if is_admin else "user", admin)
    con.execute(f"REVOKE SELECT, INSERT, UPDATE, DELETE ON customers FROM {_ident(clean)}")
    granted = [p for perm, p in _PRIVILEGES if perm in perms]
    if Permission.EDIT in perms:
        granted.append("DELETE")  # an undo of a creation removes the customer it created
    if granted:
        con.execute(f"GRANT {', '.join(granted)} ON customers TO {_ident(clean)}")
    language = con.execute("SELECT language FROM users WHERE name = ?", [clean]).fetchone()
    stored = check_entities(con, entities)
    # The entities are the row-level security policy's (`ensure_policies`): what the role may read even with psql.
    con.execute(
        "INSERT INTO users (name, type, can_list, can_add, can_edit, created, entities) VALUES (?, ?, ?, ?, ?, "
        "now()::TIMESTAMP, ?::VARCHAR[]) ON CONFLICT (name) DO UPDATE SET type = excluded.type, "
        "can_list = excluded.can_list, can_add = excluded.can_add, can_edit = excluded.can_edit, "
        "entities = excluded.entities",
        [clean, utype.value, Permission.LIST in perms, Permission.ADD in perms, Permission.EDIT in perms, stored],
    )
    _require_an_admin(con, clean)
    return User(clean, utype, perms, language[0] if language else None, _entities(stored))


# Row-level security on customers: a role sees and writes top-level customers and those of the entities its users
# row names (all of them when NULL); a role that is no user of the store, only top-level ones. The two sub-selects
# are uncorrelated, so PostgreSQL evaluates them once per statement, not once per row. Table owners (the admin
# role itself, a superuser) are not bound; its members are, and administrators' rows name all entities.
_POLICY = """("MEGAENTITYID" IS NULL
    OR coalesce((SELECT u.entities IS NULL FROM users u WHERE u.name = current_user), FALSE)
    OR "MEGAENTITYID" = ANY (coalesce((SELECT u.entities FROM users u WHERE u.name = current_user), '{}')))"""
POLICIES_VERSION = "9"


def ensure_policies(con: PgConnection) -> None:
    """The customers' row-level security policy, inside the caller's transaction (by the tables' owner)."""
    con.execute("ALTER TABLE meta ENABLE ROW LEVEL SECURITY")
    con.execute("DROP POLICY IF EXISTS custbook_read ON meta")
    con.execute("DROP POLICY IF EXISTS custbook_count ON meta")
    con.execute("CREATE POLICY custbook_read ON meta FOR SELECT USING (TRUE)")
    con.execute("CREATE POLICY custbook_count ON meta FOR UPDATE USING (key = 'data_version')")
    # Every committed batch (an import, an edit, an undo) tells the listening interfaces (store.pg_notify), naming
    # the program that wrote it (its application_name), so that each tells its user about the others' changes only.
    con.execute(
        "CREATE OR REPLACE FUNCTION custbook_batch_written() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
        "PERFORM pg_notify('custbook_changes', json_build_object('batch', NEW.id, 'app', "
        "current_setting('application_name'))::text); RETURN NULL; END $f$"
    )
    con.execute("DROP TRIGGER IF EXISTS custbook_batch_written ON batches")
    con.execute(
        "CREATE TRIGGER custbook_batch_written AFTER INSERT ON batches FOR EACH ROW "
        "EXECUTE FUNCTION custbook_batch_written()"
    )
    _through_custbook_only(con)
    _role_maker(con)
    con.execute("ALTER TABLE customers ENABLE ROW LEVEL SECURITY")
    con.execute("DROP POLICY IF EXISTS custbook_entities ON customers")
    con.execute(f"CREATE POLICY custbook_entities ON customers USING {_POLICY} WITH CHECK {_POLICY}")
    _own_rows_only(con)
    # A customer's entity, whoever asks (store.history leaves other entities' customers out of a limited user's
    # history): runs with its owner's rights, past the row-level policy, and says nothing but the entity.
    con.execute(
        "CREATE OR REPLACE FUNCTION custbook_entity_of(customer VARCHAR) RETURNS VARCHAR LANGUAGE sql STABLE "
        "SECURITY DEFINER SET search_path = pg_catalog, "
        + str(con.execute("SELECT quote_ident(current_schema())").fetchone()[0])
        + ', pg_temp AS $f$ SELECT "MEGAENTITYID" FROM customers WHERE "CUSTOMERID" = customer $f$'
    )
    con.execute(f"ALTER FUNCTION custbook_entity_of(VARCHAR) OWNER TO {_ident(role_names(con)[0])}")
    # The entities whose customers a batch changed (store.history: a limited user may not undo a batch reaching
    # others, whose changes the policy below hides from them).
    con.execute(
        "CREATE OR REPLACE FUNCTION custbook_batch_entities(number BIGINT) RETURNS VARCHAR[] LANGUAGE sql STABLE "
        "SECURITY DEFINER SET search_path = pg_catalog, "
        + str(con.execute("SELECT quote_ident(current_schema())").fetchone()[0])
        + ", pg_temp AS $f$ SELECT coalesce(array_agg(DISTINCT c.\"MEGAENTITYID\"), '{}') FROM changes ch "
        'JOIN customers c ON c."CUSTOMERID" = ch.customerid WHERE ch.batch = number '
        'AND c."MEGAENTITYID" IS NOT NULL $f$'
    )
    con.execute(f"ALTER FUNCTION custbook_batch_entities(BIGINT) OWNER TO {_ident(role_names(con)[0])}")
    # The history of a customer a role may not see is not its to read either, with psql as in custbook (an
    # undone creation, whose customer is gone, stays readable: its entity is no longer known).
    admin = role_names(con)[0].replace("'", "''")
    # Nor is the history of any customer a role without List's: the changes hold the customers' values, which its
    # missing SELECT on customers keeps from it (custbook refuses it the history too).
    con.execute("DROP POLICY IF EXISTS custbook_read ON changes")
    con.execute(
        # The cheap tests first: an administrator, or a user of every entity, needs no look at the customer.
        f"CREATE POLICY custbook_read ON changes FOR SELECT USING (pg_has_role(current_user, '{admin}', 'MEMBER') OR "
        "has_table_privilege('customers', 'SELECT') AND ("
        "coalesce((SELECT u.entities IS NULL FROM users u WHERE u.name = current_user), FALSE) OR "
        "custbook_entity_of(customerid) IS NULL OR "
        "custbook_entity_of(customerid) = ANY (coalesce((SELECT u.entities FROM users u WHERE u.name = current_user), "
        "'{}'))))"
    )


def _role_maker(con: PgConnection) -> None:
    """A store made before the role-making role (store.pg_membership) gets it when opened by a role that may
    create roles (its `init` role); otherwise adding users waits for that."""
    if con.execute("SELECT 1 FROM pg_proc WHERE proname = 'custbook_lend_role'").fetchone():
        return
    if con.execute("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
        pg_membership.set_up(con, *role_names(con))


def _through_custbook_only(con: PgConnection) -> None:
    """Customers change through custbook only: a write from psql or a script, which the grants allow, would leave
    no batch (no history, no undo, no notice to the others), so a statement trigger refuses it unless the session
    says it is custbook (store.pg_db sets it on each of its connections). A guard against well-meant quick fixes, not
    a security boundary: whoever may UPDATE can set the setting too; the grants remain the boundary."""
    con.execute(
        "CREATE OR REPLACE FUNCTION custbook_through_custbook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
        f"IF coalesce(current_setting('{THROUGH_CUSTBOOK}', TRUE), '') <> 'on' THEN RAISE EXCEPTION USING "
        "ERRCODE = 'insufficient_privilege', MESSAGE = 'customers change through custbook, which keeps who changed "
        "what (its history and undo)', HINT = 'Use custbook import, or edit them in the custbook interface.'; "
        "END IF; RETURN NULL; END $f$"
    )
    con.execute("DROP TRIGGER IF EXISTS custbook_through_custbook ON customers")
    con.execute(
        "CREATE TRIGGER custbook_through_custbook BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON customers "
        "FOR EACH STATEMENT EXECUTE FUNCTION custbook_through_custbook()"
    )


# What each table lets a user's role write, and which rows (row-level policies; administrators, members of the
# admin role, may do everything, as custbook lets them). Without them a role could, with psql, queue a job under an
# administrator's name (which the worker would apply as that administrator), rewrite or delete the history, or
# change other people's views, mappings and language.
_WRITES = {
    "views": "INSERT, UPDATE, DELETE",
    "mappings": "INSERT, UPDATE, DELETE",
    "batches": "INSERT, UPDATE (undone_by)",  # an undo marks the batch it undid, whoever made it
    "changes": "INSERT",
    "jobs": "INSERT",  # the worker, an administrator, claims and finishes jobs with the admin role's rights
}
_OWN_ROWS = {  # table: (who may read a row, who may write one), besides administrators
    "views": ("owner = current_user OR public", "owner = current_user"),
    "mappings": ("owner = current_user OR public", "owner = current_user"),
    "batches": ("TRUE", "user_name = current_user"),
    "changes": ("TRUE", "batch IN (SELECT b.id FROM batches b WHERE b.user_name = current_user)"),
    "jobs": ("user_name = current_user", "user_name = current_user"),
    "users": ("TRUE", "name = current_user"),
}


def _own_rows_only(con: PgConnection) -> None:
    admin, members = role_names(con)
    is_admin = f"pg_has_role(current_user, '{admin.replace(chr(39), chr(39) * 2)}', 'MEMBER')"
    for table, privileges in _WRITES.items():
        con.execute(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {_ident(members)}")
        con.execute(f"GRANT {privileges} ON {table} TO {_ident(members)}")
    for table, (read, write) in _OWN_ROWS.items():
        con.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for policy in ("custbook_read", "custbook_write", "custbook_change", "custbook_remove"):
            con.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        con.execute(f"CREATE POLICY custbook_read ON {table} FOR SELECT USING ({read} OR {is_admin})")
        con.execute(f"CREATE POLICY custbook_write ON {table} FOR INSERT WITH CHECK ({write} OR {is_admin})")
        # An undo marks another user's batch: any user may update a batch row (only its undone_by column).
        change = "TRUE" if table == "batches" else f"{write} OR {is_admin}"
        con.execute(f"CREATE POLICY custbook_change ON {table} FOR UPDATE USING ({change}) WITH CHECK ({change})")
        con.execute(f"CREATE POLICY custbook_remove ON {table} FOR DELETE USING ({write} OR {is_admin})")


def _require_an_admin(con: PgConnection, name: str, *, leaving: str | None = None) -> None:
    """UsageError unless the store has an administrator (besides `leaving`, a user about to stop being one)."""
    admin, _members = role_names(con)
    rows = con.execute(
        # By the role's oid: a users row whose role is not (yet) on the server is simply no administrator.
        "SELECT u.name FROM users u JOIN pg_roles r ON r.rolname = u.name WHERE u.type = ? "
        "AND pg_has_role(r.oid, ?, 'MEMBER') AND u.name IS DISTINCT FROM ?",
        [UserType.BUSINESS.value, admin, leaving],
    ).fetchall()
    if not rows:
        raise UsageError(
            _(
                "That would leave the store with no administrator: {name} is the last business user with the "
                "List, Add and Edit permissions"
            ).format(name=name),
            _("Make another user an administrator first: {command}").format(
                command="custbook users add NAME --type business --perms list,add,edit"
            ),
        )


def remove_user(con: PgConnection, name: str, *, by: User) -> str:
    """Take a user out of the store: the users row, their grants and memberships (the role itself stays: the
    server may use it elsewhere)."""
    row = con.execute(
        "SELECT name FROM users WHERE lower(name) = lower(?) ORDER BY name = ? DESC LIMIT 1", [name.strip()] * 2
    ).fetchone()
    if row is None:
        raise NotFound(
            _("There is no user named {name}").format(name=name), _("See the users with: custbook users list")
        )
    target = str(row[0])
    if target == by.name:
        raise UsageError(_("You cannot remove yourself"), _("Ask another administrator to do it"))
    admin, _members = role_names(con)
    con.execute("DELETE FROM users WHERE name = ?", [target])
    if _role_exists(con, target):
        with as_admin_role(con, admin):
            con.execute(f"REVOKE SELECT, INSERT, UPDATE, DELETE ON customers FROM {_ident(target)}")
            pg_membership.place(con, target, "none", admin)
    return target
