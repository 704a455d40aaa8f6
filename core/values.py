"""Parsing one cell into a typed value, per field type, with messages a non-programmer can act on.

Owns the text -> value rules of fields.md and import-export.md (dates in the chosen format, decimals with either
separator convention, booleans in English or French, enums in any case, e-mail syntax) and the value -> text rules
the CSV for import writes, so that a written value reads back unchanged. Pure functions; no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

from core.catalogue import ENUM_SYNONYMS, Field, FieldType
from core.errors import InvalidValue
from core.i18n import LANGUAGES, N_, _, group_digits, using_language

Value = str | Decimal | bool | dt.date | dt.datetime | int | None


# The formats as the screens and messages write them, translated (French: JJ/MM/AAAA): see DateFormat.shown.
_SHOWN_FORMATS = (
    N_("DD/MM/YYYY"), N_("MM/DD/YYYY"), N_("YYYY-MM-DD"), N_("DD.MM.YYYY"), N_("DD-MM-YYYY"), N_("YYYY/MM/DD")
)  # fmt: skip


class DateFormat(Enum):
    DMY_SLASH = "DD/MM/YYYY"
    MDY_SLASH = "MM/DD/YYYY"
    ISO = "YYYY-MM-DD"
    DMY_DOT = "DD.MM.YYYY"
    DMY_DASH = "DD-MM-YYYY"
    YMD_SLASH = "YYYY/MM/DD"

    @property
    def shown(self) -> str:
        """The format as people write it in their language: DD/MM/YYYY, JJ/MM/AAAA in French."""
        return _(self.value)

    @classmethod
    def parse(cls, text: str) -> DateFormat:
        wanted = text.strip().upper()
        for fmt in cls:
            if fmt.value == wanted:
                return fmt
        for language in LANGUAGES:  # JJ/MM/AAAA, as the French screens write it
            with using_language(language):
                for fmt in cls:
                    if fmt.shown.upper() == wanted:
                        return fmt
        names = ", ".join(f.shown for f in cls)
        raise InvalidValue(
            _("'{text}' is not a date format custbook knows").format(text=text),
            _("Use one of: {names}").format(names=names),
        )

    @property
    def _parts(self) -> tuple[str, str]:
        sep = {"/": "/", ".": ".", "-": "-"}
        for ch in sep:
            if ch in self.value:
                return ch, self.value.split(ch)[0][0]
        raise AssertionError(self.value)

    def format(self, value: dt.date) -> str:
        sep, first = self._parts
        d, m, y = f"{value.day:02d}", f"{value.month:02d}", f"{value.year:04d}"
        order = {"D": (d, m, y), "M": (m, d, y), "Y": (y, m, d)}[first]
        return sep.join(order)

    def regex(self) -> re.Pattern[str]:
        sep, first = self._parts
        s = re.escape(sep)
        if first == "Y":
            return re.compile(rf"^(?P<y>\d{{4}}){s}(?P<m>\d{{1,2}}){s}(?P<d>\d{{1,2}})$")
        a, b = ("d", "m") if first == "D" else ("m", "d")
        return re.compile(rf"^(?P<{a}>\d{{1,2}}){s}(?P<{b}>\d{{1,2}}){s}(?P<y>\d{{4}})$")


class ValueProblem(Exception):
    """A cell that cannot become a value of its field; the text is shown to the user as is."""


@dataclass(frozen=True)
class ParseOptions:
    date_format: DateFormat = DateFormat.DMY_SLASH
    decimal_comma: bool = False  # semicolon-delimited files write 1 234,50
    iso_dates: bool = False  # xlsx cells that are real dates arrive as ISO text
    typed: bool = False  # typed in the form by a person: either decimal mark (1 234,50 or 1,234.50)

    @classmethod
    def for_file(cls, date_format: DateFormat, delimiter: str | None) -> ParseOptions:
        """The options for a file as read: semicolon files come from locales that write decimals with a comma
        (`1 234,50`); a workbook (no delimiter) gives its real dates as ISO text."""
        return cls(date_format=date_format, decimal_comma=delimiter == ";", iso_dates=delimiter is None)


TRUE_WORDS = frozenset({"true", "vrai", "yes", "oui", "1"})
FALSE_WORDS = frozenset({"false", "faux", "no", "non", "0"})
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _plus_non_ascii(ascii_chars: str) -> str:
    """A character class: `ascii_chars` and U+00A0..U+FFFF. Written as what it leaves out, which Python compiles
    60 times faster than the range (a CLI command starts 15 ms sooner); `tests/formats` checks it is the same set."""
    left_out = "".join(re.escape(chr(c)) for c in range(0xA0) if chr(c) not in ascii_chars)
    return f"[^{left_out}\U00010000-\U0010ffff]"


_LOCAL = _plus_non_ascii(_ALNUM + ".!#$%&'*+/=?^_`{|}~-")
_LABEL_END = _plus_non_ascii(_ALNUM)
_LABEL = _plus_non_ascii(_ALNUM + "-")
_TLD = _plus_non_ascii(_ALNUM[:52])
_EMAIL_RE = re.compile(
    rf"^{_LOCAL}+@(?:{_LABEL_END}(?:{_LABEL}{{0,61}}{_LABEL_END})?\.)+"
    rf"(?:{_TLD}{{2,}}|[Xx][Nn]--[A-Za-z0-9\-]+)$"  # a TLD, or its punycode form
)
_THOUSANDS_SPACES = " \u00a0\u202f"
_ISO_RE = DateFormat.ISO.regex()
_CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")
MAX_DECIMAL = Decimal("9999999999999999.99")
_PLAIN_DECIMAL = re.compile(r"\d{1,16}(\.\d{1,2})?")
_CENTS = Decimal("0.01")


def _text(field: Field) -> Callable[[str], Value]:
    limit = field.max_len
    is_key = field.id == "CUSTOMERID" or field.type is FieldType.REF
    is_currency = field.id == "CURRENCY"

    def parse(cell: str) -> Value:
        text = cell.strip()
        if limit is not None and len(text) > limit:
            raise ValueProblem(too_long(field, len(text), limit))
        if is_key and ("\n" in text or "\r" in text or "\t" in text):  # three C searches, no generator per cell
            raise ValueProblem(
                _("{label} cannot contain line breaks or tabs. Remove them").format(label=field.shown_label)
            )
        if is_currency:
            if not _CURRENCY_RE.match(text):
                raise ValueProblem(
                    _("{label} must be a 3-letter ISO code such as EUR, USD or GBP").format(label=field.shown_label)
                )
            return text.upper()
        return text

    return parse


def too_long(field: Field, length: int, limit: int) -> str:
    """The problem of a text longer than its field holds (the column parser says it too)."""
    return _("{label} is {length} characters long; it can hold at most {limit}. Shorten it").format(
        label=field.shown_label, length=group_digits(length), limit=group_digits(limit)
    )


def _email(field: Field, options: ParseOptions) -> Callable[[str], Value]:
    limit = field.max_len or 200

    def parse(cell: str) -> Value:
        text = cell.strip()
        if len(text) > limit:
            raise ValueProblem(
                _("{label} is too long ({length} characters, at most {limit}). Shorten it").format(
                    label=field.shown_label, length=group_digits(len(text)), limit=group_digits(limit)
                )
            )
        if not _EMAIL_RE.match(text) or ".." in text:
            if options.typed:  # the form has no cells
                message = _("'{text}' is not an e-mail address. Write it as name@example.com (one address)")
            else:
                message = _("'{text}' is not an e-mail address. Write it as name@example.com (one address per cell)")
            raise ValueProblem(message.format(text=text[:60]))
        return text

    return parse


def _bool(field: Field) -> Callable[[str], Value]:
    def parse(cell: str) -> Value:
        word = cell.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueProblem(
            _("{label} is a checkbox: write TRUE or FALSE (VRAI or FAUX also work)").format(label=field.shown_label)
        )

    return parse


def _enum(field: Field) -> Callable[[str], Value]:
    lookup = {v.casefold(): v for v in field.values}
    lookup.update(ENUM_SYNONYMS.get(field.id, {}))
    choices = ", ".join(field.values)

    def parse(cell: str) -> Value:
        hit = lookup.get(cell.strip().casefold())
        if hit is None:
            raise ValueProblem(
                _("'{value}' is not a {label} value. Use one of: {choices}").format(
                    value=cell.strip()[:60], label=field.shown_label, choices=choices
                )
            )
        return hit

    return parse


def _date(field: Field, options: ParseOptions) -> Callable[[str], Value]:
    pattern = options.date_format.regex()
    name = options.date_format.shown

    def parse(cell: str) -> Value:
        text = cell.strip()
        match = pattern.match(text) or (_ISO_RE.match(text) if options.iso_dates else None)
        if not match:
            message = _("'{text}' is not a date in the format {format}. Write it as {format}")
            raise ValueProblem(message.format(text=text[:40], format=name) + _other_format(text, options))
        try:
            return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            message = _("'{text}' is not a real date (format {format}). Check the day and the month")
            raise ValueProblem(message.format(text=text, format=name) + _other_format(text, options)) from None

    return parse


def date_in(text: str, fmt: DateFormat) -> dt.date | None:
    """The date `text` (trimmed) is in the format `fmt`, or None when it is not one."""
    match = fmt.regex().match(text.strip())
    if not match:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def other_formats(text: str, options: ParseOptions) -> list[DateFormat]:
    """The other date formats in which `text` is a real date."""
    return [fmt for fmt in DateFormat if fmt is not options.date_format and date_in(text, fmt) is not None]


def _other_format(text: str, options: ParseOptions) -> str:
    """A hint when the date reads correctly in another format: a US file (12/25/2024) imported with DD/MM/YYYY is
    the usual case, and the fix is the import's date format, not the file. A sentence of its own, after ". "."""
    for fmt in other_formats(text, options):
        if options.typed:  # typed in a form: there is no file and no import option to change
            hint = _("If you meant {other}, type it as {format} or YYYY-MM-DD")
        else:
            hint = _("If the file writes its dates as {other}, import it with that date format")
        return ". " + hint.format(other=fmt.shown, format=options.date_format.shown)
    return ""


