"""What a saved view is: columns, filters, sort, entity records, owner and visibility, as frozen values.

Owns the view's shape, the filter expression syntax of cli.md (`ID=VALUE`, `ID!=VALUE`, `ID~TEXT`, `ID^=TEXT`,
`ID<VALUE`, `ID>VALUE`, `ID:empty`, `ID:notempty`) and the sort syntax (`[-]ID,...`), and checking every field ID
against the catalogue. It never touches SQL: `store.query` compiles a view.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum

from core.catalogue import Catalogue, FieldType
from core.errors import InvalidValue
from core.values import DateFormat, date_in

ALL_CUSTOMERS = "All customers"


class Op(StrEnum):
    EQ = "="
    NE = "!="
    CONTAINS = "~"
    STARTS = "^="
    LT = "<"
    GT = ">"
    EMPTY = ":empty"
    NOT_EMPTY = ":notempty"

    @property
    def words(self) -> str:
        return _WORDS[self]

    @property
    def needs_value(self) -> bool:
        return self not in (Op.EMPTY, Op.NOT_EMPTY)


_WORDS = {
    Op.EQ: "is",
    Op.NE: "is not",
    Op.CONTAINS: "contains",
    Op.STARTS: "starts with",
    Op.LT: "is less than",
    Op.GT: "is greater than",
    Op.EMPTY: "is empty",
    Op.NOT_EMPTY: "is not empty",
}


_DATE_WORDS = {Op.EQ: "is", Op.NE: "is not", Op.LT: "is before", Op.GT: "is after"}


@dataclass(frozen=True)
class Filter:
    field: str
    op: Op
    value: str = ""

    @property
    def expression(self) -> str:
        return f"{self.field}{self.op.value}{self.value if self.op.needs_value else ''}"

    def describe(self, catalogue: Catalogue) -> str:
        """'Credit limit is greater than “10000”'; dates as people say them: 'Contract start is before 1 April
        2024' (a saved date is YYYY-MM-DD, which reads as a code), as `views save` echoes it."""
        field = catalogue.get(self.field)
        label = field.label if field else self.field
        if field and field.type in (FieldType.DATE, FieldType.TIMESTAMP) and self.op in _DATE_WORDS:
            day = date_in(self.value, DateFormat.ISO)
            if day is not None:
                return f"{label} {_DATE_WORDS[self.op]} {day.day} {day:%B %Y}"
        return f"{label} {self.op.words}" + (f" “{self.value}”" if self.op.needs_value else "")


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False

    @property
    def expression(self) -> str:
        return ("-" if self.descending else "") + self.field


# A view's size is bounded (issue 17): each filter is one more condition the database plans, and a view of
# thousands of them took gigabytes. Far above what a person builds; the catalogue has about 150 fields.
MAX_FILTERS = 100
MAX_COLUMNS = 300
MAX_SORT_KEYS = 10
MAX_FILTER_VALUE = 1000


