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
from core.failed_rows import is_error_column
from core.i18n import _, group_digits, ngettext
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
                _("The columns '{one}' and '{other}' both feed the field {field}").format(
                    one=short(other, 60), other=short(name, 60), field=field
                ),
                _("Keep one of them: leave the other out of the mapping (HEADER=-) or delete it from the file"),
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
        if is_error_column(name):
            # Our own failed-rows file, fixed and imported again: its error column is not data.
            message = _("The column '{name}' was ignored").format(name=name)
            warnings.append(Issue(None, None, None, message, Severity.WARNING))
            continue
        base = header_key(header)
        occurrences[base] = occurrences.get(base, 0) + 1
        nth = occurrences[base]
        key = base if nth == 1 else f"{base}#{nth}"
        # The second column of one name is shown by its letter, as the spreadsheet shows it: "Phone (column Z)".
        shown = name if nth == 1 else _("{name} (column {letter})").format(name=name, letter=column_letter(index))
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
                    ignored.append(_("column {letter}").format(letter=column_letter(index)))
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
            message = _("The column '{name}' is read-only and was ignored").format(name=short(name, 80))
            warnings.append(Issue(None, field.id, None, message, Severity.WARNING))
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
        if len(ignored) > SHOWN_IGNORED:
            more = len(ignored) - SHOWN_IGNORED
            listed = ngettext("{listed} and {count} more", "{listed} and {count} more", more).format(
                listed=listed, count=group_digits(more)
            )
        message = ngettext(
            "{count} column was not imported: {listed}", "{count} columns were not imported: {listed}", len(ignored)
        ).format(count=group_digits(len(ignored)), listed=listed)
        warnings.append(Issue(None, None, None, message, Severity.WARNING))
    if "CUSTOMERID" not in fed.fields:
        if not keyed:
            raise FileRejected(
                _("The file has no Customer ID column (CUSTOMERID)"),
                _(
                    "Add a column headed CUSTOMERID or 'Customer ID' holding each customer's ID, or import with "
                    "--generate-ids to number new customers (and --match EMAIL1 to find existing ones)"
                ),
            )
        fed.feed("CUSTOMERID", (), catalogue["CUSTOMERID"].shown_label)
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
    if product is not None and product.name != mapping.name:
        message = _(
            "The mapping {name} names only {named} of the file's {total} columns: check that it is the one for this "
            "file. The file looks like it comes from {product}: --mapping {other}."
        ).format(name=mapping.name, named=named, total=total, product=product.product, other=product.name)
    else:
        message = _(
            "The mapping {name} names only {named} of the file's {total} columns: check that it is the one for this "
            "file."
        ).format(name=mapping.name, named=named, total=total)
    return [Issue(None, None, None, message, Severity.WARNING)]


def _check_required(mapping: ColumnMapping, found: set[str], header: tuple[str, ...]) -> None:
    import difflib

    missing = [h for h in dict.fromkeys(mapping.required) if header_key(h) not in found]
    if missing:
        listed = ", ".join(f"'{short(h, 60)}'" for h in missing[:10])
        # "Email Adress" for the file's "E-mail Address": the closest headers of the file, compared as keys.
        keys = {header_key(h): h.strip() for h in header if h.strip()}
        close = difflib.get_close_matches(header_key(missing[0]), list(keys), n=1, cutoff=0.7)
        hint = _(" (did you mean '{header}'?)").format(header=short(keys[close[0]], 60)) if close else ""
        raise FileRejected(
            ngettext(
                "The mapping names a column the file does not have: {listed}{hint}",
                "The mapping names columns the file does not have: {listed}{hint}",
                len(missing),
            ).format(listed=listed, hint=hint),
            _("Check the spelling against the file's header row (case and punctuation do not matter)"),
        )
