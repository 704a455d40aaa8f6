"""Mapping the file's header row to fields: the "map columns" stage of the import.

Owns the header rules of fields.md and of import-export.md's "Files from other products": IDs, English and French
labels and aliases, compared tolerantly; a column mapping (core.mapping) first when there is one: a column may feed
several fields, a field may be joined from several columns, a column may be left out; two columns feeding one field
and unknown columns are file errors (all of them listed, with suggestions a person would agree with, and the product
the file looks like); read-only fields are ignored with a warning; CUSTOMERID is mandatory unless IDs are found
another way (--generate-ids, --match). Pure: takes a RawTable and a Catalogue, returns a HeaderMap or raises
FileRejected.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalogue import Catalogue
from core.errors import FileRejected
from core.failed_rows import ERROR_COLUMN
from core.mapping import ColumnMapping, header_key, resolve_mapping
from core.table import Issue, RawTable, Severity, short


@dataclass(frozen=True)
class HeaderMap:
    """The file's columns as fields, in file order. `sources[i]`: the positions of the columns that feed
    `fields[i]` (one, several joined by a space, or none: CUSTOMERID when IDs are generated or matched); `names[i]`
    how the file heads it, for messages. `ignored`: columns left out."""

    fields: tuple[str, ...]
    sources: tuple[tuple[int, ...], ...]
    warnings: tuple[Issue, ...] = ()
    names: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    mapping: str | None = None  # the mapping's label, when one was used

    @property
    def positions(self) -> tuple[int, ...]:
        """Each field's first column (-1 for none)."""
        return tuple(s[0] if s else -1 for s in self.sources)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


SHOWN_UNKNOWN = 60  # unknown columns listed one per line; the others are counted
SHOWN_IGNORED = 25  # columns named in the warning about columns left out


def map_headers(table: RawTable, catalogue: Catalogue) -> HeaderMap:
    """The columns of a file with custbook's own headers (no mapping)."""
    return map_columns(table, catalogue)


class _Fed:
    """The fields fed so far: a field fed twice is an error naming both columns."""

    def __init__(self) -> None:
        self.fields: list[str] = []
        self.sources: list[tuple[int, ...]] = []
        self.names: list[str] = []

    def feed(self, field: str, sources: tuple[int, ...], name: str) -> None:
        if field in self.fields:
            other = self.names[self.fields.index(field)]
            raise FileRejected(
                f"The columns '{short(other, 60)}' and '{short(name, 60)}' both feed the field {field}",
                "Keep one of them: leave the other out of the mapping (HEADER=-) or delete it from the file",
            )
        self.fields.append(field)
        self.sources.append(sources)
        self.names.append(name)


