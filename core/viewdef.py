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
from core.i18n import LANGUAGES, _, group_digits, using_language
from core.values import DateFormat, date_in, spoken_date

# The built-in view's name, as stored and as `--view` takes it; shown translated (`shown_view_name`).
ALL_CUSTOMERS = "All customers"


def is_all_customers(name: str) -> bool:
    """The built-in view named in any language custbook speaks ("All customers", "tous les clients"): what a list
    shows in French is what a user then types, and no one may save a view of that name in either language."""
    folded = name.strip().casefold()
    if folded == ALL_CUSTOMERS.casefold():
        return True
    for language in LANGUAGES:
        with using_language(language):
            if folded == _("All customers").casefold():
                return True
    return False


def shown_view_name(name: str) -> str:
    """A view's name as people read it: the built-in view's in the user's language, the others as they were saved
    (no one may save a view called "All customers", so the name alone tells the built-in one)."""
    return _("All customers") if name == ALL_CUSTOMERS else name


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
        """The operator in words, in the user's language ('is greater than')."""
        return _words()[self]

    @property
    def needs_value(self) -> bool:
        return self not in (Op.EMPTY, Op.NOT_EMPTY)


# The words of each operator, and a filter said as a whole sentence (so that a translation may order and agree its
# words), built when asked for: in the language of the moment.
def _words() -> dict[Op, str]:
    return {
        Op.EQ: _("is"),
        Op.NE: _("is not"),
        Op.CONTAINS: _("contains"),
        Op.STARTS: _("starts with"),
        Op.LT: _("is less than"),
        Op.GT: _("is greater than"),
        Op.EMPTY: _("is empty"),
        Op.NOT_EMPTY: _("is not empty"),
    }


def _sentence(op: Op) -> str:
    return {
        Op.EQ: _("{field} is “{value}”"),
        Op.NE: _("{field} is not “{value}”"),
        Op.CONTAINS: _("{field} contains “{value}”"),
        Op.STARTS: _("{field} starts with “{value}”"),
        Op.LT: _("{field} is less than “{value}”"),
        Op.GT: _("{field} is greater than “{value}”"),
        Op.EMPTY: _("{field} is empty"),
        Op.NOT_EMPTY: _("{field} is not empty"),
    }[op]


_DATE_OPS = (Op.EQ, Op.NE, Op.LT, Op.GT)


def _date_sentence(op: Op) -> str:
    return {
        Op.EQ: _("{field} is {date}"),
        Op.NE: _("{field} is not {date}"),
        Op.LT: _("{field} is before {date}"),
        Op.GT: _("{field} is after {date}"),
    }[op]


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
        label = field.shown_label if field else self.field
        if field and field.type in (FieldType.DATE, FieldType.TIMESTAMP) and self.op in _DATE_OPS:
            day = date_in(self.value, DateFormat.ISO)
            if day is not None:
                return _date_sentence(self.op).format(field=label, date=spoken_date(day))
        return _sentence(self.op).format(field=label, value=self.value)


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
        if len(self.filters) > MAX_FILTERS:
            raise InvalidValue(
                _("A view may have at most {limit} filters; this one has {count}").format(
                    limit=MAX_FILTERS, count=group_digits(len(self.filters))
                ),
                _("Keep the filters you need"),
            )
        if len(self.columns) > MAX_COLUMNS:
            raise InvalidValue(
                _("A view may have at most {limit} columns; this one has {count}").format(
                    limit=MAX_COLUMNS, count=group_digits(len(self.columns))
                ),
                _("Keep the columns you need"),
            )
        if len(self.sort) > MAX_SORT_KEYS:
            raise InvalidValue(
                _("A view may have at most {limit} sort keys; this one has {count}").format(
                    limit=MAX_SORT_KEYS, count=group_digits(len(self.sort))
                ),
                _("Keep the sort keys you need"),
            )
        for fid in (*self.columns, *(f.field for f in self.filters), *(s.field for s in self.sort)):
            _known(fid, catalogue)
        for f in self.filters:
            if len(f.value) > MAX_FILTER_VALUE:
                raise InvalidValue(
                    _("A filter's value may have at most {limit} characters").format(limit=MAX_FILTER_VALUE),
                    _("Filter on a shorter text"),
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
    if close:
        message = _("'{name}' is not a customer field (did you mean {fields}?)").format(name=field_id, fields=close)
    else:
        message = _("'{name}' is not a customer field").format(name=field_id)
    raise InvalidValue(message, _("See the field IDs with: custbook fields list"))


_FILTER_RE = re.compile(
    r"^\s*(?P<field>[^=!~<>^:]+?)\s*(?P<op>!=|\^=|=|~|<|>|:empty\s*$|:notempty\s*$)(?P<value>.*)$", re.S
)


def parse_filter(text: str, catalogue: Catalogue) -> Filter:
    match = _FILTER_RE.match(text)
    if not match:
        raise InvalidValue(
            _("'{text}' is not a filter").format(text=text),
            _(
                "Write ID=VALUE, ID!=VALUE, ID~TEXT (contains), ID^=TEXT (starts with), ID<VALUE, ID>VALUE, ID:empty "
                "or ID:notempty"
            ),
        )
    op = Op(match["op"].strip())
    value = match["value"] if op.needs_value else ""
    if op in (Op.EQ, Op.NE) and not value.strip():
        # "CITY=" is what people type for "no city" (matching nobody, as "is “”", it looked like an empty result)
        op = Op.EMPTY if op is Op.EQ else Op.NOT_EMPTY
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
        raise InvalidValue(_("A column is listed twice in --columns"), _("List each field once"))
    return columns