def month_name(month: int) -> str:
    """A month's name in the language of the moment (the C library's %B is English whatever the language)."""
    return (
        _("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"), _("August"),
        _("September"), _("October"), _("November"), _("December"),
    )[month - 1]  # fmt: skip


def spoken_date(value: dt.date) -> str:
    """A date as people say it, not a code: '9 December 2019' ('1er avril 2024' in French). Messages use it where
    a date in a numeric format would be ambiguous (which is day, which is month?)."""
    month = month_name(value.month)
    if value.day == 1:  # French says the first of the month "1er"
        return _("1 {month} {year}").format(month=month, year=value.year)
    return _("{day} {month} {year}").format(day=value.day, month=month, year=value.year)


_MONEY_SIGN_RE = re.compile(r"[$€£¥₹¤₽₩₪₺฿₫]|\b(?:USD|EUR|GBP|CHF|CAD|AUD|JPY|CNY|INR|SEK|NOK|DKK|PLN)\b", re.I)


def _typed_decimal(text: str, options: ParseOptions) -> Decimal:
    try:
        return parse_decimal_text(text, options.decimal_comma)
    except (ValueError, InvalidOperation):
        if not options.typed:
            raise
        return parse_decimal_text(text, not options.decimal_comma)


# Scientific notation as spreadsheets and other products write numbers (Salesforce's 6.0E7, 1.5e+3, 1,5E3 in a
# semicolon file): read exactly, so that the usual checks (decimals, size) still refuse what would be rounded.
_SCIENTIFIC = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)[eE][+-]?\d{1,4}")


