"""The import preview's work in its worker threads: committing the plan the user saw, e-mailing the results as
`custbook import --email` does, comparing the file with the store again, and saving the failed rows as a CSV to
fix and import again; all through `services.imports`.

Touches no widget and posts nothing: `tui.screens.import_preview`'s workers post what these return, or the
`CustbookError` they raise, to the screen, and notify the e-mail's line.
"""

from __future__ import annotations

from pathlib import Path

from textual.notifications import SeverityLevel

from core.i18n import _
from core.plan import ImportPlan
from services import imports
from services.imports import ImportOutcome
from tui.session import Session


def commit_plan(session: Session, plan: ImportPlan) -> ImportOutcome:
    """Write `plan` as one batch, as the session's user."""
    # The user saw this plan: a store changed meanwhile is shown as such (Conflict), never quietly re-planned.
    return imports.commit(session.store, plan, user=session.user, replan_if_stale=False)


def email_said(result: ImportOutcome, emails: tuple[str, ...]) -> tuple[str, SeverityLevel]:
    """E-mail the results to `emails`, and what to notify of it. As `custbook import --email`: a message that is not
    sent is a warning; the import stands."""
    mailed = imports.email_results(result, emails)
    if mailed.problem is not None:
        text = _("The results were not e-mailed ({problem}); the import is not affected.").format(
            problem=mailed.problem
        )
        return text, "warning"
    return _("E-mailed the results to {addresses}.").format(addresses=", ".join(emails)), "information"


def replan(session: Session, old: ImportPlan) -> ImportPlan:
    """`old`'s file compared with the store as it is now."""
    return imports.replan(session.store, old, user=session.user)


def save_failed(session: Session, plan: ImportPlan, target: Path, source: Path) -> Path:
    """Save `plan`'s failed rows to `target` as a CSV (`source`: the file they were read from). Returns the file
    written."""
    return imports.save_failed_rows(plan.failed_rows_file(), target, store=session.store, source=source)
