"""Column mappings by name: the built-in ones (core.builtin_mappings) and those saved in the store, once for the
import (`--mapping NAME`, the interface's mapping step) and `custbook mappings save|list|show|delete`.

Owns the rules of saved mappings: which mapping a name means (the user's own, else another user's public one, else a
built-in one; names compared without regard to case), who may save and delete them (a user who may import: Add or
Edit; anyone may list them), their names (core.mapping.check_mapping_name, never a built-in mapping's), their fields
checked against the store's catalogue and kept as field IDs, and the saved mapping that fits a file's header best
(for the interface to preselect on the second import of a similar file). `store.mappings` keeps the SQL and the
rules that need its transaction (owner only, one public mapping per name).

May import core and the store's interface; never textual, rich or the command line. Returns typed outcomes; the
callers only render them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from core.builtin_mappings import BUILTIN_MAPPINGS, builtin
from core.catalogue import Catalogue
from core.errors import FileRejected, InvalidValue, NotFound
from core.i18n import _
from core.mapping import ColumnMapping, check_mapping_name, field_id, header_key
from core.users import Permission, User

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore

# At least this many of a file's columns must be named by a saved mapping for it to be offered, and at least this
# share of them: two columns such as "Name" and "Email" are in every file and prove nothing alone.
BEST_MIN_COLUMNS = 2
BEST_MIN_SHARE = 0.5

# Who may save or delete a mapping: a user who may import, since a mapping is only ever used by an import.
_IMPORTERS = (Permission.ADD, Permission.EDIT)


@dataclass(frozen=True)
class MappingEntry:
    """A mapping as listed: a saved one (its owner, public or private) or a built-in one (no owner, seen by all)."""

    name: str
    owner: str | None  # None: built in
    public: bool
    builtin: bool
    mapping: ColumnMapping
    product: str | None  # built-in mappings: the product whose exports it reads


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def list_mappings(store: CustomerStore, *, user: User) -> list[MappingEntry]:
    """Every mapping the user may use: the built-in ones first, then their own and other users' public ones, by
    name. Any user may list them (a mapping holds column names, not customers)."""
    builtins = [MappingEntry(m.name or "", None, True, True, m, m.product) for m in BUILTIN_MAPPINGS]
    saved = [
        MappingEntry(s.name, s.owner, s.public, False, s.mapping, s.mapping.product) for s in store.mappings.list(user)
    ]
    return builtins + saved


def mapping_entry(store: CustomerStore, name: str, *, user: User) -> MappingEntry:
    """The mapping `name` means to this user, with its owner: their own saved one, else another user's public one,
    else a built-in one; NotFound naming the ones there are."""
    entries = list_mappings(store, user=user)
    named = [e for e in entries if _same(e.name, name)]
    own = [e for e in named if not e.builtin and e.owner == user.name]
    shared = [e for e in named if not e.builtin and e.public]
    built_in = [e for e in named if e.builtin]
    found = own or shared or built_in
    if found:
        return found[0]
    names = ", ".join(dict.fromkeys(e.name for e in entries))
    raise NotFound(
        _("There is no mapping named '{name}'").format(name=name.strip()[:80]),
        _("The mappings are: {names}").format(names=names),
    )


def find_mapping(store: CustomerStore, name: str, *, user: User) -> ColumnMapping:
    """The mapping called `name` (see `mapping_entry`), for an import."""
    return mapping_entry(store, name, user=user).mapping


def _field_ids(mapping: ColumnMapping, catalogue: Catalogue) -> ColumnMapping:
    """The mapping with its fields as the catalogue's IDs ("Email" -> EMAIL1); InvalidValue for a field that does not
    exist or that custbook fills itself, or for a field fed twice."""
    try:
        columns = tuple(
            (header.strip(), tuple(dict.fromkeys(field_id(f, catalogue) for f in fields)))
            for header, fields in mapping.columns
        )
        joins = tuple((field_id(f, catalogue), tuple(h.strip() for h in headers)) for f, headers in mapping.joins)
    except FileRejected as exc:  # when saving, a wrong field is a wrong value typed, not a file refused
        raise InvalidValue(exc.message, exc.fix) from None
    fed: dict[str, str] = {}
    for header, fields in columns:
        for fid in fields:
            _feed(fed, fid, _("the column '{header}'").format(header=header), catalogue)
    for fid, headers in joins:
        joined = " + ".join(f"'{h}'" for h in headers)
        _feed(fed, fid, _("the columns {headers}").format(headers=joined), catalogue)
    return replace(mapping, columns=columns, joins=joins)


def _feed(fed: dict[str, str], fid: str, source: str, catalogue: Catalogue) -> None:
    if fid in fed:
        raise InvalidValue(
            _("{field} ({id}) would be filled twice, from {first} and from {second}").format(
                field=catalogue[fid].shown_label, id=fid, first=fed[fid], second=source
            ),
            _("Send each field one column, or join the columns into it with --join"),
        )
    fed[fid] = source


def save_mapping(
    store: CustomerStore, mapping: ColumnMapping, *, user: User, public: bool | None = False
) -> ColumnMapping:
    """Save `mapping` as the user's own under `mapping.name`, and return it as saved (the name trimmed, the fields
    as field IDs). `public`: every user may use it; None keeps a mapping saved over as it was (a new one private).

    Replacing one's own mapping of that name (in any case) is allowed; a built-in mapping's name, another user's
    public mapping, a field the store does not have, a field fed twice, and a mapping that maps nothing are refused.
    The headers it names are not required of a file (as with built-in mappings): it reads the ones a file has."""
    user.require_any(_IMPORTERS, _("save column mappings"))
    name = check_mapping_name(mapping.name or "")
    if builtin(name) is not None:
        raise InvalidValue(
            _("“{name}” is the name of a mapping built into custbook").format(name=name),
            _("Choose another name, such as {example}").format(example="my-" + name),
        )
    if not mapping.columns and not mapping.joins:
        raise InvalidValue(
            _("The mapping “{name}” says nothing about any column").format(name=name),
            _('Give at least one --map "HEADER=FIELD" or --join "FIELD=HEADER+HEADER"'),
        )
    clean = _field_ids(replace(mapping, name=name, product=None, required=()), store.fields.catalogue())
    if public is None:
        before = next((s for s in store.mappings.list(user) if s.owner == user.name and _same(s.name, name)), None)
        public = before.public if before is not None else False
    return store.mappings.save(user, clean, public=public).mapping


def delete_mapping(store: CustomerStore, name: str, *, user: User) -> str:
    """Delete the user's own saved mapping `name` (any case) and return its name as it was saved. Built-in mappings
    cannot be deleted (InvalidValue), another user's only by them (PermissionDenied); NotFound when there is none."""
    user.require_any(_IMPORTERS, _("delete column mappings"))
    own = any(s.owner == user.name and _same(s.name, name) for s in store.mappings.list(user))
    if not own and builtin(name) is not None:
        raise InvalidValue(
            _("“{name}” is built into custbook and cannot be deleted").format(name=name.strip()),
            _("Leave it unused, or delete one of your own mappings"),
        )
    return store.mappings.remove(user, name.strip())


def _named_headers(mapping: ColumnMapping) -> set[str]:
    """The header keys a mapping names, imported or left out, in its columns and its joins."""
    return {header_key(h) for h, _fields in mapping.columns} | {
        header_key(h) for _field, hs in mapping.joins for h in hs
    }


def best_saved_mapping(store: CustomerStore, header: tuple[str, ...], *, user: User) -> ColumnMapping | None:
    """The saved mapping (the user's own or a public one) that names the most of this file's columns, for the
    interface to preselect when a similar file comes again; None unless it names at least half of the file's
    non-blank column names, and at least two. On a tie the user's own comes first, then the one named first."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for h in header:
        if not h.strip():
            continue
        key = header_key(h)
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")  # the second "Phone" is Phone#2
    if not keys:
        return None
    best: tuple[int, bool, ColumnMapping] | None = None
    for saved in store.mappings.list(user):
        names = _named_headers(saved.mapping)
        hits = sum(1 for k in keys if k in names)
        if hits < BEST_MIN_COLUMNS or hits < BEST_MIN_SHARE * len(keys):
            continue
        mine = saved.owner == user.name
        if best is None or (hits, mine) > (best[0], best[1]):
            best = (hits, mine, saved.mapping)
    return best[2] if best is not None else None
