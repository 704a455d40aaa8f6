"""Tick boxes that say their state in text, not by colour alone: "X" when ticked, blank when not.

Textual draws the same "X" in both states and tells them apart by colour, which reads wrong with NO_COLOR=1, on a
monochrome terminal or to a colour-blind user. `TickBox` is Textual's Checkbox with that one difference; `ticked`
does the same for a line of a SelectionList (the view builder's columns).
"""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox
from textual.widgets._toggle_button import ToggleButton

TICK, NO_TICK = "X", " "


class TickBox(Checkbox):
    @property
    def _button(self) -> Content:
        # Textual draws BUTTON_INNER between the sides: the mark follows the value, the drawing stays Textual's.
        self.BUTTON_INNER = TICK if self.value else NO_TICK
        return super()._button


def ticked(strip: Strip, selected: bool) -> Strip:
    """A SelectionList line (left side, mark, right side, then the prompt) with its mark saying `selected`."""
    segments = list(strip)
    if len(segments) < 3 or segments[1].text != ToggleButton.BUTTON_INNER:
        return strip
    mark = segments[1]
    segments[1] = Segment(TICK if selected else NO_TICK, mark.style, mark.control)
    return Strip(segments, strip.cell_length)
