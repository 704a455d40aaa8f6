"""Moments in the interface's tables (a batch, a job): the day and the time, written in the session's date format,
the year left out when it is this year's (what a narrow screen has room for; the line under the table, and the
titles, say the whole date)."""

from __future__ import annotations

import datetime as dt

from core.values import DateFormat


def when(at: dt.datetime, date_format: DateFormat) -> str:
    """'28/11/2026 08:54': the date in `date_format`, then the time."""
    return f"{date_format.format(at.date())} {at:%H:%M}"


def day_and_month(day: dt.date, date_format: DateFormat) -> str:
    """The date in `date_format` without its year ('28/11', '11/28', '11-28', '28.11')."""
    text, year = date_format.format(day), f"{day.year:04d}"
    if text.endswith(year):
        return text[: -len(year) - 1]
    if text.startswith(year):
        return text[len(year) + 1 :]
    return text


def today() -> dt.date:
    """Today's date, the year of which a short date leaves out (a function of its own: tests fix it)."""
    return dt.date.today()


def short_when(at: dt.datetime, date_format: DateFormat) -> str:
    """'28/11 08:54' for a moment of this year, else as `when` writes it (with the year)."""
    if at.year != today().year:
        return when(at, date_format)
    return f"{day_and_month(at.date(), date_format)} {at:%H:%M}"
