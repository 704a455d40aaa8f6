"""Saved views, once for `custbook views save|list|show|delete`, `custbook export --view` and the interface's view
builder and picker.

Owns the rules of saving a view: its name (1 to 100 characters on one line, never the built-in view's), the
filters' dates read in the user's date format and kept as YYYY-MM-DD (so a view means the same days whatever
format it is later shown in), a view that cannot run refused rather than saved, an existing view of the same name
replaced only when the caller says so, a view saved over kept public or private unless told otherwise, and a
rename removing the old name. Also finding a view by name (the user's own first, then a public one), listing,
showing with its count, and deleting. `store.views` keeps the SQL and the rules that need it inside its
transaction (owner only, names that differ by case alone).

May import `core/` and `store/`; never textual, rich or the command line. Returns typed outcomes; the callers only
render them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING

from core.catalogue import Catalogue, FieldType
from core.errors import InvalidValue, NotFound
from core.i18n import _
from core.names import check_name as check_shown_name
from core.users import Permission, User
from core.values import DateFormat, date_in
from core.viewdef import ALL_CUSTOMERS, Op, View, is_all_customers, iso_date_filters, shown_view_name
from store.records import builtin_view

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore

MAX_NAME = 100


class SaveStatus(Enum):
    SAVED = "saved"  # a new view
    REPLACED = "replaced"  # over the user's own view of that name
    EXISTS = "exists"  # nothing saved: the user has a view of that name, and replacing it was not asked for


@dataclass(frozen=True)
class DateRead:
    """A date in a saved filter as it was understood ("Contract start is before 1 April 2024"): 04/01/2024 is 4
    January read as DD/MM/YYYY and 1 April as MM/DD/YYYY, so the caller says which it was."""

    label: str
    op: Op
    day: dt.date


@dataclass(frozen=True)
class ViewSaved:
    """What saving did. `view` is the view as stored (dates as YYYY-MM-DD, the name trimmed); for EXISTS, the view
    as it would have been stored. `made_private`: it replaced a public view, which other users no longer see."""

    status: SaveStatus
    view: View
    made_private: bool = False
    dates: tuple[DateRead, ...] = ()


@dataclass(frozen=True)
class ViewShown:
    view: View
    matching: int  # customers the view shows at the level it was shown for


def list_views(store: CustomerStore, user: User) -> list[View]:
    """The views this user may see: the built-in one, their own, and other users' public ones."""
    return store.views.list(user)


def find_view(store: CustomerStore, user: User, name: str) -> View:
    """The user's own view of that name, else a public one; NotFound naming the views they can use."""
    if is_all_customers(name):
        return builtin_view()
    views = list_views(store, user)
    own = [v for v in views if v.name == name and v.owner == user.name]
    public = [v for v in views if v.name == name and v.public]
    if own or public:
        return (own or public)[0]
    names = ", ".join(f"“{v.name}”" for v in views[:10])
    raise NotFound(
        _("There is no view named “{name}” that you can use").format(name=name),
        _("Your views: {names}").format(names=names),
    )


def count_matching(
    store: CustomerStore,
    view: View,
    *,
    user: User,
    catalogue: Catalogue,
    entity: str | None = None,
    date_format: DateFormat = DateFormat.DMY_SLASH,
) -> int:
    """How many customers `view` shows `user` at `entity` (InvalidValue when a filter cannot run)."""
    compiled = store.customers.compile(view, catalogue, user=user, entity=entity, date_format=date_format)
    return store.customers.count(compiled)


def show_view(store: CustomerStore, user: User, name: str, *, entity: str | None = None) -> ViewShown:
    view = find_view(store, user, name)
    catalogue = store.fields.catalogue()
    return ViewShown(view, count_matching(store, view, user=user, catalogue=catalogue, entity=entity))


def check_name(name: str) -> str:
    """The name trimmed; InvalidValue when it cannot name a view."""
    name = check_shown_name(name, _("A view name"))
    if not name or len(name) > MAX_NAME:
        raise InvalidValue(_("A view needs a name of 1 to 100 characters on one line"), _("Choose another name"))
    if is_all_customers(name):
        raise InvalidValue(
            _("“{name}” is built in and cannot be replaced").format(name=shown_view_name(ALL_CUSTOMERS)),
            _("Choose another name"),
        )
    return name


def save_view(
    store: CustomerStore,
    user: User,
    view: View,
    *,
    date_format: DateFormat = DateFormat.DMY_SLASH,
    public: bool | None = None,
    replace_existing: bool = True,
    renaming: str | None = None,
    entity: str | None = None,
) -> ViewSaved:
    """Save `view` as the user's own view of its name. Its filters' dates are read in `date_format` (or
    YYYY-MM-DD); every field and filter value is checked by compiling it (for `entity`), so a view that cannot run
    is refused, not saved.

    `public`: None keeps a view saved over as it was (a new one takes `view.public`); True or False says. With
    `replace_existing` False, an existing view of that name (other than `renaming`) is left alone and the status
    is EXISTS, for a caller that asks first. `renaming` is the user's own view being edited: saved under a new
    name, the old one is deleted."""
    user.require(Permission.LIST, _("save views"))
    name = check_name(view.name)
    catalogue = store.fields.catalogue()
    view = replace(view, name=name, filters=iso_date_filters(view.filters, catalogue, date_format))
    # Compiling checks every field and every filter value (a number for a number field...), in the user's date
    # format: a date that is not one in it is refused naming that format, not saved to mean another day.
    store.customers.compile(view, catalogue, user=user, entity=entity, date_format=date_format)
    before = next((v for v in list_views(store, user) if (v.owner, v.name) == (user.name, name)), None)
    if public is None:
        view = replace(view, public=before.public if before is not None else view.public)
    else:
        view = replace(view, public=public)
    if before is not None and name != renaming and not replace_existing:
        return ViewSaved(SaveStatus.EXISTS, replace(view, owner=user.name))
    saved = store.views.save(user, view)
    if renaming is not None and renaming != saved.name:
        store.views.remove(user, renaming)
    return ViewSaved(
        SaveStatus.REPLACED if before is not None else SaveStatus.SAVED,
        saved,
        made_private=before is not None and before.public and not saved.public,
        dates=_dates_read(saved, catalogue),
    )


def _dates_read(view: View, catalogue: Catalogue) -> tuple[DateRead, ...]:
    """The saved filters' dates (kept as YYYY-MM-DD), for the caller to echo in the user's words."""
    out = []
    for f in view.filters:
        if f.op.needs_value and catalogue[f.field].type in (FieldType.DATE, FieldType.TIMESTAMP):
            day = date_in(f.value, DateFormat.ISO)
            if day is not None:
                out.append(DateRead(catalogue[f.field].shown_label, f.op, day))
    return tuple(out)


def delete_view(store: CustomerStore, user: User, name: str) -> None:
    """Delete the user's own view `name` (PermissionDenied for another user's, NotFound when there is none)."""
    if is_all_customers(name):
        raise InvalidValue(
            _("“{name}” is built in and cannot be deleted").format(name=shown_view_name(ALL_CUSTOMERS)),
            _("Delete one of your own views"),
        )
    store.views.remove(user, name)
