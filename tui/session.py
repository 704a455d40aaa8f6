"""Who is working, where, and on which store: the interface's one piece of shared context.

Built once when the app starts (resolving the user may create the first user of a new store); screens read it and
call the services and the store's repositories with its store. It holds no connection: every operation opens the
store briefly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.catalogue import Catalogue
from core.i18n import _
from core.regional import screen_region
from core.users import User
from core.values import DateFormat
from store.opening import open_store

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore


def screen_date_format() -> DateFormat:
    """The date format of the screen: the region's when the locale names one (cli.md), else DD/MM/YYYY."""
    return screen_region().date_format


@dataclass(frozen=True)
class Session:
    store: CustomerStore
    user: User
    entity: str | None
    catalogue: Catalogue
    # Dates on screen and typed in the form, the filters and the quick filter: the region's order.
    date_format: DateFormat = field(default_factory=screen_date_format)
    # Dates in files (the export's and the import's default): cli.md's DD/MM/YYYY, whatever the region, so that a
    # file written here reads back with `custbook import` and its default --date-format.
    file_date_format: DateFormat = DateFormat.DMY_SLASH

    @classmethod
    def open(cls, db: str, user: str, entity: str | None) -> Session:
        store = open_store(db)
        who = store.users.resolve(user)
        store.entities.check(entity)
        return cls(store, who, entity, store.fields.catalogue())

    @property
    def level(self) -> str:
        """Where the user works, in words: "top level" or "entity E1" (in the current language)."""
        return _("entity {entity}").format(entity=self.entity) if self.entity else _("top level")

    def reload(self) -> Session:
        """The same session with the field catalogue read again (after a custom field was added)."""
        return Session(
            self.store, self.user, self.entity, self.store.fields.catalogue(), self.date_format, self.file_date_format
        )
