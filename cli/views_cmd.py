"""`custbook views save|list|show|delete`: saved views from the command line (cli.md)."""

from __future__ import annotations

import argparse
import json
import sys

from core.catalogue import FieldType
from core.values import DateFormat, date_in
from store import fields as fields_store
from store import query
from store import users as users_store
from store import views as views_store
from store.db import Store
from store.entities import check_entity
from store.viewdef import Op, View, parse_columns, parse_filter, parse_sort


def _describe(view: View, catalogue: fields_store.Catalogue) -> dict[str, object]:
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
    store = Store(args.db)
    user = users_store.resolve_user(store, args.user, warm=True)  # released when the command ends
    check_entity(store, args.entity)
    catalogue = fields_store.catalogue(store)
    if args.action == "save":
        key = (user.name, args.name.strip())
        before = next((v for v in views_store.list_views(store, user) if (v.owner, v.name) == key), None)
        # Saving over a view keeps who sees it unless --public or --private says otherwise.
        public = args.public or (not args.private and before is not None and before.public)
        view = View(
            name=args.name,
            public=public,
            columns=parse_columns(args.columns, catalogue),
            filters=tuple(parse_filter(f, catalogue) for f in args.filters),
            sort=parse_sort(args.sort, catalogue),
            include_entities=args.include_entities,
        )
        date_format = DateFormat.parse(args.date_format)
        saved = views_store.save_view(store, user, view, date_format=date_format)
        compiled = query.compile_view(saved, catalogue, user=user, entity=args.entity)
        matching = query.count(store, compiled)
        done = "Replaced" if before else "Saved"
        print(f"{done} view “{saved.name}” ({'public' if saved.public else 'private'}): {_matching(matching)}.")
        # The dates as understood: 04/01/2024 is 4 January read as DD/MM/YYYY, 1 April as MM/DD/YYYY.
        for f in saved.filters:
            if f.op.needs_value and catalogue[f.field].type in (FieldType.DATE, FieldType.TIMESTAMP):
                day = date_in(f.value, DateFormat.ISO)
                if day is not None:
                    label, read = catalogue[f.field].label, date_format.value
                    words = {Op.LT: "is before", Op.GT: "is after"}.get(f.op, f.op.words)
                    print(f"  {label} {words} {day.day} {day:%B %Y} (read as {read})")
        if before and before.public and not saved.public:
            gone = f"custbook: “{saved.name}” was public and is now private: other users no longer see it."
            print(gone, file=sys.stderr)
        return 0
    if args.action == "list":
        views = views_store.list_views(store, user)
        if args.json:
            print(json.dumps([_describe(v, catalogue) for v in views], ensure_ascii=False))
            return 0
        for v in views:
            who = "built in" if v.builtin else ("public" if v.public else "private") + f", {v.owner}"
            print(f"{v.name}  ({who})")
        return 0
    if args.action == "show":
        view = views_store.find_view(store, user, args.name)
        compiled = query.compile_view(view, catalogue, user=user, entity=args.entity)
        info = _describe(view, catalogue) | {"matching": query.count(store, compiled)}
        if args.json:
            print(json.dumps(info, ensure_ascii=False))
            return 0
        print(f"View “{view.name}”: owner {view.owner or '-'}, {'public' if view.public else 'private'}")
        print("  columns: " + ", ".join(info["columns"]))  # type: ignore[arg-type]
        print("  filters: " + ("; ".join(f.describe(catalogue) for f in view.filters) or "none"))
        print("  sort:    " + (", ".join(s.expression for s in view.sort) or "Customer ID"))
        print(f"  entity records: {'included' if view.include_entities else 'not included'}")
        print(f"  {_matching(info['matching'])}")  # type: ignore[arg-type]
        return 0
    views_store.delete_view(store, user, args.name)
    print(f"Deleted view “{args.name}”.")
    return 0
