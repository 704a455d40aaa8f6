"""`custbook import`: read, plan, preview (dry run) or commit, report; JSON and exit codes as cli.md says.
With --offline the file is checked and queued as a job for the worker (`custbook jobs run`); with --email the
results are e-mailed (after an immediate import here, after a queued one by the worker).

Exit codes: 0 every row went through (or would, or was queued), 1 some rows failed or the file was rejected,
2 wrong usage, 3 permission denied, 4 store busy or unreadable.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cli.language import adopt_user_language
from core.errors import CustbookError, FileRejected, UsageError
from core.i18n import _, group_digits, ngettext
from core.keys import KeyOptions
from core.mapping import from_options, parse_join, parse_map
from core.plan import HIDDEN, Action, FieldChange, ImportOptions, ImportPlan, Policy, Status, rejected_summary
from core.table import configured_max_rows
from core.values import DateFormat, format_value
from core.wording import counts_line, describe_issue, field_counts_words, field_name, mapping_words
from formats.reader import parse_size
from services import imports
from services.ahead import read_ahead
from store.opening import open_store

if TYPE_CHECKING:
    from store.base import CustomerStore, ReadAhead

SHOWN_ERRORS = 20
SHOWN_CHANGES = 15


def _report(plan: ImportPlan, status: Status, batch: str | None) -> None:
    """The summary goes to standard output; the rows' errors and warnings to standard error."""
    head = {
        Status.COMMITTED: _("Committed as batch {batch}").format(batch=batch),
        Status.DRY_RUN: _("Preview only, nothing changed"),
        Status.REJECTED: _("Nothing was changed (--strict, and some rows fail)"),
    }.get(status, status.value)
    if status is Status.COMMITTED and batch is None:
        head = _("Nothing was committed") if plan.failed else _("Nothing to change")
    counts = counts_line({"status": status.value, **plan.counts()})  # as the user may be told them
    keyed = ""
    if plan.import_options.keys.generate:
        generated = len(plan.generated)
        keyed += ngettext("; {count} ID generated", "; {count} IDs generated", generated).format(
            count=group_digits(generated)
        )
    if plan.import_options.keys.match:
        matched = len(plan.matched)
        keyed += ngettext("; {count} found by {field}", "; {count} found by {field}", matched).format(
            count=group_digits(matched), field=plan.import_options.keys.match
        )
    print(
        _("{head}: {counts}{keyed}.").format(head=head, counts=counts, keyed=keyed),
        flush=True,  # before the errors on standard error, also when both go to one log file
    )
    if status is Status.DRY_RUN:
        _details(plan)
    for issue in plan.errors[:SHOWN_ERRORS]:
        print("  " + describe_issue(issue.as_json(), plan.column_names), file=sys.stderr)
    if len(plan.errors) > SHOWN_ERRORS:
        more = len(plan.errors) - SHOWN_ERRORS
        print("  " + ngettext(
            "... and {count} more error (save the failed rows with --errors-out FILE).",
            "... and {count} more errors (save the failed rows with --errors-out FILE).",
            more,
        ).format(count=group_digits(more)), file=sys.stderr)  # fmt: skip
    for issue in plan.warnings[:SHOWN_ERRORS]:
        issue_text = describe_issue(issue.as_json(), plan.column_names)
        print("  " + _("Warning: {issue}").format(issue=issue_text), file=sys.stderr)
    if len(plan.warnings) > SHOWN_ERRORS:
        more = len(plan.warnings) - SHOWN_ERRORS
        print("  " + ngettext("... and {count} more warning.", "... and {count} more warnings.", more).format(
            count=group_digits(more)
        ), file=sys.stderr)  # fmt: skip


def _more(count: int) -> str:
    """'  ... and 12 more', after the first lines of a list."""
    return "  " + ngettext("... and {count} more", "... and {count} more", count).format(count=group_digits(count))


def _row(row: int) -> str:
    """'row 14    ': a row number in the dry run's lists, padded so that the IDs after it line up."""
    return _("row {row}").format(row=f"{row:<6}")


