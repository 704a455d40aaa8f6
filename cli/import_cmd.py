"""`custbook import`: read, plan, preview (dry run) or commit, report; JSON and exit codes as cli.md says.
With --offline the file is checked and queued as a job for the worker (`custbook jobs run`); with --email the
results are e-mailed (after an immediate import here, after a queued one by the worker).

Exit codes: 0 every row went through (or would, or was queued), 1 some rows failed or the file was rejected,
2 wrong usage, 3 permission denied, 4 store busy or unreadable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from core.errors import Conflict, CustbookError, FileRejected, StoreBusy, UsageError
from core.plan import HIDDEN, FieldChange, ImportPlan, Policy
from core.table import Issue
from core.values import DateFormat, ParseOptions, format_value
from formats.reader import configured_max_bytes, parse_size, read_bytes, read_file
from services.imports import file_bytes
from store import entities as entities_store
from store import users as users_store
from store.apply import apply_plan
from store.db import Store
from store.jobs import JobOptions, rejected_summary, submit_job
from store.planner import plan_import

SHOWN_ERRORS = 20
SHOWN_CHANGES = 15
# Imports committed by other programs between this one's planning and its write: how many times to plan again.
STALE_PLAN_RETRIES = 5


def _rejected(exc: CustbookError) -> dict[str, object]:
    return rejected_summary(str(exc))


def _describe(issue: Issue, names: Mapping[str, str]) -> str:
    where = f"Row {issue.row}" if issue.row else "File"
    if issue.column:
        where += f", {names.get(issue.column, issue.column)}"  # as the file heads it
    value = f" ('{issue.value}')" if issue.value else ""
    return f"{where}{value}: {issue.message}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _report(plan: ImportPlan, status: str, batch: str | None) -> None:
    """The summary goes to standard output; the rows' errors and warnings to standard error."""
    head = {
        "committed": f"Committed as batch {batch}",
        "dry-run": "Preview only, nothing changed",
        "rejected": "Nothing was changed (--strict, and some rows fail)",
    }.get(status, status)
    if status == "committed" and batch is None:
        head = "Nothing was committed" if plan.failed else "Nothing to change"
    print(
        f"{head}: {_plural(plan.rows, 'row')}: {plan.created:,} new, {plan.updated:,} updated "
        f"({_plural(plan.blanked, 'field')} erased), {plan.unchanged:,} unchanged, {plan.failed:,} failed.",
        flush=True,  # before the errors on standard error, also when both go to one log file
    )
    if status == "dry-run":
        _details(plan)
    for issue in plan.errors[:SHOWN_ERRORS]:
        print("  " + _describe(issue, plan.column_names), file=sys.stderr)
    if len(plan.errors) > SHOWN_ERRORS:
        more = len(plan.errors) - SHOWN_ERRORS
        print(
            f"  ... and {_plural(more, 'more error')} (save the failed rows with --errors-out FILE).", file=sys.stderr
        )
    for issue in plan.warnings[:SHOWN_ERRORS]:
        print("  Warning: " + _describe(issue, plan.column_names), file=sys.stderr)
    if len(plan.warnings) > SHOWN_ERRORS:
        print(f"  ... and {_plural(len(plan.warnings) - SHOWN_ERRORS, 'more warning')}.", file=sys.stderr)


def _show(value: object) -> str:
    text = "(empty)" if value is None else format_value(value)  # type: ignore[arg-type]
    text = text.replace("\r", " ").replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def _old(plan: ImportPlan, change: FieldChange) -> str:
    return _show(change.old) if plan.shows_old else HIDDEN


