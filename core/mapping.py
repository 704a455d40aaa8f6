"""Column mappings: which field(s) each column of a file from another product feeds (import-export.md, "Files from
other products").

Owns the mapping's shape (`ColumnMapping`: header -> fields or "not imported", field <- headers joined, and whether
the columns it does not name are left out), its JSON form (saved mappings, queued jobs), the `--map` and `--join`
option syntax, and how options combine with a named mapping (options win). Applying a mapping to a file's header is
`core.headers.map_columns`; the mappings custbook ships are in `core.builtin_mappings`. Pure: no I/O, no store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from core.catalogue import Catalogue, normalise_name
from core.errors import FileRejected, UsageError
from core.i18n import _

SKIP = "-"  # `--map "Notes=-"`: the column is not imported
OPTIONS_LABEL = "options"  # the label of a mapping given by --map and --join options alone
MAX_MAPPING_NAME = 80


def header_key(header: str, occurrence: int = 1) -> str:
    """How a mapping finds a column: tolerant of case, accents and punctuation, as field labels are; the second
    column of the same name (Invoice Ninja's two "Phone" columns) is written `Phone#2`."""
    base, _, number = header.strip().rpartition("#")
    if base and number.isdigit() and int(number) > 1:
        return f"{normalise_name(base)}#{int(number)}"
    key = normalise_name(header)
    return key if occurrence == 1 else f"{key}#{occurrence}"


@dataclass(frozen=True)
class ColumnMapping:
    """A file's columns as fields. `columns`: (header, fields it feeds; () = not imported); `joins`: (field, the
    headers whose non-blank values, joined by one space, form it). `others_ignored`: the columns it names neither
    way are left out with one warning (built-in mappings: products add columns between versions); otherwise they
    are read by their own names as usual. `required`: headers the file must have (those given as options: a typo
    in `--map` must not pass unnoticed)."""

    name: str | None = None
    columns: tuple[tuple[str, tuple[str, ...]], ...] = ()
    joins: tuple[tuple[str, tuple[str, ...]], ...] = ()
    others_ignored: bool = False
    product: str | None = None  # built-in mappings: the product whose exports it reads ("Google Contacts")
    required: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How the plan, the history and the JSON name it: its name; "NAME+options" when --map or --join options
        change it; "options" for options alone (OPTIONS_LABEL)."""
        if self.name and self.required:
            return f"{self.name}+{OPTIONS_LABEL}"
        return self.name or OPTIONS_LABEL

    def fields_of(self, header: str, occurrence: int = 1) -> tuple[str, ...] | None:
        """The fields the column feeds, () when it is not imported, None when the mapping does not name it."""
        key = header_key(header, occurrence)
        for name, fields in self.columns:
            if header_key(name) == key:
                return fields
        return None

    def to_json(self) -> str:
        return json.dumps(
            {
                "columns": [[h, list(f)] for h, f in self.columns],
                "joins": [[f, list(h)] for f, h in self.joins],
                "others_ignored": self.others_ignored,
                "required": list(self.required),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, name: str | None = None) -> ColumnMapping:
        data = json.loads(text)
        return cls(
            name=name if name is not None else data.get("name"),
            columns=tuple((str(h), tuple(str(x) for x in f)) for h, f in data.get("columns", ())),
            joins=tuple((str(f), tuple(str(x) for x in h)) for f, h in data.get("joins", ())),
            others_ignored=bool(data.get("others_ignored", False)),
            required=tuple(str(h) for h in data.get("required", ())),
        )

    def with_options(self, maps: tuple[str, ...] = (), joins: tuple[str, ...] = ()) -> ColumnMapping:
        """This mapping with `--map` and `--join` options over it: an option for a column (or a field, for a join)
        replaces the mapping's own entry."""
        if not maps and not joins:
            return self
        columns = dict((header_key(h), (h, f)) for h, f in self.columns)
        required = list(self.required)
        given: set[str] = set()
        for text in maps:
            header, fields = parse_map(text)
            key = header_key(header)
            if key in given and fields and columns[key][1]:
                # --map "Organization=NAME" --map "Organization=PRINTAS": one column feeding both, as NAME+PRINTAS.
                fields = tuple(dict.fromkeys((*columns[key][1], *fields)))
            columns[key] = (header, fields)
            given.add(key)
            required.append(header)
        joined = dict(self.joins)
        for text in joins:
            field, headers = parse_join(text)
            if not headers:  # --join "NAME=-": the mapping's join is switched off
                joined.pop(field, None)
                continue
            joined[field] = headers
            required.extend(headers)
        # A column left out (HEADER=-) is left out of the joins too: "Given Name=-" means not imported at all.
        left_out = {k for k, (_, fields) in columns.items() if not fields}
        joined = {
            f: kept for f, hs in joined.items() if (kept := tuple(h for h in hs if header_key(h) not in left_out))
        }
        return replace(self, columns=tuple(columns.values()), joins=tuple(joined.items()), required=tuple(required))


def from_options(
    maps: tuple[str, ...], joins: tuple[str, ...], base: ColumnMapping | None = None
) -> ColumnMapping | None:
    """The mapping an import uses: `base` (a saved or built-in mapping named with --mapping) with the options over
    it, or the options alone, or None for neither."""
    if base is None and not maps and not joins:
        return None
    return (base or ColumnMapping()).with_options(maps, joins)


def parse_map(text: str) -> tuple[str, tuple[str, ...]]:
    """`HEADER=FIELD[+FIELD...]` or `HEADER=-`. The header is what is left of the last "=" (field names have none),
    so "Contribution (%)=X" works; the fields are checked against the store's catalogue when the file is mapped."""
    header, sep, fields = text.rpartition("=")
    if not sep or not header.strip() or not fields.strip():
        raise UsageError(
            _("--map '{text}' should be written HEADER=FIELD").format(text=text),
            _('For example --map "E-mail Address=EMAIL1", --map "Company=NAME+PRINTAS" or --map "Notes=-"'),
        )
    if fields.strip() == SKIP:
        return header.strip(), ()
    names = tuple(f.strip() for f in fields.split("+"))
    if not all(names):
        raise UsageError(
            _("--map '{text}' names an empty field").format(text=text), _("Write the fields as NAME+PRINTAS")
        )
    return header.strip(), names


def parse_join(text: str) -> tuple[str, tuple[str, ...]]:
    """`FIELD=HEADER+HEADER[+...]`: the field's value is the columns' non-blank values joined by one space;
    `FIELD=-` switches off a named mapping's join for that field (headers: ())."""
    field, sep, headers = text.partition("=")
    if sep and field.strip() and headers.strip() == SKIP:
        return field.strip(), ()
    names = tuple(h.strip() for h in headers.split("+"))
    if not sep or not field.strip() or len(names) < 2 or not all(names):
        raise UsageError(
            _("--join '{text}' should be written FIELD=HEADER+HEADER").format(text=text),
            _('For example --join "NAME=Given Name+Family Name"'),
        )
    return field.strip(), names


def check_mapping_name(name: str) -> str:
    """A mapping's name, trimmed; InvalidValue when it is empty, too long, or holds characters that do not show."""
    from core.errors import InvalidValue
    from core.names import check_name

    clean = check_name(name, _("A mapping name"))
    if not clean or len(clean) > MAX_MAPPING_NAME:
        raise InvalidValue(
            _("A mapping name must have 1 to {limit} characters").format(limit=MAX_MAPPING_NAME),
            _("Choose a shorter name, like zoho-2024"),
        )
    return clean


def field_id(name: str, catalogue: Catalogue) -> str:
    """The importable field a mapping names (its ID or a label), or FileRejected saying which field was meant."""
    field = catalogue.get(name.strip().upper()) or catalogue.lookup(name)
    if field is None:
        close = catalogue.closest(name, n=2)
        hint = ""
        if len(close) == 1:
            hint = _(" (did you mean {field}?)").format(field=close[0].id)
        elif close:
            hint = _(" (did you mean {field} or {other}?)").format(field=close[0].id, other=close[1].id)
        raise FileRejected(
            _("The mapping names a field '{name}' that does not exist{hint}").format(name=name.strip()[:60], hint=hint),
            _("Use a field ID or label from `custbook fields list`"),
        )
    if not field.importable:
        raise FileRejected(
            _("The mapping sends a column to {id} ({label}), which custbook fills itself").format(
                id=field.id, label=field.shown_label
            ),
            _("Leave that column out (HEADER=-)"),
        )
    return field.id


def resolve_mapping(
    mapping: ColumnMapping, catalogue: Catalogue
) -> tuple[dict[str, tuple[str, ...]], dict[str, list[tuple[str, str]]]]:
    """The mapping against a store's fields: (column key -> field IDs, field ID -> [(column key, header)])."""
    columns = {
        header_key(h): tuple(dict.fromkeys(field_id(f, catalogue) for f in fields)) for h, fields in mapping.columns
    }
    joins = {field_id(f, catalogue): [(header_key(h), h) for h in headers] for f, headers in mapping.joins}
    return columns, joins