def _show(value: object) -> str:
    text = _("(empty)") if value is None else format_value(value)  # type: ignore[arg-type]
    text = text.replace("\r", " ").replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def _old(plan: ImportPlan, change: FieldChange) -> str:
    return _show(change.old) if plan.shows_old else _(HIDDEN)


def _by_field(plan: ImportPlan) -> None:
    """The count of changes per field, first: the one table that shows "I cleared a whole column"."""
    counts = plan.told_field_counts
    if not counts:
        return
    print(_("Changes by field:"))
    names = {f: field_name(f, plan.labels, plan.column_names) for f in counts}
    width = min(60, max(len(n) for n in names.values()))
    for fid, c in counts.items():
        print(f"  {names[fid]:<{width}}  {field_counts_words(c.as_json())}")


def _keys(plan: ImportPlan) -> None:
    """Which rows got a generated ID, which found their customer by --match: the report cli.md asks for."""
    match = plan.import_options.keys.match
    titles = (
        (_("Generated IDs ({count}):"), plan.generated),
        (_("Matched by {field} ({count}):"), plan.matched),
    )
    for title, pairs in titles:
        if not pairs:
            continue
        print(title.format(count=group_digits(len(pairs)), field=match))
        for row, cid in pairs[:SHOWN_CHANGES]:
            print(f"  {_row(row)} {cid}")
        if len(pairs) > SHOWN_CHANGES:
            print(_more(len(pairs) - SHOWN_CHANGES))


def _details(plan: ImportPlan) -> None:
    """What the preview will do, field by field (the first lines of each kind; the interface shows them all)."""
    # The encoding and delimiter guessed.
    print(_("Read {file} as {source}.").format(file=plan.file_name, source=imports.describe_source(plan.raw)))
    if plan.raw.header_row != 1:
        print(_("The column names are on row {row}.").format(row=plan.raw.header_row))
    if plan.mapping:
        print(_("Columns read {how}.").format(how=mapping_words(plan.mapping)))
    _keys(plan)
    _by_field(plan)
    names = {f: field_name(f, plan.labels, plan.column_names) for f in plan.fields}
    if not plan.shows_old:
        _applied(plan)
    elif plan.blanks:
        print(_("Fields that will be ERASED ({count}):").format(count=group_digits(plan.blanked)))
        for record, change in plan.blanks[:SHOWN_CHANGES]:
            print(
                f"  {_row(record.row)} {record.customer_id:<20} {names.get(change.field, change.field):<18} "
                f"{_old(plan, change)} -> {_show(change.new)}"
            )  # fmt: skip (a blank checkbox: FALSE)
        if plan.blanked > SHOWN_CHANGES:
            print(_more(plan.blanked - SHOWN_CHANGES))
    changes = [(r, c) for r in plan.updates for c in r.changes if not c.blanked] if plan.shows_old else []
    if changes:
        print(_("Changed fields ({count}):").format(count=group_digits(len(changes))))
        for record, change in changes[:SHOWN_CHANGES]:
            print(
                f"  {_row(record.row)} {record.customer_id:<20} {names.get(change.field, change.field):<18} "
                f"{_old(plan, change)} -> {_show(change.new)}"
            )
        if len(changes) > SHOWN_CHANGES:
            print(_more(len(changes) - SHOWN_CHANGES))
    if plan.creates:
        print(_("New customers ({count}):").format(count=group_digits(plan.created)))
        for record in plan.creates[:SHOWN_CHANGES]:
            name = next((c.new for c in record.changes if c.field == "NAME"), None)
            print(f"  {_row(record.row)} {record.customer_id:<20} {_show(name)}")
        if plan.created > SHOWN_CHANGES:
            print(_more(plan.created - SHOWN_CHANGES))


