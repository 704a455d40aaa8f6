"""`custbook views save|list|show|delete`: saved views from the command line (cli.md).

Parses the arguments into a view, calls `services.views` (which owns the rules: names, dates, replacing, public or
private) and prints its outcomes for people or as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

from cli.language import adopt_user_language
from core.catalogue import Catalogue
from core.i18n import _, group_digits, ngettext
from core.values import DateFormat, spoken_date
from core.viewdef import Op, View, parse_columns, parse_filter, parse_sort, shown_view_name
from services import views as views_service
from services.views import SaveStatus
from store.opening import open_store


def _describe(view: View, catalogue: Catalogue) -> dict[str, object]:
    return {
        "name": view.name,
        "owner": view.owner,
        "public": view.public,
        "builtin": view.builtin,
        "columns": list(view.columns) or list(catalogue.ids),
        "filters": [f.expression for f in view.filters],
        "sort": [s.expression for s in view.sort],
        "include_entities": view.include_entities,
    }


def _matching(n: int) -> str:
    return ngettext("{count} customer matches", "{count} customers match", n).format(count=group_digits(n))


def cmd_views(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    user = store.users.resolve(args.user, warm=True)  # released when the command ends
    adopt_user_language(args, user)
    store.entities.check(args.entity)
    catalogue = store.fields.catalogue()
    if args.action == "save":
        view = View(
            name=args.name,
            columns=parse_columns(args.columns, catalogue),
            filters=tuple(parse_filter(f, catalogue) for f in args.filters),
            sort=parse_sort(args.sort, catalogue),
            include_entities=args.include_entities,
        )
        date_format = DateFormat.parse(args.date_format)
        # Neither --public nor --private: a view saved over stays as it was (the service's rule).
        public = True if args.public else (False if args.private else None)
        done = views_service.save_view(store, user, view, date_format=date_format, public=public, entity=args.entity)
        saved = done.view
        matching = views_service.count_matching(store, saved, user=user, catalogue=catalogue, entity=args.entity)
        said = (
            _("Replaced view “{name}” ({visibility}): {matching}.")
            if done.status is SaveStatus.REPLACED
            else _("Saved view “{name}” ({visibility}): {matching}.")
        )
        visibility = _("public") if saved.public else _("private")
        print(said.format(name=saved.name, visibility=visibility, matching=_matching(matching)))
        # The dates as understood: 04/01/2024 is 4 January read as DD/MM/YYYY, 1 April as MM/DD/YYYY.
        for read in done.dates:
            words = {Op.LT: _("is before"), Op.GT: _("is after")}.get(read.op, read.op.words)
            print(
                "  "
                + _("{field} {condition} {day} (read as {date_format})").format(
                    field=read.label, condition=words, day=spoken_date(read.day), date_format=date_format.shown
                )
            )
        if done.made_private:
            gone = _("“{name}” was public and is now private: other users no longer see it.").format(name=saved.name)
            print(f"custbook: {gone}", file=sys.stderr)
        return 0
    if args.action == "list":
        views = views_service.list_views(store, user)
        if args.json:
            print(json.dumps([_describe(v, catalogue) for v in views], ensure_ascii=False))
            return 0
        for v in views:
            who = _("built in") if v.builtin else (_("public") if v.public else _("private")) + f", {v.owner}"
            print(f"{shown_view_name(v.name)}  ({who})")
        return 0
    if args.action == "show":
        shown = views_service.show_view(store, user, args.name, entity=args.entity)
        view = shown.view
        info = _describe(view, catalogue) | {"matching": shown.matching}
        if args.json:
            print(json.dumps(info, ensure_ascii=False))
            return 0
        visibility = _("public") if view.public else _("private")
        print(
            _("View “{name}”: owner {owner}, {visibility}").format(
                name=shown_view_name(view.name), owner=view.owner or "-", visibility=visibility
            )
        )
        print("  " + _("columns: {columns}").format(columns=", ".join(info["columns"])))  # type: ignore[arg-type]
        filters = "; ".join(f.describe(catalogue) for f in view.filters)
        print("  " + (_("filters: {filters}").format(filters=filters) if filters else _("filters: none")))
        sort = ", ".join(s.expression for s in view.sort) or catalogue["CUSTOMERID"].shown_label
        print("  " + _("sort:    {sort}").format(sort=sort))
        included = _("included") if view.include_entities else _("not included")
        print("  " + _("entity records: {included}").format(included=included))
        print(f"  {_matching(shown.matching)}")
        return 0
    views_service.delete_view(store, user, args.name)
    print(_("Deleted view “{name}”.").format(name=args.name))
    return 0
