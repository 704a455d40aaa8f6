"""Offline imports (jobs), once for the command line, the interface and the worker: delivering a job's results.

Filled in by the service-layer work (issue 12).
"""

from __future__ import annotations

import os

from services.mail import MailNotSent, send_results
from store import fields as fields_store
from store import jobs as jobs_store
from store.db import Store
from store.jobs import Job


def field_labels(store: Store) -> dict[str, str]:
    """Field ID -> its label ("Credit limit"): a job's messages name columns as people do (its result keeps IDs)."""
    return {f.id: f.label for f in fields_store.catalogue(store).fields}


def deliver(store: Store, job: Job) -> MailNotSent | None:
    """E-mail a finished job's results and record the outcome with the job; the failure, if any, is returned."""
    assert job.result is not None
    problem: MailNotSent | None = None
    try:
        send_results(
            job.result,
            file_name=job.file_name,
            failed_csv=jobs_store.failed_rows_of(store, job),
            addresses=job.emails,
            each=job.email_each,
            env=os.environ,
            names=field_labels(store),
        )
    except MailNotSent as exc:
        problem = exc
    jobs_store.set_mail_status(store, job, "sent" if problem is None else f"not sent: {problem.reason}")
    return problem
