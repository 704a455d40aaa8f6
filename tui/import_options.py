"""The import's options and last steps as every front end does them: the parse options a file's kind implies, who
may import at all, the words that describe what was read, saving the failed rows and e-mailing the results.

Shared by `custbook import` and the interface's import screens so that both read a file, save its failed rows and
send its results the same way. No store access, no widgets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from core.errors import CustbookError, PermissionDenied
from core.plan import ImportPlan, Policy
from core.table import RawTable
from core.values import DateFormat, ParseOptions
from store.users import Permission, User

# (value for `read_file(encoding=...)`, what the user reads); "auto" detects. Names `resolve_encoding` accepts.
ENCODINGS: tuple[tuple[str, str], ...] = (
    ("auto", "Automatic (detect)"),
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16 (Excel Unicode text)"),
    ("cp1252", "Windows-1252"),
    ("iso-8859-1", "ISO-8859-1"),
    ("iso-8859-15", "ISO-8859-15"),
    ("mac-roman", "Mac Roman"),
)
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def parse_options(date_format: DateFormat, raw: RawTable) -> ParseOptions:
    """How to parse the cells of `raw`: semicolon files come from locales that write decimals with a comma
    (`1 234,50`); xlsx dates arrive as ISO text (the reader sets no delimiter for a workbook)."""
    return ParseOptions.for_file(date_format, raw.delimiter)


def import_refusal(user: User) -> PermissionDenied | None:
    """Why `user` may not import at all (neither Add nor Edit), or None. A user with one of them may: rows needing
    the other permission fail one by one, as row errors."""
    if user.can(Permission.ADD) or user.can(Permission.EDIT):
        return None
    try:
        user.require_any((Permission.ADD, Permission.EDIT), "import customers")
    except PermissionDenied as exc:
        return exc
    return None  # pragma: no cover - require() raised above


def describe_source(raw: RawTable) -> str:
    """'UTF-8, semicolon-delimited (decimal commas), 120 rows' or 'Excel workbook, 120 rows'."""
    rows = f"{len(raw.rows):,} row" + ("" if len(raw.rows) == 1 else "s")
    if raw.delimiter is None:
        return f"Excel workbook, {rows}"
    delimiter = _DELIMITERS.get(raw.delimiter, repr(raw.delimiter))
    comma = " (decimal commas)" if raw.delimiter == ";" else ""
    return f"{raw.encoding or 'text'}, {delimiter}-delimited{comma}, {rows}"


def failed_rows_path(source: Path) -> Path:
    """Where the failed rows of `source` go unless the user says otherwise: `<stem>-failed-rows.csv` beside it."""
    return source.with_name(f"{source.stem}-failed-rows.csv")


def save_failed_rows(plan: ImportPlan, target: Path, *, source: Path | None = None) -> Path:
    """Write the plan's failed rows (original columns plus the error column) to `target`, whole or not at all;
    never over `source`, the file being imported."""
    from formats.writer import replace_bytes

    if source is not None and _same_file(target, source):
        raise CustbookError(
            f"{target} is the file being imported: saving the failed rows there would replace it",
            "Choose another file name",
        )
    try:
        return replace_bytes(target, plan.failed_rows_file())
    except OSError as exc:
        raise CustbookError(
            f"The failed rows could not be saved to {target} ({exc.strerror or exc})",
            "Choose a folder of yours and try again",
        ) from None


def email_results(
    plan: ImportPlan, batch: str | None, addresses: tuple[str, ...], *, each: bool = False,
    env: Mapping[str, str] | None = None,
) -> None:  # fmt: skip
    """E-mail the results of an immediate import (raises `MailNotSent`, which is a warning: the import stands)."""
    from services.mail import send_results

    status = "rejected" if plan.policy is Policy.STRICT and plan.failed else "committed"
    failed_csv = plan.failed_rows_file() if plan.failed else None
    send_results(
        plan.summary(status, batch), file_name=plan.file_name, failed_csv=failed_csv, addresses=addresses,
        each=each, env=os.environ if env is None else env, names=plan.column_names,
    )  # fmt: skip


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.expanduser().resolve() == b.expanduser().resolve()
    except OSError:
        return False
