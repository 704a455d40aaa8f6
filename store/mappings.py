"""Saved column mappings in the store: writing, listing and deleting them, with the rules that need the store's own
reading.

Kept like views (store/views.py): a mapping is its owner's, private unless public; only the owner changes or deletes
it. Names are compared without regard to case, as `--mapping NAME` finds them: one user's mappings differ by more
than case, saving "Zoho" over one's own "zoho" replaces it (under the new spelling), and no two users share a public
mapping of the same name, so that a name always means one mapping to everyone who sees it. These checks run in the
transaction that writes, so two saves at once cannot both pass them. The definition is JSON read by core.mapping;
the rules of saving (names, built-in names, fields checked against the catalogue, who may save) are the mappings
service's (services/mappings.py).
"""

from __future__ import annotations

import datetime as dt

from core.errors import NotFound, PermissionDenied
from core.i18n import _
from core.mapping import ColumnMapping
from core.users import User
from store.records import SavedMapping
from store.sql import Connection, Database

_VISIBLE = "SELECT owner, name, public FROM mappings WHERE owner = ? OR public"


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def _visible(con: Connection, user: User) -> list[tuple[str, str, bool]]:
    return [(str(o), str(n), bool(p)) for o, n, p in con.execute(_VISIBLE, [user.name]).fetchall()]


def list_mappings(store: Database, user: User) -> list[SavedMapping]:
    """The saved mappings this user may use: their own and other users' public ones, by name."""
    with store.read() as con:
        rows = con.execute(
            "SELECT name, owner, public, definition, modified FROM mappings WHERE owner = ? OR public "
            "ORDER BY lower(name), owner",
            [user.name],
        ).fetchall()
    return [SavedMapping(n, o, bool(p), ColumnMapping.from_json(d, n), m) for n, o, p, d, m in rows]


def write_mapping(store: Database, user: User, mapping: ColumnMapping, *, public: bool) -> SavedMapping:
    """Create or replace the user's mapping of that name (`mapping.name`), as given: its name and fields are the
    mappings service's to check before it comes here. PermissionDenied when the name is another user's public
    mapping (theirs to change) or, to make it public, when another user already shares one of that name."""
    name = mapping.name or ""
    now = dt.datetime.now()
    with store.write() as con:
        rows = _visible(con, user)
        own = next((n for o, n, _p in rows if o == user.name and _same(n, name)), None)
        shared = next((o for o, n, p in rows if o != user.name and p and _same(n, name)), None)
        if shared is not None and own is None:
            raise PermissionDenied(
                _("The mapping “{name}” is {owner}'s; only its owner can change it").format(name=name, owner=shared),
                _("Save yours under another name"),
            )
        if shared is not None and public:
            raise PermissionDenied(
                _("{owner} already shares a mapping named “{name}”; two public mappings cannot share a name").format(
                    owner=shared, name=name
                ),
                _("Keep yours private (--private), or save it under another name"),
            )
        definition = mapping.to_json()
        if own is not None:
            con.execute(
                "UPDATE mappings SET name = ?, public = ?, definition = ?, modified = ? WHERE owner = ? AND name = ?",
                [name, public, definition, now, user.name, own],
            )
        else:
            con.execute(
                "INSERT INTO mappings (owner, name, public, definition, created, modified) VALUES (?, ?, ?, ?, ?, ?)",
                [user.name, name, public, definition, now, now],
            )
    return SavedMapping(name, user.name, public, ColumnMapping.from_json(definition, name), now)


def remove_mapping(store: Database, user: User, name: str) -> str:
    """Delete the user's own mapping `name` (any case) and return its name as it was saved: PermissionDenied when it
    is another user's public mapping, NotFound when the user has none of that name."""
    with store.write() as con:
        rows = _visible(con, user)
        own = next((n for o, n, _p in rows if o == user.name and _same(n, name)), None)
        if own is None:
            other = next((o for o, n, p in rows if p and _same(n, name)), None)
            if other is not None:
                raise PermissionDenied(
                    _("The mapping “{name}” belongs to {owner}; only its owner can delete it").format(
                        name=name, owner=other
                    ),
                    _("Ask them, or save your own under another name"),
                )
            raise NotFound(
                _("You have no mapping named “{name}”").format(name=name),
                _("See the mappings with: custbook mappings list"),
            )
        con.execute("DELETE FROM mappings WHERE owner = ? AND name = ?", [user.name, own])
    return own
