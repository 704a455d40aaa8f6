"""Who is working, where, and on which store: the interface's one piece of shared context.

Built once when the app starts (resolving the user may create the first user of a new store); screens read it and
pass its store to `store/` functions. It holds no connection: every operation opens the store briefly.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalogue import Catalogue
from core.users import User
from core.values import DateFormat
from store.db import Store
from store.entities import check_entity
from store.fields import catalogue as load_catalogue
from store.users import resolve_user


@dataclass(frozen=True)
class Session:
    store: Store
    user: User
    entity: str | None
    catalogue: Catalogue
    date_format: DateFormat = DateFormat.DMY_SLASH

    @classmethod
    def open(cls, db: str, user: str, entity: str | None) -> Session:
        store = Store(db)
        who = resolve_user(store, user)
        check_entity(store, entity)
        return cls(store, who, entity, load_catalogue(store))

    @property
    def level(self) -> str:
        return f"entity {self.entity}" if self.entity else "top level"

    def reload(self) -> Session:
        """The same session with the field catalogue read again (after a custom field was added)."""
        return Session(self.store, self.user, self.entity, load_catalogue(self.store), self.date_format)
