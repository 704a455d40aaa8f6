"""The import workflow, once for the command line, the interface and the job worker: read -> map columns ->
parse and validate -> plan -> commit (with the stale-plan retry) -> failed rows -> e-mail.

Each step is a function over plain arguments returning a frozen value; the callers only render them:
`cli/import_cmd.py` prints, `tui/screens/import_*.py` show, `services/jobs.py` stores. The rules that used to be
written by each caller live here once: who may import, how a file's kind sets its parse options, strict means
rejected (`ImportPlan.rejected`), where failed rows may be written, how results are e-mailed.

May import core, formats, store and services.mail/outputs; never textual, never the front ends.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import Conflict, CustbookError, PermissionDenied, StoreBusy
from core.i18n import N_, _, group_digits, ngettext
from core.plan import ImportOptions, ImportPlan, Status
from core.table import RawTable
from core.users import Permission, User
from core.values import DateFormat, ParseOptions
from formats.reader import configured_max_bytes, read_bytes, read_file
from services.ahead import read_ahead
from services.outputs import check_output
from services.planning import plan_import

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore, ReadAhead

# Imports committed by other programs between this one's planning and its write: how many times to plan again.
STALE_PLAN_RETRIES = 5

# (value for the reader's `encoding`, what the user reads); "auto" detects. Names `resolve_encoding` accepts. The
# labels are marked for translation: show them with `_(label)`.
ENCODINGS: tuple[tuple[str, str], ...] = (
    ("auto", N_("Automatic (detect)")),
    ("utf-8", "UTF-8"),
    ("utf-16", N_("UTF-16 (Excel Unicode text)")),
    ("cp1252", "Windows-1252"),
    ("iso-8859-1", "ISO-8859-1"),
    ("iso-8859-15", "ISO-8859-15"),
    ("mac-roman", "Mac Roman"),
)


def byte_limit(options: ImportOptions) -> int:
    """The largest file the options accept: theirs, else the configured limit (CUSTBOOK_MAX_BYTES, else 200 MB)."""
    return configured_max_bytes() if options.max_bytes is None else options.max_bytes


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did (or would do): its status, the plan it used, and the batch it wrote."""

    status: Status
    plan: ImportPlan
    batch: str | None = None

    @property
    def failed_rows(self) -> bytes | None:
        """The failed rows as a CSV to fix and import again, or None when every row passed."""
        return self.plan.failed_rows_file() if self.plan.failed else None

    def summary(self, job: str | None = None) -> dict[str, object]:
        """The JSON object of cli.md, also what a job keeps and an e-mail reports."""
        return self.plan.summary(self.status, self.batch, job)


# --- who may import, and how to read -----------------------------------------------------------------------


def import_refusal(user: User) -> PermissionDenied | None:
    """Why `user` may not import at all (neither Add nor Edit), or None. A user with one of them may: rows needing
    the other permission fail one by one, as row errors."""
    try:
        user.require_any((Permission.ADD, Permission.EDIT), _("import customers"))
    except PermissionDenied as exc:
        return exc
    return None


def parse_options(date_format: DateFormat, raw: RawTable) -> ParseOptions:
    """How to parse the cells of `raw`: semicolon files come from locales that write decimals with a comma
    (`1 234,50`); xlsx dates arrive as ISO text (the reader sets no delimiter for a workbook)."""
    return ParseOptions.for_file(date_format, raw.delimiter)


def describe_source(raw: RawTable) -> str:
    """'UTF-8, semicolon-delimited (decimal commas), 120 rows' or 'Excel workbook, 120 rows'."""
    rows = ngettext("{count} row", "{count} rows", len(raw.rows)).format(count=group_digits(len(raw.rows)))
    if raw.delimiter is None:
        return _("Excel workbook, {rows}").format(rows=rows)
    names = {",": _("comma"), ";": _("semicolon"), "\t": _("tab"), "|": _("vertical bar")}
    delimiter = names.get(raw.delimiter, repr(raw.delimiter))
    described = (
        _("{encoding}, {delimiter}-delimited (decimal commas), {rows}")
        if raw.delimiter == ";"
        else _("{encoding}, {delimiter}-delimited, {rows}")
    )
    return described.format(encoding=raw.encoding or _("text"), delimiter=delimiter, rows=rows)


def read_source(path: Path, options: ImportOptions) -> RawTable:
    """The first stage: the file at `path` as a table (a FileRejected says in words what is wrong with it)."""
    return read_file(path, encoding=options.encoding, max_rows=options.max_rows, max_bytes=byte_limit(options))


def file_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes, for a job; the problems `read_file` names in words (missing, folder, too big) alike."""
    limit = configured_max_bytes() if max_bytes is None else max_bytes
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            read_file(path, max_bytes=limit)  # raises the "too big" rejection without reading the file
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except OSError:
        read_file(path, max_bytes=limit)  # raises the FileRejected that says what is wrong with the path
        raise


def file_size(path: Path) -> int | None:
    """The size of a regular file, known before reading it; None for a pipe, a device or a path that fails (the
    reading says what is wrong with it)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def read_queued(data: bytes, name: str, options: ImportOptions) -> RawTable:
    """A queued file's bytes as a table, read with the options' limits (for a job, services.settings.Ceilings
    lowers them to the store's ceilings)."""
    return read_bytes(
        data, name=name, encoding=options.encoding, max_rows=options.max_rows, max_bytes=byte_limit(options)
    )


# --- plan and commit ----------------------------------------------------------------------------------------


