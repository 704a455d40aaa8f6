"""The question the import preview asks before it commits: a `ConfirmDialog` naming what the commit will change
(`tui.plan_words.commit_question`), whose answer True goes ahead; `tui.screens.import_preview` pushes it and acts
on the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.i18n import _
from core.plan import ImportPlan
from tui.plan_words import commit_question

if TYPE_CHECKING:
    from tui.screens.confirm_dialog import ConfirmDialog


def commit_dialog(plan: ImportPlan) -> ConfirmDialog:
    """Commit this import? Or, when a strict policy refuses the file, commit nothing? The confirming button is red
    when stored fields would be erased."""
    # Imported when asked, as the screen did: the dialog's module is loaded only when a commit is asked for.
    from tui.screens.confirm_dialog import ConfirmDialog

    nothing = plan.rejected
    return ConfirmDialog(
        _("Commit nothing?") if nothing else _("Commit this import?"),
        commit_question(plan),
        confirm_label=_("OK") if nothing else _("Commit"),
        danger=bool(plan.blanked) and plan.shows_old and not nothing,
    )
