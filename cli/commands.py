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

from core import users as core_users
from core.catalogue import FieldType
from core.errors import UsageError
from core.names import shown
from core.values import DateFormat, format_value
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


def _context(args: argparse.Namespace) -> tuple[CustomerStore, core_users.User]:
    store = open_store(args.db)
    user = store.users.resolve(args.user, warm=True)  # released when the command ends
    store.entities.check(args.entity)
    return store, user


def cmd_init(args: argparse.Namespace) -> int:
    store, user = _context(args)
    added = 0
    if args.demo:
        if args.demo < 0:
            raise UsageError("--demo takes a number of customers, 0 or more", "For example: --demo 1000")
        added = store.seed_demo(args.demo, user=user)
    total = store.customers.total()
    top = store.customers.total(include_entities=False)
    # The list opens at the top level, which leaves out entities' own customers: say so, or 2,000 looks like 1,831.
    entities = (
        f"; {total - top:,} of them belong to entities, so the list at the top level shows {top:,}"
        if top != total
        else ""
    )
    print(f"Store {store.location} is ready: {total:,} customers ({added:,} demo customers added){entities}.")
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
            print(f"Exported {done.rows:,} customers to {path}", file=sys.stderr)
        if done.note:
            print(f"custbook: warning: {done.note}.", file=sys.stderr)
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
            f"The file name {output} ends in .{suffix} but the format is {given}",
            f"Use --format {implied}, or a file name ending in the format's extension",
        )
    return given


def cmd_history(args: argparse.Namespace) -> int:
    store, user = _context(args)
    user.require(core_users.Permission.LIST, "see the history")
    catalogue = store.fields.catalogue()

    def _show(field: str, value: str | None) -> str:
        # History keeps values as locale-free text ("true", "2024-03-05"); people read them as files write them.
        kind = catalogue[field].type if field in catalogue else FieldType.TEXT
        text = "(empty)" if value is None else format_value(from_canonical(value, kind))
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
            print(f"No recorded changes for customer {args.customer}.")
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
        print("No imports or edits yet.")
    for b in batches:
        print(_batch_line(b))
    return 0


def _batch_line(b: Batch) -> str:
    # A file's name is whatever its author chose: a line break in it must not print a second, fake batch line.
    what = f"undo of {b.undoes}" if b.kind == "undo" else (shown(b.file_name) if b.file_name else b.kind)
    if b.mapping:  # how the file's columns were read, for an import from another product
        what += f" (mapping {shown(b.mapping)})"
    counts = f"{b.created} created, {b.updated} updated, {b.blanked} erased, {b.failed} failed"
    if b.kind == "undo":
        counts = f"{b.updated} restored, {b.removed} removed"
        if b.created:  # the undo of an undo brings back the customers that undo removed
            counts += f", {b.created} brought back"
    undone = f"  [undone by {b.undone_by}]" if b.undone_by else ""
    return f"{b.id:<6} {b.at:%Y-%m-%d %H:%M}  {b.user:<12} {what}: {counts}{undone}"


def cmd_undo(args: argparse.Namespace) -> int:
    store, user = _context(args)
    done = undo(store, args.batch, user=user, entity=args.entity)
    if args.json:
        _print_json({"status": "undone", "batch": args.batch.upper(), "undo_batch": done.batch.id})
    else:
        # After an even number of undos the changes of the batch the chain is about are back, after an odd number
        # out again; a first undo needs no such note.
        state = {
            UndoState.OUT: "",
            UndoState.BACK: f": the changes of {done.about} are back",
            UndoState.OUT_AGAIN: f": the changes of {done.about} are out again",
        }[done.state]
        print(f"Undid batch {done.undid} (recorded as {done.batch.id}){state}.")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    if args.action == "add":
        # In a new store the first user (the acting one) becomes the administrator, then adds the others.
        acting = store.users.resolve(args.user)
        existing = {u.name.lower(): u for u in store.users.list()}.get(args.name.strip().lower())
        # What is not given stays as it is: changing a user's permissions must not quietly change their type.
        utype = core_users.parse_type(args.type) if args.type else (existing.type if existing else None)
        # --perms "" is asked for: no permission at all (a user kept for the history but not let in), not the default.
        given = args.perms is not None
        perms = core_users.parse_perms(args.perms) if given else (existing.perms if existing else None)
        user = store.users.add(
            args.name,
            utype or core_users.UserType.BUSINESS,
            perms if perms is not None else frozenset({core_users.Permission.LIST}),
            by=acting,
        )
        shown = ",".join(p.value for p in core_users.Permission if p in user.perms) or "none"
        print(f"User {user.name}: {user.type.value}, permissions {shown}.")
        return 0
    if args.action == "remove":
        removed = store.users.remove(args.name, by=store.users.resolve(args.user))
        print(f"User {removed} removed; the history keeps what they did.")
        return 0
    store.users.resolve(args.user)  # an unknown name sees no one's permissions (exit 3), as elsewhere
    for u in store.users.list():
        granted = ",".join(p.value for p in core_users.Permission if p in u.perms) or "none"
        print(f"{u.name:<20} {u.type.value:<10} {granted}")
    return 0


def cmd_entities(args: argparse.Namespace) -> int:
    store, user = _context(args)
    if args.action == "add":
        entity = store.entities.add(args.id, args.name, by=user)
        print(f"Entity {entity.id}: {entity.name}.")
        return 0
    user.require(core_users.Permission.LIST, "see the entities")  # their names and IDs are the company's data
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
        print(f"Field {field.id} ({field.type.value}) added.")
        return 0
    for f in store.fields.catalogue().fields:
        kind = f.type.value + (f" ({', '.join(f.values)})" if f.values else "")
        notes = ", ".join(
            n for n, on in (("required", f.required), ("custom", f.custom), ("read-only", not f.importable)) if on
        )
        print(f"{f.id:<18} {f.label:<26} {f.label_fr:<32} {kind}" + (f"  [{notes}]" if notes else ""))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    store, user = _context(args)
    done = store.backup(args.path, user=user)
    if args.json:
        _print_json({"path": str(done.path.resolve()), "customers": done.customers, "bytes": done.size})
    else:
        size = f"{done.size / 1e6:,.1f} MB"
        print(f"Backed up the store ({done.customers:,} customers, {size}) to {done.path.resolve()}", file=sys.stderr)
    return 0


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