def plan(
    store: CustomerStore,
    raw: RawTable,
    *,
    user: User,
    entity: str | None,
    options: ImportOptions,
    ahead: ReadAhead | None = None,
) -> ImportPlan:
    """Map, parse, validate and diff `raw` against the store, changing nothing: the plan the preview shows and
    the commit applies. `ahead`: its stored rows read while the file was (`services.ahead.read_ahead`)."""
    return plan_import(
        store, raw, user=user, entity=entity, options=parse_options(options.date_format, raw), policy=options.policy,
        request=options, ahead=ahead,
    )  # fmt: skip


def replan(store: CustomerStore, old: ImportPlan, *, user: User) -> ImportPlan:
    """The same file and options planned again against the store as it is now."""
    return plan_import(
        store, old.raw, user=user, entity=old.entity, options=old.options, policy=old.policy,
        request=old.import_options,
    )  # fmt: skip


def preview(planned: ImportPlan) -> ImportOutcome:
    """A dry run's outcome: nothing written; rejected when --strict meets failing rows, as a commit would be."""
    return ImportOutcome(Status.REJECTED if planned.rejected else Status.DRY_RUN, planned)


def commit(store: CustomerStore, planned: ImportPlan, *, user: User, replan_if_stale: bool = True) -> ImportOutcome:
    """Write the plan in one transaction (nothing for a rejected plan or one with nothing to change).

    Another program (a second import, a worker, an interface's save) may commit between this import's planning
    and its write; apply then refuses the stale plan (Conflict). With `replan_if_stale` (nobody has seen the
    plan: the command line, the worker) it is made again against the store as it now is, as if this import had
    started after the other one, so both files go through and neither overwrites the other's changes. Without it
    (the interface, whose user saw the preview) the Conflict reaches the caller, which previews again."""
    if planned.rejected:
        return ImportOutcome(Status.REJECTED, planned)
    for attempt in range(1, STALE_PLAN_RETRIES + 1):
        try:
            return ImportOutcome(Status.COMMITTED, planned, store.history.apply(planned, user=user).batch)
        except Conflict:
            if not replan_if_stale:
                raise
            if attempt == STALE_PLAN_RETRIES:
                raise StoreBusy(
                    _(
                        "The store kept being changed by other programs while this import was being written, so "
                        "nothing was written"
                    ),
                    _("Try again in a moment"),
                ) from None
        planned = replan(store, planned, user=user)
        if planned.rejected:
            return ImportOutcome(Status.REJECTED, planned)
    raise AssertionError("unreachable")


def run(
    store: CustomerStore,
    path: Path,
    *,
    user: User,
    entity: str | None,
    options: ImportOptions,
    dry_run: bool = False,
    ahead: ReadAhead | None = None,
) -> ImportOutcome:
    """An immediate import from the command line: read, plan, then preview or commit. `ahead`: the file's customers
    being read already (`read_ahead`, started by the caller with these options); else they are read from now."""
    mine = read_ahead(store, path, options) if ahead is None else None  # read while Python reads the file
    try:
        planned = plan(
            store, read_source(path, options), user=user, entity=entity, options=options, ahead=ahead or mine
        )
    finally:
        for started in (ahead, mine):
            if started is not None:
                started.close()  # before the commit writes the store
    return preview(planned) if dry_run else commit(store, planned, user=user)


# --- after the commit: failed rows and e-mail -----------------------------------------------------------------


def failed_rows_path(source: Path) -> Path:
    """Where the failed rows of `source` go unless the user says otherwise: `<stem>-failed-rows.csv` beside it."""
    return source.with_name(_("{name}-failed-rows.csv").format(name=source.stem))


def check_failed_rows_target(target: Path, *, store: CustomerStore, source: Path | None) -> None:
    """Refuse (exit 2) a target for failed rows that is the store, its log, or the file being imported: checked
    before the import runs, so that a refused target changes nothing."""
    check_output(target, what=_("the failed rows"), store_files=store.files, inputs=() if source is None else (source,))


def save_failed_rows(failed_csv: bytes, target: Path, *, store: CustomerStore, source: Path | None = None) -> Path:
    """Write failed rows (original columns plus the error column) to `target`, whole or not at all; never over
    the store or the file being imported."""
    from formats.writer import replace_bytes

    check_failed_rows_target(target, store=store, source=source)
    try:
        return replace_bytes(target, failed_csv)
    except OSError as exc:
        raise CustbookError(
            _("The failed rows could not be saved to {path} ({reason})").format(
                path=target, reason=exc.strerror or exc
            ),
            _("Choose a folder of yours and try again"),
        ) from None


@dataclass(frozen=True)
class MailResult:
    """Whether the results were e-mailed; `problem` says why not. Never an error: the import stands."""

    addresses: tuple[str, ...]
    problem: str | None = None

    @property
    def sent(self) -> bool:
        return self.problem is None


def email_summary(
    summary: Mapping[str, object],
    *,
    file_name: str,
    failed_csv: bytes | None,
    addresses: tuple[str, ...],
    each: bool = False,
    names: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> MailResult:
    """E-mail an import's summary (immediate or queued); a mail server that is down or refuses is a result."""
    from services.mail import MailNotSent, send_results

    try:
        send_results(
            summary, file_name=file_name, failed_csv=failed_csv, addresses=addresses, each=each,
            env=os.environ if env is None else env, names=names,
        )  # fmt: skip
    except MailNotSent as exc:
        return MailResult(addresses, exc.reason)
    return MailResult(addresses)


def email_results(
    outcome: ImportOutcome,
    addresses: tuple[str, ...],
    *,
    each: bool = False,
    env: Mapping[str, str] | None = None,
) -> MailResult:
    """E-mail the results of an immediate import."""
    return email_summary(
        outcome.summary(), file_name=outcome.plan.file_name, failed_csv=outcome.failed_rows, addresses=addresses,
        each=each, names=outcome.plan.column_names, env=env,
    )  # fmt: skip
