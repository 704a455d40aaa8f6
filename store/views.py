"""Saved views in the store: writing, listing and deleting them, with the rules that need the store's own reading.

A view is private to its owner unless public; only the owner changes or deletes it; one user's view names differ by
more than case. The built-in "All customers" view always exists and is never stored. Views are stored as JSON
definitions (core.viewdef) so that adding a feature to views needs no new columns. The rules of saving (names,
dates, checking that a view runs, replacing, renaming) are the views service's (services/views.py).
"""

from __future__ import annotations

import datetime as dt

from core.errors import InvalidValue, NotFound, PermissionDenied
from core.i18n import _
from core.users import Permission, User
from core.viewdef import View
from store.records import builtin_view
from store.sql import Database


def list_views(store: Database, user: User) -> list[View]:
    """The views this user may see: the built-in one, their own, and other users' public ones."""
    user.require(Permission.LIST, _("see views"))
    with store.read() as con:
        rows = con.execute(
            "SELECT name, owner, public, definition FROM views WHERE owner = ? OR public ORDER BY lower(name), owner",
            [user.name],
        ).fetchall()
    return [builtin_view(), *(View.from_json(n, o, p, d) for n, o, p, d in rows)]


def write_view(store: Database, user: User, view: View) -> View:
    """Create or replace the user's view of that name, as given: its name, fields, filter values and dates are the
    views service's to check (services/views.py) before it comes here."""
    now = dt.datetime.now()
    with store.write() as con:
        # "Big FR accounts" and "big fr accounts" side by side would be told apart by case alone. Checked in the
        # transaction that writes, so that two saves at once cannot both pass it.
        other = con.execute(
            "SELECT name FROM views WHERE owner = ? AND lower(name) = lower(?) AND name <> ?",
            [user.name, view.name, view.name],
        ).fetchone()
        if other:
            raise InvalidValue(
                _("You already have a view named “{name}”").format(name=other[0]),
                _("Save under exactly “{name}” to replace it, or choose another name").format(name=other[0]),
            )
        saved = View(view.name, user.name, view.public, view.columns, view.filters, view.sort, view.include_entities)
        con.execute(
            "INSERT INTO views VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner, name) DO UPDATE SET "
            "public = excluded.public, definition = excluded.definition, modified = excluded.modified",
            [user.name, view.name, view.public, saved.definition_json(), now, now],
        )
    return saved


def remove_view(store: Database, user: User, name: str) -> None:
    """Delete the user's own view `name`: PermissionDenied when it is another user's public view, NotFound when
    the user has none of that name."""
    with store.write() as con:
        mine = con.execute("SELECT 1 FROM views WHERE owner = ? AND name = ?", [user.name, name]).fetchone()
        if not mine:
            other = con.execute("SELECT owner FROM views WHERE name = ? AND public", [name]).fetchone()
            if other:
                raise PermissionDenied(
                    _("The view “{name}” belongs to {owner}; only its owner can delete it").format(
                        name=name, owner=other[0]
                    ),
                    _("Save a copy under another name instead"),
                )
            raise NotFound(
                _("You have no view named “{name}”").format(name=name), _("See your views with: custbook views list")
            )
        con.execute("DELETE FROM views WHERE owner = ? AND name = ?", [user.name, name])
