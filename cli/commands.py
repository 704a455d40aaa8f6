"""The sub-commands of `custbook` other than import: init, export, history, undo, users, entities, fields (and the
dispatch to those in modules of their own: views, mappings).

Each function takes the parsed arguments, calls the workflows of `services/` (export, undo) or `store/` for the
simple reads and writes, prints for people (or JSON for scripts) and returns the exit code. No SQL here and no
textual: this module is the script-facing face of the store.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cli.language import adopt_user_language
from core import users as core_users
from core.catalogue import FieldType
from core.errors import UsageError
from core.i18n import _, current_language, group_digits, ngettext
from core.names import shown
from core.values import DateFormat, format_value
from core.wording import stored_batch_name
from formats.writer import get_writer
from services.export import export_file, export_stream
from services.undo import UndoState, undo
from services.views import find_view
from store.opening import open_store
from store.records import Batch, from_canonical

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def _context(args: argparse.Namespace, *, create: bool = False) -> tuple[CustomerStore, core_users.User]:
    store = open_store(args.db, create=create)
    user = store.users.resolve(args.user, warm=True)  # released when the command ends
    adopt_user_language(args, user)
    store.entities.check(args.entity)
    return store, user


def cmd_init(args: argparse.Namespace) -> int:
    store, user = _context(args, create=True)
    added = 0
    if args.demo:
        if args.demo < 0:
            raise UsageError(_("--demo takes a number of customers, 0 or more"), _("For example: --demo 1000"))
        added = store.seed_demo(args.demo, user=user)
    total = store.customers.total()
    top = store.customers.total(include_entities=False)
    ready = ngettext(
        "Store {location} is ready: {count} customer", "Store {location} is ready: {count} customers", total
    ).format(location=store.location, count=group_digits(total))
    demo = ngettext("({count} demo customer added)", "({count} demo customers added)", added).format(
        count=group_digits(added)
    )
    if top == total:
        print(_("{ready} {demo}.").format(ready=ready, demo=demo))
        return 0
    # The list opens at the top level, which leaves out entities' own customers: say so, or 2,000 looks like 1,831.
    entities = ngettext(
        "{count} of them belong to entities, so the list at the top level shows {top}",
        "{count} of them belong to entities, so the list at the top level shows {top}",
        total - top,
    ).format(count=group_digits(total - top), top=group_digits(top))
    print(_("{ready} {demo}; {entities}.").format(ready=ready, demo=demo, entities=entities))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store, user = _context(args)
    writer = get_writer(_export_format(args.format, args.output))
    date_format = DateFormat.parse(args.date_format)
    view = find_view(store, user, args.view) if args.view else None
    if args.output and args.output != "-":  # "-" is standard output, as for most commands that write files
        done = export_file(
            store, Path(args.output), user=user, writer=writer, view=view, entity=args.entity, date_format=date_format
        )
        assert done.path is not None  # a file export always names its file
        path = done.path.resolve()
        if args.json:
            warnings = [done.note] if done.note else []
            _print_json({"path": str(path), "format": done.format, "rows": done.rows, "warnings": warnings})
        else:
            exported = ngettext(
                "Exported {count} customer to {path}", "Exported {count} customers to {path}", done.rows
            )
            print(exported.format(count=group_digits(done.rows), path=path), file=sys.stderr)
        if done.note:
            print("custbook: " + _("warning: {note}.").format(note=done.note), file=sys.stderr)
        return 0
    export_stream(store, sys.stdout.buffer, user=user, writer=writer, view=view, entity=args.entity,
                  date_format=date_format)  # fmt: skip
    sys.stdout.flush()
    return 0


def _export_format(given: str | None, output: str | None) -> str:
    """--format, else the -o file's extension (.xlsx, .docx, .pdf, .csv), else csv; a mismatch is refused."""
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    implied = suffix if suffix in ("xlsx", "docx", "pdf") else ("csv" if suffix == "csv" else None)
    if given is None:
        return implied or "csv"
    if (
        implied
        and implied != given.strip().lower()
        and not (implied == "csv" and given.strip().lower() in ("import-csv", "csv-semicolon"))
    ):
        raise UsageError(
            _("The file name {path} ends in .{suffix} but the format is {format}").format(
                path=output, suffix=suffix, format=given
            ),
            _("Use --format {format}, or a file name ending in the format's extension").format(format=implied),
        )
    return given


