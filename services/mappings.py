"""Column mappings by name: the built-in ones (core.builtin_mappings) and those saved in the store, for the import
(`--mapping NAME`, the interface's mapping step) and `custbook mappings`.

May import core and the store's interface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.builtin_mappings import BUILTIN_MAPPINGS, builtin
from core.errors import NotFound
from core.mapping import ColumnMapping
from core.users import User

if TYPE_CHECKING:
    from store.base import CustomerStore


def find_mapping(store: CustomerStore, name: str, *, user: User) -> ColumnMapping:
    """The mapping called `name`: the user's own or a public saved one, else a built-in one; NotFound naming the
    ones there are."""
    found = builtin(name)
    if found is not None:
        return found
    names = ", ".join(m.name or "" for m in BUILTIN_MAPPINGS)
    raise NotFound(f"There is no mapping named '{name.strip()[:80]}'", f"The mappings are: {names}")
