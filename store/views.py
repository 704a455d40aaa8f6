"""Saved views: storing, finding, listing and deleting them, with the owner and visibility rules.

A view is private to its owner unless public; only the owner changes or deletes it. The built-in "All customers"
view always exists and cannot be changed. Views are stored as JSON definitions (store.viewdef) so that adding a
feature to views needs no new columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from core.errors import InvalidValue, NotFound, PermissionDenied
from core.values import DateFormat
from store.db import Store
from store.fields import load_catalogue
from store.query import compile_view
from store.users import Permission, User
from store.viewdef import ALL_CUSTOMERS, View, iso_date_filters

MAX_NAME = 100


def builtin_view() -> View:
    return View(name=ALL_CUSTOMERS, owner=None, public=True, builtin=True)


def list_views(store: Store, user: User) -> list[View]:
    """The views this user may see: the built-in one, their own, and other users' public ones."""
    user.require(Permission.LIST, "see views")
    with store.read() as con:
        rows = con.execute(
            "SELECT name, owner, public, definition FROM views WHERE owner = ? OR public ORDER BY lower(name), owner",
            [user.name],
        ).fetchall()
    return [builtin_view(), *(View.from_json(n, o, p, d) for n, o, p, d in rows)]


def find_view(store: Store, user: User, name: str) -> View:
    """The user's own view of that name, else a public one; NotFound naming the views they can use."""
    if name.strip().casefold() == ALL_CUSTOMERS.casefold():
        return builtin_view()
    views = list_views(store, user)
    own = [v for v in views if v.name == name and v.owner == user.name]
    public = [v for v in views if v.name == name and v.public]
    if own or public:
        return (own or public)[0]
    names = ", ".join(f"“{v.name}”" for v in views[:10])
    raise NotFound(f"There is no view named “{name}” that you can use", f"Your views: {names}")


def save_view(store: Store, user: User, view: View, *, date_format: DateFormat = DateFormat.DMY_SLASH) -> View:
    """Create or replace the user's view of that name. Field IDs are checked first. Dates in filters are read in
    `date_format` (or YYYY-MM-DD) and kept as YYYY-MM-DD (see `iso_date_filters`)."""
    user.require(Permission.LIST, "save views")
    name = view.name.strip()
    if not name or len(name) > MAX_NAME or any(ch in name for ch in "\r\n\t"):
        raise InvalidValue("A view needs a name of 1 to 100 characters on one line", "Choose another name")
    if name.casefold() == ALL_CUSTOMERS.casefold():
        raise InvalidValue(f"“{ALL_CUSTOMERS}” is built in and cannot be replaced", "Choose another name")
    now = dt.datetime.now()
    with store.write() as con:
        # Compiling checks every field and every filter value (a number for a number field...): a view that
        # cannot run is refused, not saved.
        # "Big FR accounts" and "big fr accounts" side by side would be told apart by case alone.
        other = con.execute(
            "SELECT name FROM views WHERE owner = ? AND lower(name) = lower(?) AND name <> ?", [user.name, name, name]
        ).fetchone()
        if other:
            raise InvalidValue(
                f"You already have a view named “{other[0]}”",
                f"Save under exactly “{other[0]}” to replace it, or choose another name",
            )
        catalogue = load_catalogue(con)
        view = replace(view, filters=iso_date_filters(view.filters, catalogue, date_format))
        compile_view(view, catalogue, user=user)
        saved = View(name, user.name, view.public, view.columns, view.filters, view.sort, view.include_entities)
        con.execute(
            "INSERT INTO views VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner, name) DO UPDATE SET "
            "public = excluded.public, definition = excluded.definition, modified = excluded.modified",
            [user.name, name, view.public, saved.definition_json(), now, now],
        )
    return saved


def delete_view(store: Store, user: User, name: str) -> None:
    if name.strip().casefold() == ALL_CUSTOMERS.casefold():
        raise InvalidValue(f"“{ALL_CUSTOMERS}” is built in and cannot be deleted", "Delete one of your own views")
    with store.write() as con:
        mine = con.execute("SELECT 1 FROM views WHERE owner = ? AND name = ?", [user.name, name]).fetchone()
        if not mine:
            other = con.execute("SELECT owner FROM views WHERE name = ? AND public", [name]).fetchone()
            if other:
                raise PermissionDenied(
                    f"The view “{name}” belongs to {other[0]}; only its owner can delete it",
                    "Save a copy under another name instead",
                )
            raise NotFound(f"You have no view named “{name}”", "See your views with: custbook views list")
        con.execute("DELETE FROM views WHERE owner = ? AND name = ?", [user.name, name])
