"""`custbook jobs`: list, show, run (the offline worker) and resend the results of queued imports: the arguments
and the text or JSON of each. The work itself (the worker loop, running a job, e-mailing its results, saving its
failed rows) is `services.jobs`. No SQL and no duckdb here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cli.language import adopt_user_language
from core import users as core_users
from core.errors import UsageError
from core.i18n import _, group_digits, ngettext
from core.names import shown
from core.wording import counts_line, describe_issue, job_state_word, mapping_words, outcome
from services import jobs
from services.jobs import field_labels
from services.mail import MailNotSent, failed_rows_name
from store.opening import open_store
from store.records import Job

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore

SHOWN_ERRORS = 20


def cmd_jobs(args: argparse.Namespace) -> int:
    actions = {"list": _list, "show": _show, "run": _run, "resend": _resend}
    return actions[args.action](args)


def _context(args: argparse.Namespace) -> tuple[CustomerStore, core_users.User]:
    store = open_store(args.db)
    user = store.users.resolve(args.user)
    adopt_user_language(args, user)
    store.entities.check(args.entity)
    return store, user


def _job_json(job: Job) -> dict[str, object]:
    return {
        "job": job.id, "state": job.state.value, "file": job.file_name, "size": job.file_size, "user": job.user,
        "entity": job.entity, "emails": list(job.emails), "email_each": job.email_each,
        "options": json.loads(job.options.to_json()), "created": job.created, "claimed_by": job.claimed_by,
        "attempts": job.attempts, "finished": job.finished, "batch": job.batch, "result": job.result,
        "failed_rows_bytes": job.failed_rows, "mail_status": job.mail_status,
    }  # fmt: skip


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def _line(job: Job) -> str:
    state = job_state_word(job.state.value)
    text = f"{job.id:<6} {state:<8} {job.created:%Y-%m-%d %H:%M}  {job.user:<12} {shown(job.file_name)}"
    if job.result:
        text = _("{job}: {outcome}").format(job=text, outcome=outcome(job.result))
    if job.mail_status:
        text += _("; e-mail {status}").format(status=_mail_status(job.mail_status))
    return text


def _mail_status(status: str) -> str:
    """A job's e-mail status in words: 'sent', or 'not sent: REASON' (the reason as it was recorded)."""
    if status == "sent":
        return _("sent")
    reason = status.removeprefix("not sent: ")
    return _("not sent: {reason}").format(reason=reason) if reason != status else status


def _list(args: argparse.Namespace) -> int:
    store, user = _context(args)
    jobs = store.jobs.list(user=user)
    if args.json:
        _print_json([_job_json(j) for j in jobs])
        return 0
    if not jobs:
        print(_("No jobs yet. Queue an import with: custbook import FILE --offline"))
    for job in jobs:
        print(_line(job))
    return 0


