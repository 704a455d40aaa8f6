"""The words custbook says about an import, once for the command line, the interface and e-mails: plurals, the
counts line, an outcome in a few words, one error described with its row and column.

Every caller renders these sentences from here, so that they say the same thing everywhere, in the user's language
(core.i18n: each sentence whole, with named placeholders, so that a translation may reorder it). Pure: imports
nothing of ours beyond the domain's plain types and the translations.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.i18n import _, group_digits, ngettext, pgettext

COUNT_KEYS = ("rows", "created", "updated", "blanked", "unchanged", "failed")


def plural(n: int, word: str) -> str:
    """'1 row', '1,204 rows' in English only: kept for the few English-only texts (logs); every sentence a user
    reads uses ngettext with the whole phrase instead, since other languages do not just add an "s"."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def count(summary: Mapping[str, object], key: str) -> int:
    value = summary.get(key, 0)
    return int(value) if isinstance(value, int) else 0


def counts_line(summary: Mapping[str, object]) -> str:
    """'120 rows: 10 new, 90 updated (7 fields erased), 15 unchanged, 5 failed', from an import's summary; for a
    user without List, whose summary tells `applied` instead (core.plan.ImportPlan.counts), '120 rows: 10 new,
    105 to apply to existing customers, 5 failed' (applied, once committed)."""
    c = {k: count(summary, k) for k in (*COUNT_KEYS, "applied")}
    n = {k: group_digits(v) for k, v in c.items()}
    if isinstance(summary.get("applied"), int):
        applied = (
            ngettext("{count} applied to existing customers", "{count} applied to existing customers", c["applied"])
            if summary.get("status") == "committed"
            else ngettext(
                "{count} to apply to existing customers", "{count} to apply to existing customers", c["applied"]
            )
        )
        return _("{rows}: {created}, {applied}, {failed}").format(
            rows=ngettext("{count} row", "{count} rows", c["rows"]).format(count=n["rows"]),
            created=ngettext("{count} new", "{count} new", c["created"]).format(count=n["created"]),
            applied=applied.format(count=n["applied"]),
            failed=ngettext("{count} failed", "{count} failed", c["failed"]).format(count=n["failed"]),
        )
    return _("{rows}: {created}, {updated} ({erased}), {unchanged}, {failed}").format(
        rows=ngettext("{count} row", "{count} rows", c["rows"]).format(count=n["rows"]),
        created=ngettext("{count} new", "{count} new", c["created"]).format(count=n["created"]),
        updated=ngettext("{count} updated", "{count} updated", c["updated"]).format(count=n["updated"]),
        erased=ngettext("{count} field erased", "{count} fields erased", c["blanked"]).format(count=n["blanked"]),
        unchanged=ngettext("{count} unchanged", "{count} unchanged", c["unchanged"]).format(count=n["unchanged"]),
        failed=ngettext("{count} failed", "{count} failed", c["failed"]).format(count=n["failed"]),
    )


def outcome(summary: Mapping[str, object]) -> str:
    """The outcome in a few words, for a subject line or a list: 'imported as B7, 2 rows failed'."""
    status, failed = summary.get("status"), count(summary, "failed")
    failing = (
        ngettext(", {count} row failed", ", {count} rows failed", failed).format(count=group_digits(failed))
        if failed
        else ""
    )
    if status == "rejected":
        return _("rejected, nothing changed")
    if status == "queued":
        return _("queued")
    if status == "dry-run":
        return _("preview only, nothing changed") + failing
    if summary.get("batch") is None:
        return (_("nothing imported") if failed else _("nothing to change")) + failing
    return _("imported as {batch}").format(batch=summary["batch"]) + failing