def cmd_history(args: argparse.Namespace) -> int:
    store, user = _context(args)
    user.require(core_users.Permission.LIST, _("see the history"))
    catalogue = store.fields.catalogue()

    def _show(field: str, value: str | None) -> str:
        # History keeps values as locale-free text ("true", "2024-03-05"); people read them as files write them.
        kind = catalogue[field].type if field in catalogue else FieldType.TEXT
        text = _("(empty)") if value is None else format_value(from_canonical(value, kind))
        text = text.replace("\r", " ").replace("\n", " ")
        return text if len(text) <= 40 else text[:39] + "…"

    if args.batch:
        batch, changes = store.history.batch(args.batch, user=user)
        if args.json:
            _print_json({"batch": batch.__dict__, "changes": [c.__dict__ for c in changes]})
            return 0
        print(_batch_line(batch))
        for c in changes:
            print(f"  {c.customer_id:<20} {c.field:<18} {_show(c.field, c.old)} -> {_show(c.field, c.new)}")
        return 0
    if args.customer:
        changes = store.history.of_customer(args.customer, user=user)
        if args.json:
            _print_json([c.__dict__ for c in changes])
            return 0
        if not changes:
            print(_("No recorded changes for customer {id}.").format(id=args.customer))
        for c in changes:
            when = c.at.strftime("%Y-%m-%d %H:%M") if c.at else ""
            old, new = _show(c.field, c.old), _show(c.field, c.new)
            print(f"{c.batch:<6} {when} {c.user or '':<12} {c.field:<18} {old} -> {new}")
        return 0
    batches = store.history.batches(user=user)
    if args.json:
        _print_json([b.__dict__ for b in batches])
        return 0
    if not batches:
        print(_("No imports or edits yet."))
    for b in batches:
        print(_batch_line(b))
    return 0


def _batch_line(b: Batch) -> str:
    # Counts grouped as custbook writes them elsewhere ("Exported 1,234 customers", the history screen's 19,900);
    # --json keeps plain numbers.
    # A file's name is whatever its author chose: a line break in it must not print a second, fake batch line.
    what = (
        _("undo of {batch}").format(batch=b.undoes)
        if b.kind == "undo"
        else (shown(stored_batch_name(b.file_name)) if b.file_name else b.kind)
    )
    if b.mapping:  # how the file's columns were read, for an import from another product
        what = _("{what} (mapping {mapping})").format(what=what, mapping=shown(b.mapping))
    if b.kind == "undo":
        restored = ngettext("{count} restored", "{count} restored", b.updated).format(count=group_digits(b.updated))
        removed = ngettext("{count} removed", "{count} removed", b.removed).format(count=group_digits(b.removed))
        counts = _("{restored}, {removed}").format(restored=restored, removed=removed)
        if b.created:  # the undo of an undo brings back the customers that undo removed
            back = ngettext("{count} brought back", "{count} brought back", b.created)
            back = back.format(count=group_digits(b.created))
            counts = _("{restored}, {removed}, {brought_back}").format(
                restored=restored, removed=removed, brought_back=back
            )
    else:
        counts = _("{created}, {updated}, {erased}, {failed}").format(
            created=ngettext("{count} created", "{count} created", b.created).format(count=group_digits(b.created)),
            updated=ngettext("{count} updated", "{count} updated", b.updated).format(count=group_digits(b.updated)),
            erased=ngettext("{count} erased", "{count} erased", b.blanked).format(count=group_digits(b.blanked)),
            failed=ngettext("{count} failed", "{count} failed", b.failed).format(count=group_digits(b.failed)),
        )
    line = _("{what}: {counts}").format(what=what, counts=counts)
    if b.undone_by:
        line += "  " + _("[undone by {batch}]").format(batch=b.undone_by)
    return f"{b.id:<6} {b.at:%Y-%m-%d %H:%M}  {b.user:<12} {line}"


