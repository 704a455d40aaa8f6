"""Tick boxes that say their state in text, not by colour alone: "X" when ticked, blank when not.

Textual draws the same "X" in both states and tells them apart by colour, which reads wrong with NO_COLOR=1, on a
monochrome terminal or to a colour-blind user. `TickBox` is Textual's Checkbox with that one difference; the view
builder's list of columns draws TICK and NO_TICK the same way (tui/widgets/view_parts.py).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox

TICK, NO_TICK = "X", " "


class TickBox(Checkbox):
    @property
    def _button(self) -> Content:
        # Textual draws BUTTON_INNER between the sides: the mark follows the value, the drawing stays Textual's.
        self.BUTTON_INNER = TICK if self.value else NO_TICK
        return super()._button
