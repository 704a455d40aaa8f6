"""Helpers for the export dialog and history tests: waiting for a condition the app reaches by itself (a cancelled
worker's thread finishing after its task is gone), and a dialog's result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot


async def until(pilot: Pilot, condition: Callable[[], bool], what: str, tries: int = 200) -> None:
    """Let the app handle its messages until `condition()` holds (no fixed sleeps)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"the app never reached: {what}")


class Result:
    """The callback given to push_screen, remembering what the screen dismissed with."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> None:
        self.values.append(value)

    @property
    def value(self) -> Any:
        assert self.values, "the screen was not dismissed"
        return self.values[-1]