def _show(args: argparse.Namespace) -> int:
    store, user = _context(args)
    job = store.jobs.get(args.id, user=user)
    if args.errors_out:
        _save_failed(store, job, Path(args.errors_out))
    if args.json:
        _print_json(_job_json(job))
        return 0
    level = _("entity {entity}").format(entity=job.entity) if job.entity else _("the top level")
    opts = job.options
    print(_("Job {job}: {state}").format(job=job.id, state=job_state_word(job.state.value)))
    print(
        ngettext(
            "File: {file} ({size} byte), queued by {user} on {date}",
            "File: {file} ({size} bytes), queued by {user} on {date}",
            job.file_size,
        ).format(
            file=shown(job.file_name), size=group_digits(job.file_size), user=job.user,
            date=f"{job.created:%Y-%m-%d %H:%M}",
        )
    )  # fmt: skip
    policy = (
        _("nothing committed if any row fails (--strict)")
        if opts.policy.value == "strict"
        else _("failed rows left out")
    )
    print(
        _("Options: {level}, date format {date_format}, encoding {encoding}, {policy}").format(
            level=level, date_format=opts.date_format.shown, encoding=opts.encoding, policy=policy
        )
    )
    columns = []  # how a file from another product is read (issue 14)
    if opts.mapping is not None:
        columns.append(_("columns read {how}").format(how=mapping_words(opts.mapping.label)))
    if opts.ignore_unknown:
        columns.append(_("other columns left out"))
    if opts.header_row is not None:
        columns.append(_("column names on row {row}").format(row=opts.header_row))
    if opts.keys.generate:
        columns.append(
            _("IDs generated for new rows (prefix {prefix})").format(prefix=opts.keys.prefix)
            if opts.keys.prefix
            else _("IDs generated for new rows")
        )
    if opts.keys.match:
        columns.append(_("rows without ID matched by {field}").format(field=opts.keys.match))
    if columns:
        print(_("Columns: {columns}").format(columns=", ".join(columns)))
    if job.claimed_by:
        if job.finished:
            worker = _("Worker: {worker}, attempt {attempt}, finished {date}").format(
                worker=job.claimed_by, attempt=job.attempts, date=f"{job.finished:%Y-%m-%d %H:%M:%S}"
            )
        else:
            worker = _("Worker: {worker}, attempt {attempt}").format(worker=job.claimed_by, attempt=job.attempts)
        print(worker)
    if job.emails:
        how = _("one message each") if job.email_each and len(job.emails) > 1 else _("one message")
        status = _mail_status(job.mail_status) if job.mail_status else _("after the import")
        print(
            _("E-mail to {addresses} ({how}): {status}").format(addresses=", ".join(job.emails), how=how, status=status)
        )
    if job.result:
        print(_("Result: {outcome}. {counts}.").format(outcome=outcome(job.result), counts=counts_line(job.result)))
        issues = [*job.result.get("errors", []), *job.result.get("warnings", [])]  # type: ignore[misc]
        names = field_labels(store)
        for issue in issues[:SHOWN_ERRORS]:
            print("  " + describe_issue(issue, names))
        if len(issues) > SHOWN_ERRORS:
            more = len(issues) - SHOWN_ERRORS
            print(
                "  " + ngettext("... and {count} more.", "... and {count} more.", more).format(count=group_digits(more))
            )
    if job.failed_rows and not args.errors_out:
        print(
            _("Failed rows: save them with: custbook jobs show {job} --errors-out {file}").format(
                job=job.id, file=failed_rows_name(job.file_name)
            )
        )
    if not job.finished_running:
        print(_("Not run yet: a worker runs it (custbook jobs run --once, or the worker service)."))
    return 0


def _save_failed(store: CustomerStore, job: Job, path: Path) -> None:
    written = jobs.save_failed_rows(store, job, path)
    if written is None:
        print(_("Job {job} has no failed rows; nothing was saved.").format(job=job.id), file=sys.stderr)
        return
    failed = job.result.get("failed", 0) if job.result else 0
    count = failed if isinstance(failed, int) else 0
    saved = ngettext(
        "Saved {count} failed row of {job} to {path}", "Saved {count} failed rows of {job} to {path}", count
    )
    print(saved.format(count=group_digits(count), job=job.id, path=written.resolve()), file=sys.stderr)


def _resend(args: argparse.Namespace) -> int:
    store, user = _context(args)
    job, mailed = jobs.resend(store, args.id, user=user)
    if mailed.problem is not None:
        raise MailNotSent(
            mailed.problem,
            _("Check the CUSTBOOK_SMTP_ settings and try again: custbook jobs resend {job}").format(job=job.id),
        )
    print(_("E-mailed the results of {job} to {addresses}.").format(job=job.id, addresses=", ".join(job.emails)))
    return 0


def _log(text: str, problem: bool) -> None:
    # Finished jobs go to standard output (the worker's log); problems it lives with to standard error.
    print(text, file=sys.stderr if problem else sys.stdout, flush=True)


def _run(args: argparse.Namespace) -> int:
    """Run queued jobs; with --once stop when the queue is empty, otherwise wait for more."""
    if args.poll <= 0:
        raise UsageError(_("--poll takes a positive number of seconds"), _("For example --poll 2"))
    store = open_store(args.db)
    user = store.users.resolve(args.user)
    adopt_user_language(args, user)  # the worker's own lines; each job's results speak its submitter's language
    worker = jobs.worker_name()
    if not args.once:
        waiting = _("Worker {worker} is waiting for jobs in {store} (Ctrl-C stops it after the current job).")
        print(waiting.format(worker=worker, store=store.location), file=sys.stderr, flush=True)
    done = jobs.run_worker(store, by=user, once=args.once, poll=args.poll, log=_log, worker=worker)
    if done.stopped or not args.once:
        stopped = ngettext(
            "Worker {worker} stopped after {count} job.", "Worker {worker} stopped after {count} jobs.", done.ran
        )
        print(stopped.format(worker=worker, count=group_digits(done.ran)), file=sys.stderr)
    return 0
