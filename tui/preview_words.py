"""The import preview's own words, beside the plan's: its keys as F1 shows them, its title line (the file, how it
was read, the mapping, the level and the user), and what it says while its work runs (committing, comparing with
the store again, saving the failed rows) and once the failed rows are saved.

Headless (rich `Text`, no widgets), as `tui/form_words.py` is for the customer form; `tui/screens/import_preview.py`
shows it. The plan's words (its counts, note, the commit's question, the outcome) are in `tui.plan_words`. The
file's, the mapping's and the user's names come from outside: shown through `safe_text`, never as markup.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from core.i18n import N_, _, group_digits, ngettext
from core.plan import ImportPlan
from tui.plan_words import styled_around
from tui.session import Session
from tui.widgets.grid import safe_text

# The preview's keys and what they do, as F1 shows them.
PREVIEW_KEYS = (
    ("[  ]", N_("previous / next tab: by field, new, updated, erased, unchanged, errors, warnings")),
    ("Enter", N_("on a field of the By field tab: every change of that field, however many")),
    ("↑ ↓  PageUp PageDown", N_("move through a tab's rows")),
    ("c", N_("commit: write what the preview shows, as one batch you can undo")),
    ("r", N_("preview again (the store changed meanwhile)")),
    ("s", N_("save the failed rows as a CSV to fix and import again")),
    ("h", N_("after the commit: the history, where u undoes the batch")),
    ("Escape  q", N_("back to the import's options; nothing is written")),
)


def preview_title(session: Session, plan: ImportPlan, source: str) -> Text:
    """The title line: the file in bold, then how it was read (`source`), the mapping, the level and the user."""
    user = safe_text(session.user.name)
    about = [source] if source else []
    if plan.mapping:
        about.append(_("mapping {name}").format(name=safe_text(plan.mapping)))
    about += [session.level, _("user {name}").format(name=user)]
    return Text.assemble(
        *styled_around(_("Import preview: {file}"), safe_text(plan.file_name), "bold"),
        "".join(f" · {part}" for part in about),
    )


def committing(plan: ImportPlan) -> str:
    """Said while the commit runs: the customers it writes (those updated, or without List the rows applied)."""
    changed = plan.created + (plan.updated if plan.shows_old else plan.applied)
    text = ngettext(
        "Committing {count} customer in one transaction…",
        "Committing {count} customers in one transaction…",
        changed,
    )
    return text.format(count=group_digits(changed))


def comparing(plan: ImportPlan) -> str:
    """Said while the file is compared with the store again."""
    text = ngettext(
        "Comparing {count} row with the store again…",
        "Comparing {count} rows with the store again…",
        plan.rows,
    )
    return text.format(count=group_digits(plan.rows))


def saving(plan: ImportPlan) -> str:
    """Said while the failed rows are saved."""
    text = ngettext("Saving {count} failed row…", "Saving {count} failed rows…", plan.failed)
    return text.format(count=group_digits(plan.failed))


def saved(rows: int, path: Path) -> str:
    """Said once `rows` failed rows are saved to `path`: as it is notified (the outcome adds it through safe_text)."""
    text = ngettext("Saved {count} failed row to {path}", "Saved {count} failed rows to {path}", rows)
    return text.format(count=group_digits(rows), path=path)