def _details(plan: ImportPlan) -> None:
    """What the preview will do, field by field (the first lines of each kind; the interface shows them all)."""
    names = plan.column_names
    if plan.blanks:
        print(f"Fields that will be ERASED ({plan.blanked:,}):")
        for record, change in plan.blanks[:SHOWN_CHANGES]:
            print(f"  row {record.row:<6} {record.customer_id:<20} {names.get(change.field, change.field):<18} "
                  f"{_old(plan, change)} -> (empty)")  # fmt: skip
        if plan.blanked > SHOWN_CHANGES:
            print(f"  ... and {plan.blanked - SHOWN_CHANGES:,} more")
    changes = [(r, c) for r in plan.updates for c in r.changes if not c.blanked]
    if changes:
        print(f"Changed fields ({len(changes):,}):")
        for record, change in changes[:SHOWN_CHANGES]:
            print(
                f"  row {record.row:<6} {record.customer_id:<20} {names.get(change.field, change.field):<18} "
                f"{_old(plan, change)} -> {_show(change.new)}"
            )
        if len(changes) > SHOWN_CHANGES:
            print(f"  ... and {len(changes) - SHOWN_CHANGES:,} more")
    if plan.creates:
        print(f"New customers ({plan.created:,}):")
        for record in plan.creates[:SHOWN_CHANGES]:
            name = next((c.new for c in record.changes if c.field == "NAME"), None)
            print(f"  row {record.row:<6} {record.customer_id:<20} {_show(name)}")
        if plan.created > SHOWN_CHANGES:
            print(f"  ... and {plan.created - SHOWN_CHANGES:,} more")


def cmd_import(args: argparse.Namespace) -> int:
    try:
        return _import(args)
    except CustbookError as exc:
        # Scripts reading --json always get one object, whatever went wrong; the sentence still goes to stderr.
        if args.json and not isinstance(exc, FileRejected):
            print(json.dumps(_rejected(exc), ensure_ascii=False))
        raise


def _import(args: argparse.Namespace) -> int:
    if args.max_rows <= 0:
        raise UsageError("--max-rows must be a positive number", "For example --max-rows 50000")
    # Everything bound for an e-mail header is checked before anything else happens (exit 2, nothing queued).
    # The mail modules load only when mail is asked for: smtplib and email cost a plain import 0.05 s.
    addresses: tuple[str, ...] = ()
    if args.email is not None or args.offline:
        from services.mail import parse_addresses

        addresses = parse_addresses(args.email) if args.email is not None else ()
    if args.email_each and not addresses:
        raise UsageError("--email-each needs the addresses", "Add --email 'ana@example.com; bob@example.com'")
    if args.offline and args.dry_run:
        raise UsageError("A dry run cannot be queued: its preview is shown at once", "Run it without --offline")
    if args.offline and args.errors_out:
        raise UsageError(
            "--errors-out saves the failed rows of an immediate import",
            "For a queued import, save them once it has run: custbook jobs show ID --errors-out PATH",
        )
    if args.offline or addresses:
        from services.mail import check_header_text

        check_header_text(Path(args.file).name, "The file name")
    options = ParseOptions(date_format=DateFormat.parse(args.date_format))
    max_bytes = parse_size(args.max_bytes) if args.max_bytes else configured_max_bytes()
    store = Store(args.db)
    user = users_store.resolve_user(store, args.user, warm=True)  # released when the command ends
    user.require_any((users_store.Permission.ADD, users_store.Permission.EDIT), "import customers")
    entities_store.check_entity(store, args.entity)
    policy = Policy.STRICT if args.strict else Policy.SKIP_FAILED
    try:
        if args.offline:
            job_options = JobOptions(options.date_format, args.encoding, policy, args.max_rows)
            return _queue(args, store, user, job_options, max_bytes, addresses)
        raw = read_file(args.file, encoding=args.encoding, max_rows=args.max_rows, max_bytes=max_bytes)
        options = ParseOptions.for_file(options.date_format, raw.delimiter)
        plan = plan_import(store, raw, user=user, entity=args.entity, options=options, policy=policy)
    except FileRejected as exc:
        if args.json:
            print(json.dumps(_rejected(exc), ensure_ascii=False))
        print(f"custbook: {exc}", file=sys.stderr)
        if addresses:
            _email(args, addresses, _rejected(exc), Path(args.file).name, None)
        return 1
    if args.dry_run or (policy is Policy.STRICT and plan.failed):
        status = "rejected" if (policy is Policy.STRICT and plan.failed) else "dry-run"
        batch = None
    else:
        plan, batch = _commit(store, plan, user)
        status = "rejected" if (policy is Policy.STRICT and plan.failed) else "committed"
    if args.errors_out:
        _save_failed(plan, Path(args.errors_out))
    summary = plan.summary(status, batch)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, default=str))
    else:
        _report(plan, status, batch)
    if addresses:
        failed_csv = plan.failed_rows_file() if plan.failed else None
        _email(args, addresses, summary, plan.file_name, failed_csv, plan.column_names)
    return 1 if plan.failed else 0