def map_columns(
    table: RawTable,
    catalogue: Catalogue,
    mapping: ColumnMapping | None = None,
    *,
    ignore_unknown: bool = False,
    keyed: bool = False,
) -> HeaderMap:
    """The file's columns as fields. `mapping` first, then the columns' own names; `ignore_unknown` leaves the
    columns that name no field out (one warning); `keyed`: IDs come another way, so the ID column may be missing."""
    columns, joins = resolve_mapping(mapping, catalogue) if mapping is not None else ({}, {})
    fed = _Fed()
    warnings: list[Issue] = []
    ignored: list[str] = []
    unknown: list[tuple[int, str]] = []
    found: set[str] = set()
    joined_at: dict[str, int] = {}  # header key -> position, for the joins
    joined_keys = {key for keys in joins.values() for key, _ in keys}
    occurrences: dict[str, int] = {}
    leave_out = ignore_unknown or (mapping is not None and mapping.others_ignored)
    for index, header in enumerate(table.header):
        name = header.strip()
        if name == ERROR_COLUMN:
            # Our own failed-rows file, fixed and imported again: its error column is not data.
            warnings.append(Issue(None, None, None, f"The column '{ERROR_COLUMN}' was ignored", Severity.WARNING))
            continue
        base = header_key(header)
        occurrences[base] = occurrences.get(base, 0) + 1
        nth = occurrences[base]
        key = base if nth == 1 else f"{base}#{nth}"
        # The second column of one name is shown by its letter, as the spreadsheet shows it: "Phone (column Z)".
        shown = name if nth == 1 else f"{name} (column {column_letter(index)})"
        if key in joined_keys:
            # Joined into a field ("Given Name" into NAME): also read as the mapping or its own name says
            # (FIRSTNAME), but never into the field it is joined into.
            joined_at.setdefault(key, index)
        if key in columns:
            found.add(key)
            for fid in columns[key]:
                fed.feed(fid, (index,), shown)
            continue
        if key in joined_keys:
            own = catalogue.lookup(header) if nth == 1 else None
            if own is not None and own.importable and own.id not in joins:
                fed.feed(own.id, (index,), shown)
            continue
        if not name:
            if any(index < len(r.cells) and r.cells[index].strip() for r in table.rows):
                if leave_out:
                    ignored.append(f"column {column_letter(index)}")
                else:
                    unknown.append((index, ""))
            continue
        field = catalogue.lookup(header) if nth == 1 else None
        if field is None:
            if leave_out:
                ignored.append(shown)
            else:
                unknown.append((index, shown))
            continue
        if not field.importable:
            warnings.append(
                Issue(None, field.id, None, f"The column '{short(name, 80)}' is read-only and was ignored",
                      Severity.WARNING)
            )  # fmt: skip
            continue
        fed.feed(field.id, (index,), shown)
    if unknown:
        from core.suggest import unknown_columns_rejection

        raise unknown_columns_rejection(table, unknown, catalogue, set(fed.fields))
    if mapping is not None:
        _check_required(mapping, found | set(joined_at), table.header)
    for target, keys in joins.items():
        present = [(joined_at[k], h) for k, h in keys if k in joined_at]
        if present:
            fed.feed(target, tuple(p for p, _ in present), " + ".join(h for _, h in present))
    if mapping is not None and mapping.name:
        warnings.extend(_fit(mapping, len(found | set(joined_at)), table.header))
    if ignored:
        listed = ", ".join(f"'{short(h, 40)}'" for h in ignored[:SHOWN_IGNORED])
        more = f" and {len(ignored) - SHOWN_IGNORED:,} more" if len(ignored) > SHOWN_IGNORED else ""
        warnings.append(
            Issue(None, None, None, f"{len(ignored):,} column{'s were' if len(ignored) != 1 else ' was'} not "
                                    f"imported: {listed}{more}", Severity.WARNING)
        )  # fmt: skip
    if "CUSTOMERID" not in fed.fields:
        if not keyed:
            raise FileRejected(
                "The file has no Customer ID column (CUSTOMERID)",
                "Add a column headed CUSTOMERID or 'Customer ID' holding each customer's ID, or import with "
                "--generate-ids to number new customers (and --match EMAIL1 to find existing ones)",
            )
        fed.feed("CUSTOMERID", (), "Customer ID")
    return HeaderMap(
        tuple(fed.fields), tuple(fed.sources), tuple(warnings), tuple(fed.names), tuple(ignored),
        mapping.label if mapping is not None else None,
    )  # fmt: skip


def _fit(mapping: ColumnMapping, named: int, header: tuple[str, ...]) -> list[Issue]:
    """A warning when a named mapping names less than half of the file's columns: perhaps not the file's product."""
    from core.builtin_mappings import detect

    total = sum(1 for h in header if h.strip())
    if named * 2 >= total:
        return []
    product = detect(header)
    other = f" The file looks like it comes from {product.product}: --mapping {product.name}." if (
        product is not None and product.name != mapping.name) else ""  # fmt: skip
    return [
        Issue(None, None, None, f"The mapping {mapping.name} names only {named} of the file's {total} columns: check "
                                f"that it is the one for this file.{other}", Severity.WARNING)
    ]  # fmt: skip


def _check_required(mapping: ColumnMapping, found: set[str], header: tuple[str, ...]) -> None:
    import difflib

    missing = [h for h in dict.fromkeys(mapping.required) if header_key(h) not in found]
    if missing:
        listed = ", ".join(f"'{short(h, 60)}'" for h in missing[:10])
        # "Email Adress" for the file's "E-mail Address": the closest headers of the file, compared as keys.
        keys = {header_key(h): h.strip() for h in header if h.strip()}
        close = difflib.get_close_matches(header_key(missing[0]), list(keys), n=1, cutoff=0.7)
        hint = f" (did you mean '{short(keys[close[0]], 60)}'?)" if close else ""
        raise FileRejected(
            f"The mapping names {'columns' if len(missing) > 1 else 'a column'} the file does not have: {listed}{hint}",
            "Check the spelling against the file's header row (case and punctuation do not matter)",
        )
