"""The words custbook says about an import, once for the command line, the interface and e-mails: plurals, the
counts line, an outcome in a few words, one error described with its row and column.

Every caller renders these sentences from here, so that they say the same thing everywhere; this is also where
translations will plug in (gettext). Pure: imports nothing of ours beyond the domain's plain types.
"""

from __future__ import annotations

from collections.abc import Mapping

COUNT_KEYS = ("rows", "created", "updated", "blanked", "unchanged", "failed")


def plural(n: int, word: str) -> str:
    """'1 row', '1,204 rows': the count with thousands separators and the word in the number it takes."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def count(summary: Mapping[str, object], key: str) -> int:
    value = summary.get(key, 0)
    return int(value) if isinstance(value, int) else 0


def counts_line(summary: Mapping[str, object]) -> str:
    """'120 rows: 10 new, 90 updated (7 fields erased), 15 unchanged, 5 failed', from an import's summary."""
    c = {k: count(summary, k) for k in COUNT_KEYS}
    return (
        f"{plural(c['rows'], 'row')}: {c['created']:,} new, {c['updated']:,} updated "
        f"({plural(c['blanked'], 'field')} erased), {c['unchanged']:,} unchanged, {c['failed']:,} failed"
    )


def outcome(summary: Mapping[str, object]) -> str:
    """The outcome in a few words, for a subject line or a list: 'imported as B7, 2 rows failed'."""
    status, failed = summary.get("status"), count(summary, "failed")
    failing = f", {plural(failed, 'row')} failed" if failed else ""
    if status == "rejected":
        return "rejected, nothing changed"
    if status == "queued":
        return "queued"
    if status == "dry-run":
        return "preview only, nothing changed" + failing
    if summary.get("batch") is None:
        return ("nothing imported" if failed else "nothing to change") + failing
    return f"imported as {summary['batch']}" + failing


def describe_issue(issue: Mapping[str, object], names: Mapping[str, str] | None = None) -> str:
    """One error or warning in words: "Row 14, E-mail ('bob@'): ...". `issue` is an Issue's JSON form; `names`
    gives each field ID's column as the reader knows it (the file's heading); the summary itself keeps IDs."""
    where = f"Row {issue['row']}" if issue.get("row") else "File"
    column = issue.get("column")
    if column:
        where += f", {(names or {}).get(str(column), column)}"
    value = f" ('{issue['value']}')" if issue.get("value") else ""
    return f"{where}{value}: {issue.get('message', '')}"


def field_counts_words(counts: Mapping[str, object]) -> str:
    """One field's share of an import in words, erasures first (the change people miss): '19,064 erased,
    3 changed, 2 in new customers'. `counts` is cli.md's form: {"created": 2, "updated": 3, "blanked": 19064}."""
    parts = []
    if count(counts, "blanked"):
        parts.append(f"{count(counts, 'blanked'):,} erased")
    if count(counts, "updated"):
        parts.append(f"{count(counts, 'updated'):,} changed")
    if count(counts, "created"):
        parts.append(f"{count(counts, 'created'):,} in new customers")
    return ", ".join(parts) or "no change"


def field_name(field_id: str, labels: Mapping[str, str], headers: Mapping[str, str] | None = None) -> str:
    """A field as people know it: its label, with the file's heading when that differs ('Last name (file: nom)')
    and the ID when neither says it."""
    label = labels.get(field_id, field_id)
    header = (headers or {}).get(field_id)
    if header and header.strip().casefold() not in (label.casefold(), field_id.casefold()):
        return f"{label} (file: {header})"
    return label


def mapping_words(label: str) -> str:
    """How a plan's columns were read, after "Columns read": "with the mapping zoho-books", "with the mapping
    zoho-books and the --map/--join options", "as the --map and --join options say" (core.mapping labels)."""
    from core.mapping import OPTIONS_LABEL

    if label == OPTIONS_LABEL:
        return "as the --map and --join options say"
    name, plus, _ = label.rpartition(f"+{OPTIONS_LABEL}")
    if plus and name:
        return f"with the mapping {name}, changed by the --map and --join options"
    return f"with the mapping {label}"