def _commit(store: Store, plan: ImportPlan, user: users_store.User) -> tuple[ImportPlan, str | None]:
    """Apply the plan; the plan applied and its batch.

    Another program (a second import, a worker, an interface's save) may commit between this import's planning and
    its write, and apply then refuses the stale plan. Nobody has seen this plan (unlike the interface's preview), so
    it is made again against the store as it now is, as if this import had started after the other one: both files
    go through and neither overwrites the other's changes."""
    for attempt in range(1, STALE_PLAN_RETRIES + 1):
        try:
            return plan, apply_plan(store, plan, user=user).batch
        except Conflict:
            if attempt == STALE_PLAN_RETRIES:
                raise StoreBusy(
                    "The store kept being changed by other programs while this import was being written, so "
                    "nothing was written",
                    "Try again in a moment",
                ) from None
        plan = plan_import(store, plan.raw, user=user, entity=plan.entity, options=plan.options, policy=plan.policy)
    raise AssertionError("unreachable")


def _queue(
    args: argparse.Namespace,
    store: Store,
    user: users_store.User,
    options: JobOptions,
    max_bytes: int,
    addresses: tuple[str, ...],
) -> int:
    """Check the file now (a file that cannot be read is rejected at once), then queue it for the worker."""
    path = Path(args.file)
    data = file_bytes(path, max_bytes)
    raw = read_bytes(
        data, name=path.name or str(path), encoding=options.encoding, max_rows=options.max_rows, max_bytes=max_bytes
    )
    job = submit_job(
        store,
        data=data,
        file_name=raw.name,
        options=options,
        user=user,
        entity=args.entity,
        emails=addresses,
        email_each=args.email_each,
    )
    if args.json:
        summary = {
            "status": "queued", "batch": None, "job": job.id, "rows": 0, "created": 0, "updated": 0,
            "unchanged": 0, "blanked": 0, "failed": 0, "errors": [], "warnings": [],
        }  # fmt: skip
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"Queued as job {job.id}: the worker imports {raw.name} (custbook jobs run). "
            f"See it with: custbook jobs show {job.id}"
        )
    return 0


def _email(
    args: argparse.Namespace,
    addresses: tuple[str, ...],
    summary: Mapping[str, object],
    file_name: str,
    failed_csv: bytes | None,
    names: Mapping[str, str] | None = None,
) -> None:
    """E-mail the results of an immediate import. A failure is a warning: the import's outcome stands."""
    from services.mail import MailNotSent, send_results

    try:
        send_results(
            summary, file_name=file_name, failed_csv=failed_csv, addresses=addresses, each=args.email_each,
            env=os.environ, names=names,
        )  # fmt: skip
    except MailNotSent as exc:
        print(f"custbook: warning: the results were not e-mailed ({exc.reason}); the import is not affected.",
              file=sys.stderr)  # fmt: skip
        return
    print(f"E-mailed the results to {', '.join(addresses)}.", file=sys.stderr)


def _save_failed(plan: ImportPlan, path: Path) -> None:
    from formats.writer import replace_bytes

    if not plan.failed:
        return
    replace_bytes(path, plan.failed_rows_file())
    rows = "row" if plan.failed == 1 else "rows"
    print(f"Saved {plan.failed:,} failed {rows} to {path.resolve()}", file=sys.stderr)