def _applied(plan: ImportPlan) -> None:
    """For a user without List, the rows written over stored customers, without telling which of them change
    anything (that would tell what the store holds)."""
    if not plan.applied:
        return
    print(_("Stored values are not shown, nor whether a row changes them (no List permission): each blank cell "
            "erases what the store holds."))  # fmt: skip
    print(_("Rows to apply to existing customers ({count}):").format(count=group_digits(plan.applied)))
    applied = [r for r in plan.records if r.action is not Action.CREATE]
    for record in applied[:SHOWN_CHANGES]:
        print(f"  {_row(record.row)} {record.customer_id}")
    if len(applied) > SHOWN_CHANGES:
        print(_more(len(applied) - SHOWN_CHANGES))


def cmd_import(args: argparse.Namespace) -> int:
    try:
        return _import(args)
    except CustbookError as exc:
        # Scripts reading --json always get one object, whatever went wrong; the sentence still goes to stderr.
        if args.json and not isinstance(exc, FileRejected):
            print(json.dumps(rejected_summary(str(exc)), ensure_ascii=False))
        raise


def _import(args: argparse.Namespace) -> int:
    if args.max_rows is not None and args.max_rows <= 0:
        raise UsageError(_("--max-rows must be a positive number"), _("For example --max-rows 50000"))
    max_rows = args.max_rows if args.max_rows is not None else configured_max_rows()
    # Everything bound for an e-mail header is checked before anything else happens (exit 2, nothing queued).
    # The mail modules load only when mail is asked for: smtplib and email cost a plain import 0.05 s.
    addresses: tuple[str, ...] = ()
    if args.email is not None or args.offline:
        from services.mail import parse_addresses

        addresses = parse_addresses(args.email) if args.email is not None else ()
    if args.email_each and not addresses:
        raise UsageError(_("--email-each needs the addresses"), _("Add --email 'ana@example.com; bob@example.com'"))
    if args.offline and args.dry_run:
        raise UsageError(_("A dry run cannot be queued: its preview is shown at once"), _("Run it without --offline"))
    if args.offline and args.errors_out:
        raise UsageError(
            _("--errors-out saves the failed rows of an immediate import"),
            _("For a queued import, save them once it has run: custbook jobs show ID --errors-out PATH"),
        )
    if args.offline or addresses:
        from services.mail import check_header_text

        check_header_text(Path(args.file).name, _("The file name"))
    if args.header_row is not None and args.header_row <= 0:
        raise UsageError(_("--header-row must be a row number"), _("For example --header-row 4"))
    if args.id_prefix is not None and not args.generate_ids:
        raise UsageError(_("--id-prefix says how generated IDs start"), _("Add --generate-ids"))
    maps, joins = tuple(args.map), tuple(args.join)
    defaults = []
    for text in args.default:
        name, sep, value = text.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(
                _("--default '{text}' should be written FIELD=VALUE").format(text=text),
                _("For example --default SEGMENT=SMB"),
            )
        defaults.append((name.strip(), value))
    for text in maps:
        parse_map(text)  # wrong syntax is wrong usage, told before the store is opened
    for text in joins:
        parse_join(text)
    options = ImportOptions(
        date_format=DateFormat.parse(args.date_format),
        encoding=args.encoding,
        policy=Policy.STRICT if args.strict else Policy.SKIP_FAILED,
        max_rows=max_rows,
        max_bytes=parse_size(args.max_bytes) if args.max_bytes else None,
        ignore_unknown=args.ignore_unknown,
        header_row=args.header_row,
        keys=KeyOptions(args.generate_ids, args.id_prefix, args.match),
        defaults=tuple(defaults),
    )
    store = open_store(args.db)
    source = Path(args.file)
    # The store starts reading the file's customers now (services.ahead), while this command checks the user and
    # reads the file. A mapping given by name is known only once the store is read: then it starts with the plan.
    early = None
    if not (args.offline or args.mapping is not None or maps or joins):
        early = read_ahead(store, source, options)
    try:
        return _import_into(args, store, source, options, addresses, early)
    finally:
        if early is not None:
            early.close()