def cmd_undo(args: argparse.Namespace) -> int:
    store, user = _context(args)
    done = undo(store, args.batch, user=user, entity=args.entity)
    if args.json:
        _print_json({"status": "undone", "batch": args.batch.upper(), "undo_batch": done.batch.id})
    else:
        # After an even number of undos the changes of the batch the chain is about are back, after an odd number
        # out again; a first undo needs no such note.
        said = {
            UndoState.OUT: _("Undid batch {undid} (recorded as {batch})."),
            UndoState.BACK: _("Undid batch {undid} (recorded as {batch}): the changes of {about} are back."),
            UndoState.OUT_AGAIN: _("Undid batch {undid} (recorded as {batch}): the changes of {about} are out again."),
        }[done.state]
        print(said.format(undid=done.undid, batch=done.batch.id, about=done.about))
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    if args.action == "add":
        # In a new store the first user (the acting one) becomes the administrator, then adds the others.
        acting = store.users.resolve(args.user)
        adopt_user_language(args, acting)
        existing = {u.name.lower(): u for u in store.users.list()}.get(args.name.strip().lower())
        # What is not given stays as it is: changing a user's permissions must not quietly change their type.
        utype = core_users.parse_type(args.type) if args.type else (existing.type if existing else None)
        # --perms "" is asked for: no permission at all (a user kept for the history but not let in), not the default.
        given = args.perms is not None
        perms = core_users.parse_perms(args.perms) if given else (existing.perms if existing else None)
        entities = (
            core_users.parse_entities(args.entities)
            if args.entities is not None
            else (existing.entities if existing else None)
        )
        user = store.users.add(
            args.name,
            utype or core_users.UserType.BUSINESS,
            perms if perms is not None else frozenset({core_users.Permission.LIST}),
            by=acting,
            entities=entities,
        )
        shown = core_users.permissions_words(user.perms) or _("none")
        if user.entities is None:
            print(_("User {name}: {type}, permissions {permissions}.").format(
                name=user.name, type=core_users.type_word(user.type), permissions=shown
            ))  # fmt: skip
        else:
            print(_("User {name}: {type}, permissions {permissions}, entities {entities}.").format(
                name=user.name, type=core_users.type_word(user.type), permissions=shown,
                entities=",".join(sorted(user.entities)) or _("none"),
            ))  # fmt: skip
        return 0
    if args.action == "remove":
        acting = store.users.resolve(args.user)
        adopt_user_language(args, acting)
        removed = store.users.remove(args.name, by=acting)
        print(_("User {name} removed; the history keeps what they did.").format(name=removed))
        return 0
    # An unknown name sees no one's permissions (exit 3), as elsewhere.
    adopt_user_language(args, store.users.resolve(args.user))
    for u in store.users.list():
        granted = core_users.permissions_words(u.perms) or _("none")
        width = max(10, *(len(core_users.type_word(t)) for t in core_users.UserType))
        line = f"{u.name:<20} {core_users.type_word(u.type):<{width}} {granted}"
        if u.entities is not None:  # only a user limited to some entities says which (others see them all)
            line += "  " + _("entities {entities}").format(entities=",".join(sorted(u.entities)) or _("none"))
        print(line)
    return 0


def cmd_entities(args: argparse.Namespace) -> int:
    store, user = _context(args)
    if args.action == "add":
        entity = store.entities.add(args.id, args.name, by=user)
        print(_("Entity {id}: {name}.").format(id=entity.id, name=entity.name))
        return 0
    user.require(core_users.Permission.LIST, _("see the entities"))  # their names and IDs are the company's data
    for e in store.entities.list():
        print(f"{e.id:<20} {e.name}")
    return 0


def cmd_fields(args: argparse.Namespace) -> int:
    store, user = _context(args)
    if args.action == "add":
        values = tuple(v for v in args.values.split(",")) if args.values else ()
        field = store.fields.add(
            args.id, args.type, values=values, required=args.required, label=args.label,
            label_fr=args.label_fr, by=user,
        )  # fmt: skip
        print(_("Field {id} ({type}) added.").format(id=field.id, type=field.type.value))
        return 0
    for f in store.fields.catalogue().fields:
        kind = f.type.value + (f" ({', '.join(f.values)})" if f.values else "")
        notes = ", ".join(
            n for n, on in ((_("required"), f.required), (_("custom"), f.custom), (_("read-only"), not f.importable))
            if on
        )  # fmt: skip
        print(f"{f.id:<18} {f.label:<26} {f.label_fr:<32} {kind}" + (f"  [{notes}]" if notes else ""))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    store, user = _context(args)
    done = store.backup(args.path, user=user)
    if args.json:
        _print_json({"path": str(done.path.resolve()), "customers": done.customers, "bytes": done.size})
    else:
        backed = ngettext(
            "Backed up the store ({count} customer, {size} MB) to {path}",
            "Backed up the store ({count} customers, {size} MB) to {path}",
            done.customers,
        ).format(count=group_digits(done.customers), size=_megabytes(done.size), path=done.path.resolve())
        print(backed, file=sys.stderr)
    return 0


def _megabytes(size: int) -> str:
    """A size in megabytes with one decimal, as the language writes numbers: '1,234.5', or '1 234,5' in French."""
    text = f"{size / 1e6:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",") if current_language() == "fr" else text


def dispatch(args: argparse.Namespace) -> int:
    from cli.import_cmd import cmd_import
    from cli.mappings_cmd import cmd_mappings
    from cli.views_cmd import cmd_views

    table: dict[str, Callable[[argparse.Namespace], int]] = {
        "init": cmd_init,
        "import": cmd_import,
        "export": cmd_export,
        "history": cmd_history,
        "undo": cmd_undo,
        "users": cmd_users,
        "entities": cmd_entities,
        "fields": cmd_fields,
        "views": cmd_views,
        "mappings": cmd_mappings,
        "backup": cmd_backup,
    }
    return table[args.command](args)
