"""Customer IDs for rows that have none: `--match FIELD` finds the existing customer, `--generate-ids` numbers new
ones from the store's numbering (import-export.md, "Files from other products").

Pure: the store answers two questions (which customers have these values in FIELD; how the stored IDs are numbered,
`IdPattern`), and `row_keys` decides every row's ID here, with the row errors and the report of generated and
matched IDs. Never without the options: a row with a blank ID and neither option fails as before.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.errors import FileRejected
from core.i18n import _, group_digits, ngettext
from core.table import Issue, Severity, short

DEFAULT_PREFIX = "C"  # an empty store's first IDs: C0000001, as the demo numbers them
DEFAULT_WIDTH = 7
MAX_ID = 20  # CUSTOMERID's length (fields.md)
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class IdPattern:
    """A family of stored IDs: prefix, number of digits, how many, the highest number."""

    prefix: str
    width: int
    count: int
    highest: int


@dataclass(frozen=True)
class KeyOptions:
    """What the user asked for: generate IDs for new rows (with a prefix of theirs), match rows by a field."""

    generate: bool = False
    prefix: str | None = None
    match: str | None = None  # a field ID

    @property
    def any(self) -> bool:
        return self.generate or self.match is not None


@dataclass(frozen=True)
class RowKeys:
    """Each row's Customer ID cell as the parser will read it, the rows that could not get one (row index -> Issue),
    and which rows got which ID (spreadsheet row, ID)."""

    ids: tuple[str, ...]
    issues: Mapping[int, Issue] = field(default_factory=dict)
    generated: tuple[tuple[int, str], ...] = ()
    matched: tuple[tuple[int, str], ...] = ()
    warnings: tuple[Issue, ...] = ()


def match_key(text: str) -> str:
    """How --match compares a cell with a stored value: as the filters compare text, without regard to case (the
    store lowers its side with SQL's lower(), which is Python's str.lower)."""
    return text.strip().lower()


class Numbering:
    """The next free IDs: `prefix` then the number, zero-padded to `width` digits, above every stored one."""

    def __init__(self, prefix: str, width: int, highest: int) -> None:
        self.prefix, self.width, self.next = prefix, width, highest + 1

    def take(self, taken: set[str]) -> str:
        while True:
            candidate = f"{self.prefix}{self.next:0{self.width}d}"
            self.next += 1
            if len(candidate) > MAX_ID:
                raise FileRejected(
                    _("The next generated ID, {id}, would be longer than {limit} characters").format(
                        id=candidate, limit=MAX_ID
                    ),
                    _("Give a shorter prefix with --id-prefix"),
                )
            if candidate not in taken:
                return candidate

    @property
    def example(self) -> str:
        return f"{self.prefix}{self.next:0{self.width}d}"


def numbering(patterns: Sequence[IdPattern], unnumbered: int, prefix: str | None) -> Numbering:
    """How new IDs are numbered: the store's most common family of IDs (or the one with `prefix`), above its highest
    number; an empty store starts at C0000001. FileRejected when the store's IDs have no number to continue."""
    if prefix is not None:
        prefix = prefix.strip()
        if not prefix or len(prefix) > MAX_ID - 3 or any(ch.isspace() for ch in prefix):
            raise FileRejected(
                _("--id-prefix '{prefix}' cannot start a customer ID").format(prefix=short(prefix, 30)),
                _("Give a prefix of 1 to {limit} characters without spaces, like C or CUST-").format(limit=MAX_ID - 3),
            )
        mine = [p for p in patterns if p.prefix == prefix]
        widths = Counter({p.width: p.count for p in mine})
        width = widths.most_common(1)[0][0] if widths else DEFAULT_WIDTH
        return Numbering(prefix, width, max((p.highest for p in mine), default=0))
    if not patterns:
        if unnumbered:
            raise FileRejected(
                _("The store's customer IDs end with no number, so custbook cannot tell how to number new ones"),
                _("Say how they start with --id-prefix, for example --id-prefix C"),
            )
        return Numbering(DEFAULT_PREFIX, DEFAULT_WIDTH, 0)
    main = max(patterns, key=lambda p: (p.count, p.highest))
    same = [p for p in patterns if p.prefix == main.prefix]
    return Numbering(main.prefix, main.width, max(p.highest for p in same))


def row_keys(
    numbers: Sequence[int],
    id_cells: Sequence[str],
    match_cells: Sequence[str] | None,
    matches: Mapping[str, Sequence[str]],
    options: KeyOptions,
    make: Numbering | None,
    match_label: str = "",
) -> RowKeys:
    """Every row's Customer ID: its own cell when it has one; else the one customer whose match field equals the
    row's (several: a row error naming them); else a generated one; else the row fails naming the options."""
    ids = [c.strip() for c in id_cells]
    taken = {c for c in ids if c}
    issues: dict[int, Issue] = {}
    generated: list[tuple[int, str]] = []
    matched: list[tuple[int, str]] = []
    warnings: list[Issue] = []
    match = options.match
    # The same value on several rows without IDs: which of them is the customer? Neither is trusted, as for IDs.
    repeated: dict[str, list[int]] = defaultdict(list)
    if match_cells is not None:
        for index, cell in enumerate(match_cells):
            if not ids[index] and match_key(cell):
                repeated[match_key(cell)].append(index)
    no_value = 0
    for index, number in enumerate(numbers):
        if ids[index]:
            continue
        if match_cells is not None:
            key = match_key(match_cells[index])
            if key and len(repeated[key]) > 1:
                rows = ", ".join(str(numbers[i]) for i in repeated[key][:10])
                value = match_cells[index].strip()
                message = _("{label} {value} is on rows {rows}. Keep one row per customer")
                issues[index] = Issue(number, match, value, message.format(label=match_label, value=value, rows=rows))
                continue
            found = matches.get(key, ()) if key else ()
            if len(found) == 1:
                ids[index] = found[0]
                matched.append((number, found[0]))
                continue
            if len(found) > 1:
                listed = ", ".join(found[:5])
                if len(found) > 5:
                    listed = ngettext("{listed} and {count} more", "{listed} and {count} more", len(found) - 5).format(
                        listed=listed, count=group_digits(len(found) - 5)
                    )
                message = ngettext(
                    "{count} customer has this {label}: {listed}. Give the row the Customer ID of the one it is",
                    "{count} customers have this {label}: {listed}. Give the row the Customer ID of the one it is",
                    len(found),
                ).format(count=group_digits(len(found)), label=match_label, listed=listed)
                issues[index] = Issue(number, match, match_cells[index].strip(), message)
                continue
            if not key:
                no_value += 1
        if make is not None:
            ids[index] = make.take(taken)
            taken.add(ids[index])
            generated.append((number, ids[index]))
            continue
        if match_cells is not None:
            message = _(
                "No customer has this {label}, and the row has no Customer ID. Give it one, or import with "
                "--generate-ids to create it"
            )
            issues[index] = Issue(number, "CUSTOMERID", "", message.format(label=match_label))
    if no_value and make is not None:
        message = ngettext(
            "{count} row has no {label} to be matched by: imported again, they would be created again",
            "{count} rows have no {label} to be matched by: imported again, they would be created again",
            no_value,
        ).format(count=group_digits(no_value), label=match_label)
        warnings.append(Issue(None, match, None, message, Severity.WARNING))
    return RowKeys(tuple(ids), issues, tuple(generated), tuple(matched), tuple(warnings))
