"""`custbook import`: read, plan, preview (dry run) or commit, report; JSON and exit codes as cli.md says.

Exit codes: 0 every row went through (or would, or was queued), 1 some rows failed or the file was rejected,
2 wrong usage, 3 permission denied, 4 store busy or unreadable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from formats.errors import CustbookError, FileRejected, UsageError
from formats.failed_rows import failed_rows_csv
from formats.plan import ImportPlan, Policy
from formats.reader import read_file
from formats.table import Issue
from formats.values import DateFormat, ParseOptions
from store import entities as entities_store
from store import users as users_store
from store.apply import apply_plan
from store.db import Store
from store.planner import plan_import

SHOWN_ERRORS = 20


def _rejected(exc: CustbookError) -> dict[str, object]:
    return {
        "status": "rejected", "batch": None, "job": None, "rows": 0, "created": 0, "updated": 0,
        "unchanged": 0, "blanked": 0, "failed": 0,
        "errors": [Issue(None, None, None, str(exc)).as_json()], "warnings": [],
    }  # fmt: skip


def _describe(issue: Issue) -> str:
    where = f"Row {issue.row}" if issue.row else "File"
    if issue.column:
        where += f", {issue.column}"
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
        f"({_plural(plan.blanked, 'field')} erased), {plan.unchanged:,} unchanged, {plan.failed:,} failed."
    )
    for issue in plan.errors[:SHOWN_ERRORS]:
        print("  " + _describe(issue), file=sys.stderr)
    if len(plan.errors) > SHOWN_ERRORS:
        more = len(plan.errors) - SHOWN_ERRORS
        print(
            f"  ... and {_plural(more, 'more error')} (save the failed rows with --errors-out FILE).", file=sys.stderr
        )
    for issue in plan.warnings[:SHOWN_ERRORS]:
        print("  Warning: " + _describe(issue), file=sys.stderr)
    if len(plan.warnings) > SHOWN_ERRORS:
        print(f"  ... and {_plural(len(plan.warnings) - SHOWN_ERRORS, 'more warning')}.", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    try:
        return _import(args)
    except CustbookError as exc:
        # Scripts reading --json always get one object, whatever went wrong; the sentence still goes to stderr.
        if args.json and not isinstance(exc, FileRejected):
            print(json.dumps(_rejected(exc), ensure_ascii=False))
        raise


def _import(args: argparse.Namespace) -> int:
    if args.offline or args.email:
        raise UsageError(
            "Offline imports and e-mailed results are not available in this version yet",
            "Run the import without --offline and --email",
        )
    if args.max_rows <= 0:
        raise UsageError("--max-rows must be a positive number", "For example --max-rows 50000")
    options = ParseOptions(date_format=DateFormat.parse(args.date_format))
    store = Store(args.db)
    user = users_store.resolve_user(store, args.user)
    if not (user.can(users_store.Permission.ADD) or user.can(users_store.Permission.EDIT)):
        user.require(users_store.Permission.ADD, "import customers")
    entities_store.check_entity(store, args.entity)
    policy = Policy.STRICT if args.strict else Policy.SKIP_FAILED
    try:
        raw = read_file(args.file, encoding=args.encoding, max_rows=args.max_rows)
        # Semicolon files come from locales that write decimals with a comma; xlsx dates arrive as ISO text.
        options = ParseOptions(
            date_format=options.date_format, decimal_comma=raw.delimiter == ";", iso_dates=raw.delimiter is None
        )
        plan = plan_import(store, raw, user=user, entity=args.entity, options=options, policy=policy)
    except FileRejected as exc:
        if args.json:
            print(json.dumps(_rejected(exc), ensure_ascii=False))
        print(f"custbook: {exc}", file=sys.stderr)
        return 1
    if args.errors_out:
        _save_failed(plan, Path(args.errors_out))
    if args.dry_run or (policy is Policy.STRICT and plan.failed):
        status = "rejected" if (policy is Policy.STRICT and plan.failed) else "dry-run"
        batch = None
    else:
        status = "committed"
        batch = apply_plan(store, plan, user=user).batch
    if args.json:
        print(json.dumps(plan.summary(status, batch), ensure_ascii=False, default=str))
    else:
        _report(plan, status, batch)
    return 1 if plan.failed else 0


def _save_failed(plan: ImportPlan, path: Path) -> None:
    from formats.writer import replace_bytes

    if not plan.failed:
        return
    replace_bytes(path, failed_rows_csv(plan.raw, plan.errors, plan.failed_rows))
    print(f"Saved {plan.failed:,} failed rows to {path.resolve()}", file=sys.stderr)
