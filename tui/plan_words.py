"""An import plan's words, as the preview says them: the counts line above the tabs ("Rows 7 · New 1 · Updated 2
..."), the note under it (what a commit would do now), the banner on the Erased tab, the commit's question and,
after the commit, its outcome; and `styled_around`, a translated sentence with the file's name styled in it (the
preview's and the mapping step's titles).

Headless (plain strings and rich `Text`, no widgets), split off `tui/import_rows.py` (which keeps the tabs' lines)
to keep both modules small; `tui/screens/import_preview.py` shows them. Every sentence is whole in the user's
language (core.i18n), numbers grouped as the user's language groups them.
"""

from __future__ import annotations

from rich.text import Text

from core.i18n import _, group_digits, ngettext, pgettext
from core.plan import ImportPlan


def styled_around(template: str, value: str, style: str) -> tuple[tuple[str, str], ...]:
    """A translated sentence with one `{file}` placeholder as styled parts, the value a part of its own: what rich
    draws (and the snapshots hold) does not change with the sentence's word order."""
    before, _found, after = template.partition("{file}")
    return tuple((part, style) for part in (before, value, after) if part)


def commit_question(plan: ImportPlan) -> str:
    """What the confirmation says: the records created and updated, the fields erased, and the failed rows."""
    if plan.rejected:
        return ngettext(
            "{count} row of {file} fails and the policy is strict: nothing will be committed.",
            "{count} rows of {file} fail and the policy is strict: nothing will be committed.",
            plan.failed,
        ).format(count=group_digits(plan.failed), file=plan.file_name)
    created = ngettext("{count} customer created", "{count} customers created", plan.created)
    if not plan.shows_old:
        applied = ngettext(
            "{count} row applied to existing customers", "{count} rows applied to existing customers", plan.applied
        )
        lines = [
            _("Commit {file}: {created}, {applied}.").format(
                file=plan.file_name,
                created=created.format(count=group_digits(plan.created)),
                applied=applied.format(count=group_digits(plan.applied)),
            )
        ]
        return "\n\n".join(lines + _failed_left_out(plan))
    updated = ngettext("{count} customer updated", "{count} customers updated", plan.updated)
    erased = (
        ngettext("and {count} field erased", "and {count} fields erased", plan.blanked).format(
            count=group_digits(plan.blanked)
        )
        if plan.blanked
        else _("and no field erased")
    )
    lines = [
        _("Commit {file}: {created}, {updated} {erased}.").format(
            file=plan.file_name,
            created=created.format(count=group_digits(plan.created)),
            updated=updated.format(count=group_digits(plan.updated)),
            erased=erased,
        )
    ]
    if plan.blanked:
        lines.append(_("Erased fields lose their values (the Erased tab lists them); undo brings them back."))
    return "\n\n".join(lines + _failed_left_out(plan))


def _failed_left_out(plan: ImportPlan) -> list[str]:
    if not plan.failed:
        return []
    return [
        ngettext(
            "{count} failed row will be left out; you can save them to fix afterwards.",
            "{count} failed rows will be left out; you can save them to fix afterwards.",
            plan.failed,
        ).format(count=group_digits(plan.failed))
    ]


def counts_text(plan: ImportPlan, warning: str, error: str) -> Text:
    """'Rows 7 · New 1 · Updated 2 · Erased 2 · Unchanged 2 · Failed 2 · Warnings 1', erased and failed in the
    given styles when there are any."""
    parts: list[tuple[str, str]] = [(pgettext("import counts", "Rows") + " ", "dim"), (group_digits(plan.rows), "bold")]
    shown = (
        (
            (pgettext("import counts", "Updated"), plan.updated, "bold"),
            (pgettext("import counts", "Erased"), plan.blanked, warning if plan.blanked else "bold"),
            (pgettext("import counts", "Unchanged"), plan.unchanged, "bold"),
        )
        if plan.shows_old
        else ((pgettext("import counts", "To apply"), plan.applied, "bold"),)  # not which of them change
    )
    for label, n, style in (
        (pgettext("import counts", "New"), plan.created, "bold"),
        *shown,
        (pgettext("import counts", "Failed"), plan.failed, error if plan.failed else "bold"),
        (pgettext("import counts", "Warnings"), len(plan.warnings), "bold"),
    ):
        parts += [(" · ", "dim"), (f"{label} ", "dim"), (group_digits(n), style)]
    return Text.assemble(*parts)


def blanked_banner(plan: ImportPlan) -> str:
    if not plan.shows_old:
        return ""  # no Erased tab: what blank cells erase is not told
    if not plan.blanked:
        return _("No field will be erased: the file has no blank cell where the store holds a value.")
    return ngettext(
        "⚠ {count} field will be ERASED by blank cells in the file: its current value is lost (undo brings it back).",
        "⚠ {count} fields will be ERASED by blank cells in the file: their current values are lost "
        "(undo brings them back).",
        plan.blanked,
    ).format(count=group_digits(plan.blanked))


def plan_note(plan: ImportPlan, stale: bool) -> tuple[str, bool]:
    """The line under the counts: what a commit would do now, and whether that is a problem."""
    if stale:
        return _("The store changed since this preview: press r to preview again."), True
    if plan.rejected:
        return _("Strict: some rows fail, so a commit would change nothing. Fix them (see Errors) first."), False
    if not plan.commits_anything:
        if plan.failed:
            return _("Nothing to commit: the rows that pass change nothing, the others fail."), False
        return _("Nothing to commit: the store holds it all."), False
    if plan.failed:
        return _("Failed rows will be left out of the commit (see Errors); the others are committed."), False
    return _("Every row can be committed. Press c to commit, Escape to go back without changing anything."), False


def outcome(plan: ImportPlan, batch: str | None) -> str:
    """What the commit did, said after it: the batch and its counts, or why nothing was written."""
    if batch is not None and not plan.shows_old:
        created = ngettext("{count} customer created", "{count} customers created", plan.created)
        applied = ngettext(
            "{count} row applied to existing customers", "{count} rows applied to existing customers", plan.applied
        )
        text = _("Committed as batch {batch}: {created}, {applied}.").format(
            batch=batch,
            created=created.format(count=group_digits(plan.created)),
            applied=applied.format(count=group_digits(plan.applied)),
        )
    elif batch is not None:
        created = ngettext("{count} customer created", "{count} customers created", plan.created)
        updated = ngettext("{count} customer updated", "{count} customers updated", plan.updated)
        counts = {
            "batch": batch,
            "created": created.format(count=group_digits(plan.created)),
            "updated": updated.format(count=group_digits(plan.updated)),
        }
        if plan.blanked:
            erased = ngettext("{count} field erased", "{count} fields erased", plan.blanked)
            text = _(
                "Committed as batch {batch}: {created}, {updated}, {erased}. "
                "To undo it: h (history), then u on {batch}."
            ).format(erased=erased.format(count=group_digits(plan.blanked)), **counts)
        else:
            text = _(
                "Committed as batch {batch}: {created}, {updated}. To undo it: h (history), then u on {batch}."
            ).format(**counts)
    elif plan.rejected:
        text = _("Nothing was committed: the policy is strict and some rows fail.")
    else:
        text = _("Nothing was committed: there was nothing to change.")
    if plan.failed:
        text += "\n" + ngettext(
            "{count} row failed. Save them as a CSV to fix and import again:",
            "{count} rows failed. Save them as a CSV to fix and import again:",
            plan.failed,
        ).format(count=group_digits(plan.failed))
    return text