def _import_into(
    args: argparse.Namespace,
    store: CustomerStore,
    source: Path,
    options: ImportOptions,
    addresses: tuple[str, ...],
    ahead: ReadAhead | None,
) -> int:
    maps, joins = tuple(args.map), tuple(args.join)
    errors_out = Path(args.errors_out) if args.errors_out else None
    if errors_out is not None:  # a wrong target is refused before anything is read or written
        imports.check_failed_rows_target(errors_out, store=store, source=source)
    user = store.users.resolve(args.user, warm=True)  # released when the command ends
    adopt_user_language(args, user)
    refusal = imports.import_refusal(user)
    if refusal is not None:
        raise refusal
    store.entities.check(args.entity)
    if args.mapping is not None or maps or joins:
        from services.mappings import find_mapping

        base = find_mapping(store, args.mapping, user=user) if args.mapping is not None else None
        options = replace(options, mapping=from_options(maps, joins, base))
    try:
        if args.offline:
            from services import jobs

            job = jobs.submit(
                store, source, user=user, entity=args.entity, options=options, emails=addresses,
                email_each=args.email_each,
            )  # fmt: skip
            _queued(args, job.id, job.file_name, options.mapping.label if options.mapping is not None else None)
            return 0
        outcome = imports.run(
            store, source, user=user, entity=args.entity, options=options, dry_run=args.dry_run, ahead=ahead
        )
    except FileRejected as exc:
        if args.json:
            rejected = rejected_summary(str(exc))
            if getattr(exc, "product", None):  # the built-in mapping the file fits (core.suggest.UnknownColumns)
                rejected["suggested_mapping"] = exc.product  # type: ignore[attr-defined]
            print(json.dumps(rejected, ensure_ascii=False))
        print(f"custbook: {exc}", file=sys.stderr)
        if addresses:
            _mailed(
                imports.email_summary(
                    rejected_summary(str(exc)),
                    file_name=source.name,
                    failed_csv=None,
                    addresses=addresses,
                    each=args.email_each,
                )
            )
        return 1
    plan = outcome.plan
    # The outcome is reported first: whatever happens to the failed rows or the e-mail, the import stands.
    if args.json:
        print(json.dumps(outcome.summary(), ensure_ascii=False, default=str), flush=True)
    else:
        _report(plan, outcome.status, outcome.batch)
    if errors_out is not None and outcome.failed_rows is not None:
        try:
            written = imports.save_failed_rows(outcome.failed_rows, errors_out, store=store, source=source)
        except CustbookError as exc:
            print(f"custbook: {exc}", file=sys.stderr)  # the outcome above stands; the failed rows were not saved
        else:
            saved = ngettext("Saved {count} failed row to {path}", "Saved {count} failed rows to {path}", plan.failed)
            print(saved.format(count=group_digits(plan.failed), path=written.resolve()), file=sys.stderr)
    if addresses:
        _mailed(imports.email_results(outcome, addresses, each=args.email_each))
    return 1 if plan.failed else 0


def _queued(args: argparse.Namespace, job: str, file_name: str, mapping: str | None = None) -> None:
    if args.json:
        summary: dict[str, object] = {
            "status": Status.QUEUED.value, "batch": None, "job": job, "rows": 0, "created": 0, "updated": 0,
            "unchanged": 0, "blanked": 0, "failed": 0, "errors": [], "warnings": [],
        }  # fmt: skip
        if mapping is not None:
            summary["mapping"] = mapping
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            _(
                "Queued as job {job}: the worker imports {file} (custbook jobs run). "
                "See it with: custbook jobs show {job}"
            ).format(job=job, file=file_name)
        )


def _mailed(result: imports.MailResult) -> None:
    """An e-mail that was not sent is a warning: the import's outcome stands."""
    if result.problem is not None:
        warning = _("warning: the results were not e-mailed ({problem}); the import is not affected.")
        print("custbook: " + warning.format(problem=result.problem), file=sys.stderr)
        return
    print(_("E-mailed the results to {addresses}.").format(addresses=", ".join(result.addresses)), file=sys.stderr)
