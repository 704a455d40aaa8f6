"""What the Word and PDF documents say around their table, and how they show its values: for people, so in the
user's language and, for amounts, as the user's region writes them.

The title (the built-in view's name translated), the line of filters, sort, date and row count, the page footer's
words, and the cells' text. Amounts follow the region (core.regional: '500 000,00' in France, '500,000.00' in the
US); in English with no region named by the locale they stay as the files write them ('500000.00'), as before.
Dates stay in the export's date format: `ExportTable.date_format` cannot tell a date format the user chose from the
default one, and a chosen format must win. The CSV and Excel files are not affected: they stay canonical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from core.i18n import _, current_language, group_digits, ngettext, pgettext
from core.regional import Region, region_name, screen_region
from core.values import Value
from core.viewdef import shown_view_name
from formats.csv.for_import import display_formatter
from formats.writer import ExportTable


def page_of() -> str:
    """The footer of every page: 'Page {page} of {pages}', filled by the writer (Word fills in fields)."""
    return _("Page {page} of {pages}")


def title(table: ExportTable) -> str:
    return shown_view_name(table.title)


def summary_parts(table: ExportTable) -> list[str]:
    """The line under the title, in parts the writer joins with its separator: 'Filters: ...', the order,
    'Generated 28/11/2026 09:30', '5 rows'."""
    if table.filters:
        listed = pgettext("between filters", "; ").join(table.filters)
        parts = [_("Filters: {filters}").format(filters=listed)]
    else:
        parts = [_("No filters")]
    if table.sort:
        parts.append(table.sort)
    when = f"{table.date_format.format(table.generated.date())} {table.generated:%H:%M}"
    parts.append(_("Generated {when}").format(when=when))
    parts.append(ngettext("{count} row", "{count} rows", table.row_count).format(count=group_digits(table.row_count)))
    return parts


def region(table: ExportTable) -> Region | None:
    """The region the document's amounts follow, with the export's date format; None (amounts as in files) in
    English when the locale names no region."""
    if region_name() is None and current_language() == "en":
        return None
    return replace(screen_region(), date_format=table.date_format)


def cell_formatters(table: ExportTable) -> list[Callable[[Value], str]]:
    """One function per column turning a value into the text a reader of the document sees."""
    shown_in = region(table)
    return [display_formatter(c.type, table.date_format, shown_in) for c in table.columns]
