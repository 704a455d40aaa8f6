"""Entities of a multi-entity company: the `entities` table and the visibility rule of fields.md.

At the top level, lists show top-level records (plus entity records when asked); inside an entity, that entity's
records and the top-level ones. `visibility_sql` is the one place that rule becomes SQL.
"""

from __future__ import annotations

from core.errors import InvalidValue, NotFound
from core.i18n import _
from core.names import check_name
from core.users import User
from store.records import Entity
from store.sql import Database, upsert


def list_entities(store: Database) -> list[Entity]:
    with store.read() as con:
        return [Entity(*r) for r in con.execute("SELECT id, name FROM entities ORDER BY id").fetchall()]


def add_entity(store: Database, entity_id: str, name: str, *, by: User | None = None) -> Entity:
    if by is not None:
        by.require_admin(_("add entities"))
    eid = check_name(entity_id, _("An entity ID"))
    name = check_name(name, _("An entity name"))
    if not eid or len(eid) > 20 or any(ch.isspace() for ch in eid):
        raise InvalidValue(
            _("'{entity}' cannot be an entity ID").format(entity=entity_id), _("Use up to 20 characters without spaces")
        )
    if not name.strip():
        raise InvalidValue(_("An entity needs a name"), _("Give it with --name"))
    with store.write() as con:
        con.execute(upsert("entities", ("id", "name"), ("id",)), [eid, name.strip()])
    return Entity(eid, name.strip())


def check_entity(store: Database, entity_id: str | None) -> None:
    if entity_id is None:
        return
    with store.read() as con:
        row = con.execute("SELECT 1 FROM entities WHERE id = ?", [entity_id]).fetchone()
    if not row:
        raise NotFound(
            _("There is no entity {entity} in this store").format(entity=entity_id),
            _("See them with: custbook entities list"),
        )


def entities_sql(entities: frozenset[str]) -> str:
    """A WHERE clause fragment keeping top-level customers and those of `entities` (their IDs as parameters, in
    sorted order): a user's own entities (`users add --entities`)."""
    if not entities:
        return '"MEGAENTITYID" IS NULL'
    marks = ", ".join("?" for _ in entities)
    return f'("MEGAENTITYID" IS NULL OR "MEGAENTITYID" IN ({marks}))'


def visibility_sql(entity: str | None, include_entities: bool) -> tuple[str, list[object]]:
    """A WHERE clause fragment (and its parameters) selecting the records visible at this level."""
    if entity is None:
        if include_entities:
            return "TRUE", []
        return '"MEGAENTITYID" IS NULL', []
    return '("MEGAENTITYID" IS NULL OR "MEGAENTITYID" = ?)', [entity]
