"""Who is working, where, and on which store: the interface's one piece of shared context.

Built once when the app starts (resolving the user may create the first user of a new store); screens read it and
call the services and the store's repositories with its store. It holds no connection: every operation opens the
store briefly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.catalogue import Catalogue
from core.users import User
from core.values import DateFormat
from store.opening import open_store

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore


@dataclass(frozen=True)
class Session:
    store: CustomerStore
    user: User
    entity: str | None
    catalogue: Catalogue
    date_format: DateFormat = DateFormat.DMY_SLASH

    @classmethod
    def open(cls, db: str, user: str, entity: str | None) -> Session:
        store = open_store(db)
        who = store.users.resolve(user)
        store.entities.check(entity)
        return cls(store, who, entity, store.fields.catalogue())

    @property
    def level(self) -> str:
        return f"entity {self.entity}" if self.entity else "top level"

    def reload(self) -> Session:
        """The same session with the field catalogue read again (after a custom field was added)."""
        return Session(self.store, self.user, self.entity, self.store.fields.catalogue(), self.date_format)
