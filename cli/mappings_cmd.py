"""`custbook mappings save|list|show|delete`: column mappings for files from other products, from the command line
(cli.md; import-export.md, "Files from other products").

Parses `--map` and `--join` into a mapping (core.mapping owns their syntax), calls `services.mappings` (which owns
the rules: names, fields, owners, public or private) and prints its outcomes for people or as JSON.
"""

from __future__ import annotations

import argparse
import json
import shlex

from core.catalogue import Catalogue
from core.mapping import ColumnMapping
from core.names import shown
from services import mappings as mappings_service
from services.mappings import MappingEntry
from store.opening import open_store


def _fields(fields: tuple[str, ...], catalogue: Catalogue) -> str:
    """NAME (Name), PRINTAS (Print as): IDs as saved, with the labels people know them by."""
    return ", ".join(f"{f} ({catalogue[f].label})" if f in catalogue else f for f in fields)


def _who(entry: MappingEntry) -> tuple[str, str]:
    """(owner, visibility) as the list shows them."""
    if entry.builtin:
        return "built in", "public"
    return entry.owner or "-", "public" if entry.public else "private"


def _describe(entry: MappingEntry) -> dict[str, object]:
    m = entry.mapping
    return {
        "name": entry.name,
        "owner": entry.owner,
        "public": entry.public,
        "builtin": entry.builtin,
        "product": entry.product,
        "columns": [{"header": h, "fields": list(f)} for h, f in m.columns],
        "joins": [{"field": f, "headers": list(h)} for f, h in m.joins],
        "others_ignored": m.others_ignored,
    }


def _sizes(m: ColumnMapping) -> str:
    columns = f"{len(m.columns)} column{'s' if len(m.columns) != 1 else ''}"
    joins = f", {len(m.joins)} join{'s' if len(m.joins) != 1 else ''}" if m.joins else ""
    others = "other columns left out" if m.others_ignored else "other columns read by their own names"
    return f"{columns}{joins}; {others}"


def _list(entries: list[MappingEntry]) -> None:
    rows = [("NAME", "OWNER", "VISIBILITY", "PRODUCT")]
    rows += [(shown(e.name), *_who(e), e.product or "-") for e in entries]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])


def _show(entry: MappingEntry, catalogue: Catalogue) -> None:
    m = entry.mapping
    owner, visibility = _who(entry)
    whose = f"built in, for {entry.product}" if entry.builtin and entry.product else f"owner {owner}, {visibility}"
    print(f"Mapping “{shown(entry.name)}”: {whose}")
    width = max((len(shown(h)) for h, _ in m.columns), default=0)
    for header, fields in m.columns:
        print(f"  {shown(header):<{width}}  -> {_fields(fields, catalogue) if fields else 'not imported'}")
    for fid, headers in m.joins:
        joined = " + ".join(f"'{shown(h)}'" for h in headers)
        print(f"  {_fields((fid,), catalogue)} <- {joined}, joined by a space")
    others = "left out" if m.others_ignored else "read by their own names (a column named after a field feeds it)"
    print(f"  Other columns: {others}")


def cmd_mappings(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    user = store.users.resolve(args.user, warm=True)  # released when the command ends
    store.entities.check(args.entity)
    if args.action == "save":
        draft = ColumnMapping(name=args.name, others_ignored=args.ignore_others)
        # Neither --public nor --private: a mapping saved over stays as it was (the service's rule); a new one private.
        public = True if args.public else (False if args.private else None)
        saved = mappings_service.save_mapping(
            store, draft.with_options(tuple(args.map), tuple(args.join)), user=user, public=public
        )
        entry = mappings_service.mapping_entry(store, saved.name or "", user=user)
        visibility = "public" if entry.public else "private"
        print(f"Saved mapping “{shown(entry.name)}” ({visibility}): {_sizes(saved)}.")
        print(f"Use it with: custbook import FILE --mapping {shlex.quote(entry.name)}")
        return 0
    if args.action == "list":
        entries = mappings_service.list_mappings(store, user=user)
        if args.json:
            print(json.dumps([_describe(e) for e in entries], ensure_ascii=False))
        else:
            _list(entries)
        return 0
    if args.action == "show":
        entry = mappings_service.mapping_entry(store, args.name, user=user)
        if args.json:
            print(json.dumps(_describe(entry), ensure_ascii=False))
        else:
            _show(entry, store.fields.catalogue())
        return 0
    deleted = mappings_service.delete_mapping(store, args.name, user=user)
    print(f"Deleted mapping “{shown(deleted)}”.")
    return 0