def parse_decimal_text(text: str, decimal_comma: bool) -> Decimal:
    """Read `1234.5`, `1,234.50`, `6.0E7` or (decimal_comma) `1234,5`, `1 234,50`; ValueError for anything else."""
    s = text.strip()
    if _SCIENTIFIC.fullmatch(s):
        return Decimal(s.replace(",", "."))  # a comma before an exponent is a decimal comma: no thousands there
    point, group = (",", ".") if decimal_comma else (".", ",")
    if decimal_comma and "," not in s and s.count(".") == 1 and len(s.split(".")[1]) != 3:
        point, group = ".", ","  # "1234.5" in a semicolon file is unambiguous: a decimal point
    sign = ""
    if s and s[0] in "-+":
        sign, s = ("-" if s[0] == "-" else ""), s[1:]
    whole, _, fraction = s.partition(point)
    if point in fraction:
        raise ValueError(text)
    groups = re.split(f"[{_THOUSANDS_SPACES}{re.escape(group)}]", whole)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or not all(len(g) == 3 for g in groups[1:])):
        raise ValueError(text)
    digits = "".join(groups)
    if not re.fullmatch(r"\d*", digits) or not re.fullmatch(r"\d*", fraction) or not (digits or fraction):
        raise ValueError(text)
    return Decimal(f"{sign}{digits or '0'}.{fraction or '0'}")


