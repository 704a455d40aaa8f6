"""Undoing a batch, once for the command line (`custbook undo`) and the History screen.

Owns the workflow around `store.history.undo_batch`: whether the user may undo a batch at all (the reason shown
before asking, from the batches already listed), what the undo will do (for the confirmation), the undo itself,
and where the chain of undos stands afterwards (an undo of an undo puts a batch's changes back, the next takes
them out again). The undo's own SQL, and its refusals that need the store (a later change in the way, a batch
already undone, another level), stay in `store.history`, inside the undo's transaction.

May import `core/` and `store/`; never textual, rich or the command line. Returns typed outcomes; the callers only
render them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from core.i18n import _, group_digits, ngettext
from core.users import Permission, User
from store.records import Batch, undo_chain, undone_note

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore


class UndoState(Enum):
    """Where the changes of the batch a chain of undos is about stand after this undo."""

    OUT = "out"  # a batch undone once: its changes are out
    BACK = "back"  # an even number of undos: its changes are back
    OUT_AGAIN = "out again"  # an odd number above one: out again


@dataclass(frozen=True)
class UndoOutcome:
    """What an undo did: `batch` is the new batch recording it; `about` is the batch (not itself an undo) at the
    bottom of the chain of undos this one ends, and `depth` how many undos that chain holds, this one included."""

    batch: Batch
    about: str
    depth: int

    @property
    def undid(self) -> str:
        """The batch this undo reverted (an import, an edit, or an earlier undo)."""
        assert self.batch.undoes is not None  # an undo batch always names the batch it undid
        return self.batch.undoes

    @property
    def state(self) -> UndoState:
        if self.depth == 1:
            return UndoState.OUT
        return UndoState.BACK if self.depth % 2 == 0 else UndoState.OUT_AGAIN


def undo(store: CustomerStore, batch_id: str, *, user: User, entity: str | None = None) -> UndoOutcome:
    """Undo batch `batch_id` at the level `entity` (the store refuses, changing nothing, when it may not be undone:
    Conflict, PermissionDenied, NotFound), and say where its chain of undos stands."""
    done = store.history.undo(batch_id, user=user, entity=entity)
    # The chain is read from the history, which shows customers' values: only for users who may list them. Without
    # it the chain is this undo alone, which is all such a user could be told anyway.
    listed = store.history.batches(user=user) if user.can(Permission.LIST) else []
    about, depth = _chain_below(done, listed)
    return UndoOutcome(done, about, depth)


def _chain_below(done: Batch, listed: Sequence[Batch]) -> tuple[str, int]:
    """Down from the undo just recorded to the batch its chain is about: (that batch, the number of undos).
    `undo_chain` follows a batch -> batch mapping until it ends; here the mapping is each listed undo -> the batch
    it undid, so the walk stops at the first batch that is not an undo (or is older than the batches listed)."""
    assert done.undoes is not None
    undid_by_undo = {b.id: b.undoes for b in listed if b.kind == "undo"}
    chain = undo_chain(done.undoes, undid_by_undo)
    return chain[-1], len(chain)


def why_not_undo(batch: Batch | None, *, user: User, entity: str | None, listed: Sequence[Batch]) -> str | None:
    """Why `user`, working at `entity`, cannot undo `batch` (None when they can), for a screen that shows the reason
    before the key is pressed. `listed` is the batches on screen: they tell the chain of undos that followed it.
    The store checks all of this again when the undo runs."""
    if not user.can(Permission.EDIT):
        return _("Undo needs the Edit permission, which {user} does not have: ask an administrator.").format(
            user=user.name
        )
    if batch is None:
        return _("There is no batch to undo.")
    if batch.entity != entity:
        if batch.entity is None:
            return _("{batch} was made at the top level: undo it from there (l in the list switches).").format(
                batch=batch.id
            )
        return _("{batch} was made in entity {entity}: undo it from there (l in the list switches).").format(
            batch=batch.id, entity=batch.entity
        )
    if batch.undone_by:
        chain = undo_chain(batch.undone_by, {b.id: b.undone_by for b in listed})
        problem, fix = undone_note(batch.id, chain)
        return f"{problem}. {fix}."
    if (batch.created or batch.removed) and not user.can(Permission.ADD):
        return _("Undoing {batch} adds or removes customers: it needs the Add permission ({user} lacks it).").format(
            batch=batch.id, user=user.name
        )
    return None


def undo_effects(batch: Batch) -> tuple[str, ...]:
    """What undoing `batch` does, in parts to join with "and" ("puts back the old values of 2 updated customers"):
    empty when the counts say nothing more than "restores the state before it"."""
    parts = []
    if batch.kind == "undo":  # undoing an undo: the batch it undid is back in place
        parts.append(_("puts back the changes of {batch} that it undid").format(batch=batch.undoes))
        if batch.removed:
            parts.append(
                ngettext(
                    "brings back the {count} customer it removed", "brings back the {count} customers it removed",
                    batch.removed,
                ).format(count=group_digits(batch.removed))
            )  # fmt: skip
    elif batch.updated:
        customers = ngettext("{count} updated customer", "{count} updated customers", batch.updated).format(
            count=group_digits(batch.updated)
        )
        if batch.blanked:
            fields = ngettext(
                "{count} erased field comes back", "{count} erased fields come back", batch.blanked
            ).format(count=group_digits(batch.blanked))
            parts.append(
                _("puts back the old values of {customers} ({fields})").format(customers=customers, fields=fields)
            )
        else:
            parts.append(_("puts back the old values of {customers}").format(customers=customers))
    if batch.created:
        parts.append(
            ngettext(
                "removes the {count} customer it created", "removes the {count} customers it created", batch.created
            ).format(count=group_digits(batch.created))
        )
    return tuple(parts)
