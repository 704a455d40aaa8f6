"""Numbers and dates on screen and in documents, as the user's region writes them (cli.md: the region comes from
the locale, `LC_ALL`, then `LC_NUMERIC` / `LC_TIME`, then `LANG`; with none, dates as DD/MM/YYYY).

Files are not affected: imports follow `--date-format` and "CSV for import" stays canonical. The region's symbols
and date order come from Babel (CLDR), imported only when a region is set and only here, once per process: the
command line's imports and dry runs never pay for it. A region's amounts are formatted by hand with its symbols,
which is exact for two decimals and about 20 times quicker than formatting each cell with Babel.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from core.i18n import current_language
from core.values import DateFormat

NARROW_NBSP = "\u202f"  # CLDR's French grouping separator
_NO_REGION = {"C", "POSIX", ""}


@dataclass(frozen=True)
class Region:
    """How one region writes amounts and dates: `decimal` and `group` symbols and a `date_format` custbook knows."""

    name: str | None  # the locale's identifier ('fr_FR'), or None when the environment names no region
    decimal: str
    group: str
    date_format: DateFormat

    def amount(self, value: Decimal | None) -> str:
        """'500 000,00' (fr_FR), '500,000.00' (en_US): two decimals, as the store keeps amounts."""
        if value is None:
            return ""
        text = f"{value:,.2f}"
        if (self.group, self.decimal) == (",", "."):
            return text
        return text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)

    def parse_amount(self, text: str) -> Decimal:
        """What a person typed as an amount: the region's own writing ('1 234,50' in French: any space, no-break
        space or the group symbol between digits) or the plain form ('1234.50'). Raises ValueError."""
        cleaned = re.sub(r"[\s\u00a0\u202f]", "", text.strip())
        if not cleaned:
            raise ValueError(text)
        if self.decimal != "." and self.decimal in cleaned:
            cleaned = cleaned.replace(self.group.strip() or "\0", "").replace(self.decimal, ".")
        elif self.group == "," and "," in cleaned:
            cleaned = cleaned.replace(",", "")
        elif self.group not in (".", ",") or "." not in cleaned:
            cleaned = cleaned.replace(self.group, "") if self.group.strip() else cleaned
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
            raise ValueError(text)
        try:
            return Decimal(cleaned)
        except InvalidOperation as exc:
            raise ValueError(text) from exc

    def date(self, value: dt.date | None) -> str:
        return "" if value is None else self.date_format.format(value)

    def parse_date(self, text: str) -> dt.date:
        """A typed date in the shown format or as YYYY-MM-DD (cli.md). Raises ValueError."""
        stripped = text.strip()
        for fmt in (self.date_format, DateFormat.ISO):
            match = fmt.regex().match(stripped)
            if match:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        raise ValueError(text)


def region_name(environ: Mapping[str, str] | None = None) -> str | None:
    """The locale's region for numbers and dates: LC_ALL, else LC_NUMERIC or LC_TIME, else LANG ('fr_BE.UTF-8'
    gives 'fr_BE'); None for C, POSIX, an unset locale or a locale without a territory."""
    env = os.environ if environ is None else environ
    for names in (("LC_ALL",), ("LC_NUMERIC", "LC_TIME"), ("LANG",)):
        for name in names:
            value = env.get(name, "")
            if value:
                base = value.split(".")[0].split("@")[0]
                return base if base not in _NO_REGION and "_" in base else None
    return None


def screen_region(environ: Mapping[str, str] | None = None) -> Region:
    """The region the screen and documents follow now: the locale's, else the language's writing of numbers with
    dates as DD/MM/YYYY."""
    return region_for(region_name(environ), current_language())


@lru_cache(maxsize=16)
def region_for(name: str | None, language: str) -> Region:
    if name:
        found = _from_cldr(name)
        if found is not None:
            return found
    if language == "fr":
        return Region(None, ",", NARROW_NBSP, DateFormat.DMY_SLASH)
    return Region(None, ".", ",", DateFormat.DMY_SLASH)


def _from_cldr(name: str) -> Region | None:
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # pragma: no cover - Babel is a dependency; a broken install still shows numbers
        return None
    try:
        locale = Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return None
    symbols = locale.number_symbols.get("latn", locale.number_symbols)
    decimal, group = symbols.get("decimal", "."), symbols.get("group", ",")
    if group in ("\u00a0", " "):
        group = NARROW_NBSP if locale.language == "fr" else "\u00a0"
    return Region(name, decimal, group, _date_format(locale.date_formats["short"].pattern))


def _date_format(pattern: str) -> DateFormat:
    """The DateFormat closest to a CLDR short date pattern ('dd/MM/y' fr_FR, 'M/d/yy' en_US, 'dd.MM.yy' de_DE,
    'y-MM-dd' fr_CA, 'dd-MM-y' nl_NL): its order of day, month and year and its separator."""
    order = "".join(ch for ch in re.sub(r"(.)\1+", r"\1", pattern) if ch in "dMy")
    sep = next((ch for ch in pattern if ch in "/.-"), "/")
    for fmt in DateFormat:
        f_order = "".join({"D": "d", "M": "M", "Y": "y"}[p[0]] for p in re.split(r"[/.-]", fmt.value))
        if f_order == order and sep in fmt.value:
            return fmt
    if order.startswith("y"):
        return DateFormat.ISO
    return DateFormat.MDY_SLASH if order.startswith("M") else DateFormat.DMY_SLASH
