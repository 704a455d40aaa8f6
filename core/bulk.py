"""Bulk work over a whole file: the cyclic garbage collector paused while an import builds its rows.

A 25,000-row file becomes about a million cell values and tens of thousands of tuples and records, none of them
in reference cycles. Each batch of 700 new containers wakes the collector, which walks ever older generations;
measured on the benchmark's plan, that was 0.17 s of its 1.9 s. Reference counting still frees everything at once;
the collector runs again when the block ends, with the block's objects counted as old ones.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block without cyclic garbage collection; nested and threaded uses are safe (only the outermost
    block that found the collector on turns it on again)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Switched back on as it is, the collector would count the block's million new objects as young and
            # walk them all at the next allocation (0.13 s of the benchmark's dry run). Moved to the oldest
            # generation first, they wait for a full collection, which comes only as the heap grows by a quarter.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