@dataclass(frozen=True)
class View:
    name: str
    owner: str | None = None  # None for the built-in view
    public: bool = False
    columns: tuple[str, ...] = ()  # empty = every field
    filters: tuple[Filter, ...] = ()
    sort: tuple[SortKey, ...] = ()
    include_entities: bool = False
    builtin: bool = field(default=False, compare=False)

    def definition_json(self) -> str:
        return json.dumps(
            {
                "columns": list(self.columns),
                "filters": [[f.field, f.op.value, f.value] for f in self.filters],
                "sort": [[s.field, s.descending] for s in self.sort],
                "include_entities": self.include_entities,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, name: str, owner: str, public: bool, text: str) -> View:
        data = json.loads(text)
        return cls(
            name=name,
            owner=owner,
            public=public,
            columns=tuple(data.get("columns", ())),
            filters=tuple(Filter(f, Op(o), v) for f, o, v in data.get("filters", ())),
            sort=tuple(SortKey(f, bool(d)) for f, d in data.get("sort", ())),
            include_entities=bool(data.get("include_entities", False)),
        )

    def checked(self, catalogue: Catalogue) -> View:
        """The same view with every field ID checked against the catalogue (InvalidValue naming the bad one), and
        within the limits below: every read of a view compiles it through here, so a view over them is refused
        when saved and can never be shown or exported."""
        for what, n, limit in (
            ("filters", len(self.filters), MAX_FILTERS),
            ("columns", len(self.columns), MAX_COLUMNS),
            ("sort keys", len(self.sort), MAX_SORT_KEYS),
        ):
            if n > limit:
                raise InvalidValue(
                    f"A view may have at most {limit} {what}; this one has {n:,}", f"Keep the {what} you need"
                )
        for fid in (*self.columns, *(f.field for f in self.filters), *(s.field for s in self.sort)):
            _known(fid, catalogue)
        for f in self.filters:
            if len(f.value) > MAX_FILTER_VALUE:
                raise InvalidValue(
                    f"A filter's value may have at most {MAX_FILTER_VALUE} characters", "Filter on a shorter text"
                )
        return self


def iso_date_filters(filters: tuple[Filter, ...], catalogue: Catalogue, date_format: DateFormat) -> tuple[Filter, ...]:
    """The filters with every date written YYYY-MM-DD, read from YYYY-MM-DD or `date_format` (the format the user
    typed it in). A saved view then means the same days whatever date format it is later shown or exported in:
    01/02/2024 is 1 February in one format and 2 January in another. A value that is not a date stays as typed,
    for the compiler to refuse in words."""
    out = []
    for f in filters:
        kind = catalogue[f.field].type if f.field in catalogue else None
        if kind in (FieldType.DATE, FieldType.TIMESTAMP) and f.op in (Op.EQ, Op.NE, Op.LT, Op.GT):
            day = date_in(f.value, DateFormat.ISO) or date_in(f.value, date_format)
            if day is not None:
                f = Filter(f.field, f.op, day.isoformat())
        out.append(f)
    return tuple(out)


def _known(field_id: str, catalogue: Catalogue) -> str:
    if field_id in catalogue:
        return field_id
    found = catalogue.lookup(field_id)
    if found is not None:
        return found.id
    close = ", ".join(f.id for f in catalogue.closest(field_id))
    raise InvalidValue(
        f"'{field_id}' is not a customer field" + (f" (did you mean {close}?)" if close else ""),
        "See the field IDs with: custbook fields list",
    )


_FILTER_RE = re.compile(
    r"^\s*(?P<field>[^=!~<>^:]+?)\s*(?P<op>!=|\^=|=|~|<|>|:empty\s*$|:notempty\s*$)(?P<value>.*)$", re.S
)


def parse_filter(text: str, catalogue: Catalogue) -> Filter:
    match = _FILTER_RE.match(text)
    if not match:
        raise InvalidValue(
            f"'{text}' is not a filter",
            "Write ID=VALUE, ID!=VALUE, ID~TEXT (contains), ID^=TEXT (starts with), ID<VALUE, ID>VALUE, ID:empty "
            "or ID:notempty",
        )
    op = Op(match["op"].strip())
    value = match["value"] if op.needs_value else ""
    if op not in (Op.CONTAINS, Op.STARTS):
        value = value.strip()  # "COUNTRY = France": the spaces around an operator are layout, not the value
    return Filter(_known(match["field"], catalogue), op, value)


def parse_sort(text: str, catalogue: Catalogue) -> tuple[SortKey, ...]:
    keys = []
    for part in text.split(","):
        word = part.strip()
        if not word:
            continue
        descending = word.startswith("-")
        keys.append(SortKey(_known(word.lstrip("-+").strip(), catalogue), descending))
    return tuple(keys)


def parse_columns(text: str, catalogue: Catalogue) -> tuple[str, ...]:
    columns = tuple(_known(p.strip(), catalogue) for p in text.split(",") if p.strip())
    if len(set(columns)) != len(columns):
        raise InvalidValue("A column is listed twice in --columns", "List each field once")
    return columns
