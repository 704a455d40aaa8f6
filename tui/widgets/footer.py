"""Footer: Textual's footer with every key's description in the user's language, on two lines when one is too
narrow for them.

Screens declare their keys at import time (`BINDINGS`), before the language is chosen, so a binding's description
is the English text marked with `N_()`; this footer translates it when it draws the keys (and again whenever the
bindings change or the language is switched: the footer is recomposed). Textual's own palette key ("palette") is
translated here too. French words are about a fifth longer than English ones: where the keys do not fit the width
(the list's ten keys at 80 columns), they go on as many lines as they need rather than be cut at the edge.
Every screen yields this footer instead of `textual.widgets.Footer`.

May import: core.i18n; textual and rich.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.compose import compose
from textual.containers import HorizontalGroup
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey, FooterLabel

from core.i18n import N_, _

# Textual's own words in the footer and its tooltips, for extraction: translated like our descriptions.
TEXTUAL_WORDS = (N_("palette"), N_("Open the command palette"))
MAX_LINES = 3


class FooterLine(HorizontalGroup):
    """One line of keys, when they take more than one."""

    DEFAULT_CSS = """
    FooterLine {
        width: 1fr;
        height: 1;
    }
    """


class Footer(TextualFooter):
    """The keys of the screen, described in the current language, on more lines where one is too narrow."""

    _composed_width = 0

    def compose(self) -> ComposeResult:
        # Textual builds the keys (groups, the palette key, disabled keys) from the screen's active bindings; each
        # is translated on its way out, then laid out in lines that fit the width.
        widgets = compose(self, _translated(super().compose()))
        width = self.size.width or self.app.size.width
        self._composed_width = width
        lines = _lines(widgets, width, compact=self.compact)
        self.styles.height = len(lines)
        self.styles.layout = "horizontal" if len(lines) == 1 else "vertical"
        if len(lines) == 1:
            yield from lines[0]
            return
        for line in lines:
            with FooterLine():
                yield from line

    def on_resize(self, event: events.Resize) -> None:
        # Another width may need another number of lines: lay the keys out again (only when the width changed).
        if self._bindings_ready and event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)


def _translated(widgets: Iterable[Widget]) -> Iterator[Widget]:
    """The footer's widgets, their descriptions and tooltips translated (passed through one by one, so that
    Textual's `with KeyGroup()` nesting still applies)."""
    for widget in widgets:
        if isinstance(widget, FooterKey):
            widget.description = _(widget.description)
            if isinstance(widget.tooltip, str) and widget.tooltip:
                widget.tooltip = _(widget.tooltip)
        elif isinstance(widget, FooterLabel) and isinstance(widget.content, str):
            widget.content = _(widget.content)
        yield widget


def _key_width(key: FooterKey, compact: bool) -> int:
    """The cells a key takes in the footer (Textual's FooterKey styles: the key padded, then its description)."""
    shown, description = cell_len(key.key_display), cell_len(key.description)
    apart = 1 if compact else 0  # compact keys have a margin; the others are padded
    if not description:
        return shown + apart
    return shown + 1 + description + (apart if compact else 2)


def _lines(widgets: list[Widget], width: int, *, compact: bool) -> list[list[Widget]]:
    """The widgets split into lines that fit `width`, in their order; one line when they fit (the palette's key
    left out when only it does not), when the width is not known yet, or when the screen groups keys (Textual's
    KeyGroup, which this footer does not split)."""
    palette = [w for w in widgets if w.has_class("-command-palette")]
    keys = [w for w in widgets if w not in palette]
    if not width or not all(isinstance(w, FooterKey) for w in keys):
        return [widgets]
    needed = sum(_key_width(k, compact) for k in keys if isinstance(k, FooterKey))
    room = width - sum(_key_width(p, compact) + 2 for p in palette if isinstance(p, FooterKey))
    if needed > room and needed <= width:
        # The palette's own key is the first to go where room is short (Ctrl+P still opens it; the help says so):
        # the screen's keys keep one line.
        return [keys]
    # The palette key is docked on the right of the first line: that line has less room.
    lines: list[list[Widget]] = [[*palette]]
    used = 0
    for key in keys:
        assert isinstance(key, FooterKey)
        one = _key_width(key, compact)
        if used and used + one > room and len(lines) < MAX_LINES:
            lines.append([])
            used, room = 0, width
        lines[-1].append(key)
        used += one
    return lines
