"""Copying a whole store into a new, empty one (`custbook store copy FROM TO`): the workflow the command line runs.

Owns its rules before any row moves: FROM must be a store (a missing DuckDB file is refused, exit 4, and nothing is
created), the acting user is resolved in FROM and must be one of its administrators; TO, a DuckDB path, is created
by the copy. The copy itself is the store's (`store.opening.copy_store`, which takes locations as
`store.opening.open_store` does).

May import: core and the store's interface. Never cli or tui.
"""

from __future__ import annotations

from services.stores import require_store
from store.opening import copy_store, open_store
from store.records import Copied

__all__ = ["Copied", "copy_between"]


def copy_between(source: str, target: str, *, user_name: str) -> Copied:
    """Copy the store at `source` into `target` as `user_name` (an administrator of `source`)."""
    require_store(source)
    user = open_store(source).users.resolve(user_name)
    return copy_store(source, target, user=user)