def _decimal(field: Field, options: ParseOptions) -> Callable[[str], Value]:
    example = "1 234,50" if options.decimal_comma else "1234.50"

    def parse(cell: str) -> Value:
        text = cell.strip()
        if _PLAIN_DECIMAL.fullmatch(text):
            # The common case ("1234.50", what every export writes), without the separator analysis below.
            value = Decimal(text)
            if value > MAX_DECIMAL:
                raise ValueProblem(_too_large(text, field))
            return value.quantize(_CENTS)
        try:
            value = _typed_decimal(text, options)
        except (ValueError, InvalidOperation):
            if _MONEY_SIGN_RE.search(text):
                message = _("'{text}' has a currency sign or code. Write the amount alone, like {example}")
            else:
                message = _("'{text}' is not a number. Write it like {example}")
            raise ValueProblem(message.format(text=text[:40], example=example)) from None
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise ValueProblem(
                _("{label} keeps 2 decimals; '{text}' has more. Round it yourself").format(
                    label=field.shown_label, text=text
                )
            )
        if field.min_value is not None and value < field.min_value:
            raise ValueProblem(_("{label} cannot be negative ('{text}')").format(label=field.shown_label, text=text))
        if abs(value) > MAX_DECIMAL:
            raise ValueProblem(_too_large(text, field))
        return value.quantize(Decimal("0.01"))

    return parse


def _too_large(text: str, field: Field) -> str:
    return _("'{text}' is too large for {label}").format(text=text, label=field.shown_label)


def parser_for(field: Field, options: ParseOptions) -> Callable[[str], Value]:
    """The function turning a non-blank cell into this field's value, raising ValueProblem."""
    kind = field.type
    if kind is FieldType.BOOL:
        return _bool(field)
    if kind is FieldType.ENUM:
        return _enum(field)
    if kind is FieldType.DATE:
        return _date(field, options)
    if kind is FieldType.DECIMAL:
        return _decimal(field, options)
    if kind is FieldType.EMAIL:
        return _email(field, options)
    return _text(field)


def format_value(value: Value, date_format: DateFormat = DateFormat.DMY_SLASH) -> str:
    """The text the CSV for import writes for a value, which `parser_for` reads back to the same value."""
    if value is None:
        return ""
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return date_format.format(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def canonical_text(value: Value) -> str | None:
    """How the history stores a value: locale-free, castable back by DuckDB (ISO dates, plain decimals)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)
