"""Users, their type and their permissions on customers (List, Add, Edit), and who is acting.

Owns the `users` table. `resolve_user` applies the rule of cli.md: an unknown user is refused, except in a store
with no users yet, where the first user becomes a business user with every permission.
"""

from __future__ import annotations

import getpass

from core.errors import InvalidValue, NotFound, PermissionDenied, UsageError
from core.i18n import _, checked_language
from core.names import check_name
from core.users import Permission, User, UserType
from store.sql import Connection, Database

_COLS = "name, type, can_list, can_add, can_edit, language, entities"


def _row_to_user(row: tuple) -> User:
    name, utype, can_list, can_add, can_edit, language, entities = row
    perms = {p for p, ok in ((Permission.LIST, can_list), (Permission.ADD, can_add), (Permission.EDIT, can_edit)) if ok}
    return User(name, UserType(utype), frozenset(perms), language, None if entities is None else frozenset(entities))


def list_users(store: Database) -> list[User]:
    with store.read() as con:
        rows = con.execute(f"SELECT {_COLS} FROM users ORDER BY name").fetchall()
    return [_row_to_user(r) for r in rows]


def add_user(
    store: Database,
    name: str,
    utype: UserType,
    perms: frozenset[Permission],
    *,
    by: User,
    entities: frozenset[str] | None = None,
) -> User:
    """Create a user, or change the type and permissions of an existing one; `by`, the acting user, must be an
    administrator. Names are matched without regard to case: "Alice" changes the existing "alice". `entities`: the
    entities whose customers the user may see and change (None: all)."""
    by.require_admin(_("add or change users"))
    return _save_user(store, name, utype, perms, entities)


def check_entities(con: Connection, entities: frozenset[str] | None) -> list[str] | None:
    """The entities as stored (sorted), each checked to exist (NotFound names the first unknown one)."""
    if entities is None:
        return None
    known = {row[0] for row in con.execute("SELECT id FROM entities").fetchall()}
    for entity in sorted(entities):
        if entity not in known:
            raise NotFound(
                _("There is no entity {entity} in this store").format(entity=entity),
                _("See them with: custbook entities list"),
            )
    return sorted(entities)


def _save_user(
    store: Database,
    name: str,
    utype: UserType,
    perms: frozenset[Permission],
    entities: frozenset[str] | None = None,
) -> User:
    clean = check_name(name, _("A user name"), _("Use the login name as it is typed"))
    if not clean:
        raise InvalidValue(
            _("'{name}' cannot be a user name").format(name=name), _("Use a login name without spaces or line breaks")
        )
    with store.write() as con:
        same = con.execute("SELECT name, language FROM users WHERE lower(name) = lower(?)", [clean]).fetchone()
        clean = same[0] if same else clean  # one user per name, whatever the case it is typed in
        language = same[1] if same else None  # a change of type or permissions keeps the user's language
        stored = check_entities(con, entities)
        con.execute(
            "INSERT INTO users (name, type, can_list, can_add, can_edit, created, entities) VALUES (?, ?, ?, ?, ?, "
            "now()::TIMESTAMP, ?::VARCHAR[]) ON CONFLICT (name) DO UPDATE SET type = excluded.type, "
            "can_list = excluded.can_list, can_add = excluded.can_add, can_edit = excluded.can_edit, "
            "created = excluded.created, entities = excluded.entities",
            [clean, utype.value, Permission.LIST in perms, Permission.ADD in perms, Permission.EDIT in perms, stored],
        )
        # Checked in the same transaction (rolled back when refused): a store nobody can administer any more
        # cannot get one back (cli.md), so the last administrator cannot take their own rights away.
        admins = con.execute(
            "SELECT count(*) FROM users WHERE type = ? AND can_list AND can_add AND can_edit", [UserType.BUSINESS.value]
        ).fetchone()
        if not admins or not admins[0]:
            raise UsageError(
                _(
                    "That would leave the store with no administrator: {name} is the last business user with the "
                    "List, Add and Edit permissions"
                ).format(name=clean),
                _("Make another user an administrator first: {command}").format(
                    command="custbook users add NAME --type business --perms list,add,edit"
                ),
            )
    return User(clean, utype, perms, language, None if stored is None else frozenset(stored))


def set_language(store: Database, name: str, language: str | None) -> None:
    """Keep the language user `name` chose in the interface: "en", "fr", or None (no choice: the locale decides).
    A user's own preference, so no permission is needed; NotFound for an unknown user."""
    code = checked_language(language) if language else None
    with store.write() as con:
        found = con.execute(
            "UPDATE users SET language = ? WHERE lower(name) = lower(?) RETURNING name", [code, name]
        ).fetchall()
    if not found:
        raise NotFound(
            _("There is no user named {name}").format(name=name), _("See the users with: custbook users list")
        )


def remove_user(store: Database, name: str, *, by: User) -> str:
    """Remove a user (an administrator's act); returns the name as it was stored. The history keeps their
    batches under their name. Nobody removes themselves: the acting administrator stays, so the store always
    keeps someone who can manage it."""
    by.require_admin(_("remove users"))
    with store.write() as con:
        rows = con.execute(f"SELECT {_COLS} FROM users").fetchall()
        users = [_row_to_user(r) for r in rows]
        target = next((u for u in users if u.name.lower() == name.strip().lower()), None)
        if target is None:
            raise NotFound(
                _("There is no user named {name}").format(name=name), _("See the users with: custbook users list")
            )
        if target.name.lower() == by.name.lower():
            raise UsageError(_("You cannot remove yourself"), _("Ask another administrator to do it"))
        con.execute("DELETE FROM users WHERE name = ?", [target.name])
    return target.name


def login_name() -> str:
    """The operating system's login name: the acting user on a DuckDB store when none is named (cli.md)."""
    try:
        return getpass.getuser()
    except Exception:
        return "user"


def resolve_user(store: Database, name: str, *, warm: bool = False) -> User:
    """The acting user (`name`; empty: the login name). In a store without users, the first one becomes a
    business user with every permission.

    `warm`: the first read of a command keeps the store open for the command's next readings (its level, its view,
    its plan), which then find the database loaded instead of opening the file again each time (0.065 -> 0.023 s
    for three readings of the 1,000,000-customer store). A write lets it go first; the command line lets it go
    when the command ends (`store.db.release_warm`)."""
    name = name or login_name()
    with store.read(warm=warm) as con:
        # Login names differ in case between systems (ALICE on Windows, alice on Linux): the same user either way.
        row = con.execute(
            f"SELECT {_COLS} FROM users WHERE lower(name) = lower(?) ORDER BY name = ? DESC LIMIT 1",
            [name, name],
        ).fetchone()
        count = con.execute("SELECT count(*) FROM users").fetchone()
    if row:
        return _row_to_user(row)
    if count and count[0]:
        raise PermissionDenied(
            _("There is no user named {name} in this store").format(name=name),
            _("Use --user with a known name, or ask an administrator to run: {command}").format(
                command="custbook users add " + name
            ),
        )
    return _save_user(store, name, UserType.BUSINESS, frozenset(Permission))