def describe_issue(issue: Mapping[str, object], names: Mapping[str, str] | None = None) -> str:
    """One error or warning in words: "Row 14, E-mail ('bob@'): ...". `issue` is an Issue's JSON form; `names`
    gives each field ID's column as the reader knows it (the file's heading); the summary itself keeps IDs.
    A warning about a whole column (no row: spreadsheet damage, a read-only column, a field no column feeds) is its
    message alone, which names the field: "File, Zip: ZIP or postal code: ..." said the field twice, after "File"."""
    if not issue.get("row") and issue.get("column"):
        return str(issue.get("message", ""))
    where = _("Row {row}").format(row=issue["row"]) if issue.get("row") else _("File")
    column = issue.get("column")
    if column:
        where += f", {(names or {}).get(str(column), column)}"
    value = _(" ('{value}')").format(value=issue["value"]) if issue.get("value") else ""
    return _("{where}{value}: {message}").format(where=where, value=value, message=issue.get("message", ""))


def field_counts_words(counts: Mapping[str, object]) -> str:
    """One field's share of an import in words, erasures first (the change people miss): '19,064 erased,
    3 changed, 2 in new customers'. `counts` is cli.md's form: {"created": 2, "updated": 3, "blanked": 19064}."""
    blanked, updated, created = count(counts, "blanked"), count(counts, "updated"), count(counts, "created")
    parts = []
    if blanked:
        parts.append(ngettext("{count} erased", "{count} erased", blanked).format(count=group_digits(blanked)))
    if updated:
        parts.append(ngettext("{count} changed", "{count} changed", updated).format(count=group_digits(updated)))
    if created:
        parts.append(
            ngettext("{count} in a new customer", "{count} in new customers", created).format(
                count=group_digits(created)
            )
        )
    return ", ".join(parts) or _("no change")


def field_name(field_id: str, labels: Mapping[str, str], headers: Mapping[str, str] | None = None) -> str:
    """A field as people know it: its label, with the file's heading when that differs ('Last name (file: nom)')
    and the ID when neither says it."""
    label = labels.get(field_id, field_id)
    header = (headers or {}).get(field_id)
    if header and header.strip().casefold() not in (label.casefold(), field_id.casefold()):
        return _("{label} (file: {header})").format(label=label, header=header)
    return label


def mapping_words(label: str) -> str:
    """How a plan's columns were read, after "Columns read": "with the mapping zoho-books", "with the mapping
    zoho-books and the --map/--join options", "as the --map and --join options say" (core.mapping labels)."""
    from core.mapping import OPTIONS_LABEL

    if label == OPTIONS_LABEL:
        return _("as the --map and --join options say")
    name, plus, _rest = label.rpartition(f"+{OPTIONS_LABEL}")
    if plus and name:
        return _("with the mapping {name}, changed by the --map and --join options").format(name=name)
    return _("with the mapping {name}").format(name=label)


# How an edit from the form names its batch in the store (services/edit.py): English, as a log keeps it, since the
# history outlives any one user's language. Shown through `stored_batch_name`.
EDIT_OF = "edit of "
MARKED_INACTIVE = "marked inactive: "
A_NEW_CUSTOMER = "a new customer"


def edited_customer(name: str) -> str:
    """The customer an edit's batch changed, from its stored name ("edit of C0000001"), as the user reads it."""
    customer = name.removeprefix(EDIT_OF).removeprefix(MARKED_INACTIVE)
    return _("a new customer") if customer == A_NEW_CUSTOMER else customer


def stored_batch_name(name: str) -> str:
    """A batch's stored name as the user reads it: an edit's "edit of C0000004" in their language ("modification
    de C0000004"); a file's name as it is."""
    if name.startswith(EDIT_OF):
        return _("edit of {customer}").format(customer=edited_customer(name))
    if name.startswith(MARKED_INACTIVE):
        return _("marked inactive: {customer}").format(customer=edited_customer(name))
    return name


def job_state_word(state: str) -> str:
    """A queued job's state in the user's language (the store and the JSON keep queued, running, done, failed)."""
    words = {
        "queued": pgettext("job state", "queued"),
        "running": pgettext("job state", "running"),
        "done": pgettext("job state", "done"),
        "failed": pgettext("job state", "failed"),
    }
    return words.get(state, state)
