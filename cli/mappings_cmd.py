"""`custbook mappings save|list|show|delete`: column mappings for files from other products, from the command line
(cli.md; import-export.md, "Files from other products").

Parses `--map` and `--join` into a mapping (core.mapping owns their syntax), calls `services.mappings` (which owns
the rules: names, fields, owners, public or private) and prints its outcomes for people or as JSON.
"""

from __future__ import annotations

import argparse
import json
import shlex

from cli.language import adopt_user_language
from core.catalogue import Catalogue
from core.i18n import _, ngettext
from core.mapping import ColumnMapping
from core.names import shown
from services import mappings as mappings_service
from services.mappings import MappingEntry
from store.opening import open_store


def _fields(fields: tuple[str, ...], catalogue: Catalogue) -> str:
    """NAME (Name), PRINTAS (Print as): IDs as saved, with the labels people know them by."""
    return ", ".join(f"{f} ({catalogue[f].shown_label})" if f in catalogue else f for f in fields)


def _who(entry: MappingEntry) -> tuple[str, str]:
    """(owner, visibility) as the list shows them."""
    if entry.builtin:
        return _("built in"), _("public")
    return entry.owner or "-", _("public") if entry.public else _("private")


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
    columns = ngettext("{count} column", "{count} columns", len(m.columns)).format(count=len(m.columns))
    if m.joins:
        joins = ngettext("{count} join", "{count} joins", len(m.joins)).format(count=len(m.joins))
        columns = _("{columns}, {joins}").format(columns=columns, joins=joins)
    others = _("other columns left out") if m.others_ignored else _("other columns read by their own names")
    return _("{columns}; {others}").format(columns=columns, others=others)


def _list(entries: list[MappingEntry]) -> None:
    rows = [(_("NAME"), _("OWNER"), _("VISIBILITY"), _("PRODUCT"))]
    rows += [(shown(e.name), *_who(e), e.product or "-") for e in entries]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])


def _show(entry: MappingEntry, catalogue: Catalogue) -> None:
    m = entry.mapping
    owner, visibility = _who(entry)
    whose = (
        _("built in, for {product}").format(product=entry.product)
        if entry.builtin and entry.product
        else _("owner {owner}, {visibility}").format(owner=owner, visibility=visibility)
    )
    print(_("Mapping “{name}”: {whose}").format(name=shown(entry.name), whose=whose))
    width = max((len(shown(h)) for h, _fields_of in m.columns), default=0)
    for header, fields in m.columns:
        print(f"  {shown(header):<{width}}  -> {_fields(fields, catalogue) if fields else _('not imported')}")
    for fid, headers in m.joins:
        joined = " + ".join(f"'{shown(h)}'" for h in headers)
        print(
            "  " + _("{field} <- {columns}, joined by a space").format(field=_fields((fid,), catalogue), columns=joined)
        )
    others = _("left out") if m.others_ignored else _("read by their own names (a column named after a field feeds it)")
    print("  " + _("Other columns: {others}").format(others=others))


def cmd_mappings(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    user = store.users.resolve(args.user, warm=True)  # released when the command ends
    adopt_user_language(args, user)
    store.entities.check(args.entity)
    if args.action == "save":
        draft = ColumnMapping(name=args.name, others_ignored=args.ignore_others)
        # Neither --public nor --private: a mapping saved over stays as it was (the service's rule); a new one private.
        public = True if args.public else (False if args.private else None)
        saved = mappings_service.save_mapping(
            store, draft.with_options(tuple(args.map), tuple(args.join)), user=user, public=public
        )
        entry = mappings_service.mapping_entry(store, saved.name or "", user=user)
        visibility = _("public") if entry.public else _("private")
        print(
            _("Saved mapping “{name}” ({visibility}): {sizes}.").format(
                name=shown(entry.name), visibility=visibility, sizes=_sizes(saved)
            )
        )
        print(_("Use it with: custbook import FILE --mapping {name}").format(name=shlex.quote(entry.name)))
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
    print(_("Deleted mapping “{name}”.").format(name=shown(deleted)))
    return 0
