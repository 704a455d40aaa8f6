"""`custbook views save|list|show|delete`: saved views from the command line (cli.md).

Parses the arguments into a view, calls `services.views` (which owns the rules: names, dates, replacing, public or
private) and prints its outcomes for people or as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

from core.catalogue import Catalogue
from core.values import DateFormat
from core.viewdef import Op, View, parse_columns, parse_filter, parse_sort
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
    return f"{n:,} customer matches" if n == 1 else f"{n:,} customers match"


def cmd_views(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    user = store.users.resolve(args.user, warm=True)  # released when the command ends
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
        verb = "Replaced" if done.status is SaveStatus.REPLACED else "Saved"
        print(f"{verb} view “{saved.name}” ({'public' if saved.public else 'private'}): {_matching(matching)}.")
        # The dates as understood: 04/01/2024 is 4 January read as DD/MM/YYYY, 1 April as MM/DD/YYYY.
        for read in done.dates:
            words = {Op.LT: "is before", Op.GT: "is after"}.get(read.op, read.op.words)
            day = read.day
            print(f"  {read.label} {words} {day.day} {day:%B %Y} (read as {date_format.value})")
        if done.made_private:
            gone = f"custbook: “{saved.name}” was public and is now private: other users no longer see it."
            print(gone, file=sys.stderr)
        return 0
    if args.action == "list":
        views = views_service.list_views(store, user)
        if args.json:
            print(json.dumps([_describe(v, catalogue) for v in views], ensure_ascii=False))
            return 0
        for v in views:
            who = "built in" if v.builtin else ("public" if v.public else "private") + f", {v.owner}"
            print(f"{v.name}  ({who})")
        return 0
    if args.action == "show":
        shown = views_service.show_view(store, user, args.name, entity=args.entity)
        view = shown.view
        info = _describe(view, catalogue) | {"matching": shown.matching}
        if args.json:
            print(json.dumps(info, ensure_ascii=False))
            return 0
        print(f"View “{view.name}”: owner {view.owner or '-'}, {'public' if view.public else 'private'}")
        print("  columns: " + ", ".join(info["columns"]))  # type: ignore[arg-type]
        print("  filters: " + ("; ".join(f.describe(catalogue) for f in view.filters) or "none"))
        print("  sort:    " + (", ".join(s.expression for s in view.sort) or "Customer ID"))
        print(f"  entity records: {'included' if view.include_entities else 'not included'}")
        print(f"  {_matching(shown.matching)}")
        return 0
    views_service.delete_view(store, user, args.name)
    print(f"Deleted view “{args.name}”.")
    return 0
