"""Who acts on customers: user types and the permissions List, Add and Edit, with the rules that use them (who is
an administrator, what an action requires and the fix offered when it is missing).

Pure: the `users` table that keeps them is `store.users`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import InvalidValue, PermissionDenied
from core.i18n import N_, _


class UserType(StrEnum):
    BUSINESS = "business"
    EMPLOYEE = "employee"
    APPROVER = "approver"


class Permission(StrEnum):
    LIST = "list"
    ADD = "add"
    EDIT = "edit"


@dataclass(frozen=True)
class User:
    name: str
    type: UserType
    perms: frozenset[Permission]
    language: str | None = None  # the language the user chose in the interface ("en", "fr"), None: not chosen
    # The entities whose own customers the user may see and change (cli.md `users add --entities`); None: all of
    # them. Top-level customers are everyone's, as far as the permissions go.
    entities: frozenset[str] | None = None

    def can(self, perm: Permission) -> bool:
        return perm in self.perms

    def may_see_entity(self, entity: str | None) -> bool:
        """Whether the customers of `entity` (None: the top level) are the user's to see and change."""
        return entity is None or self.entities is None or entity in self.entities

    def require_entity(self, entity: str | None) -> None:
        """PermissionDenied unless the user may work inside `entity` (None: the top level, always)."""
        if not self.may_see_entity(entity):
            raise PermissionDenied(
                _("{name} may not work inside entity {entity}").format(name=self.name, entity=entity),
                _("Ask an administrator to run: {command}").format(
                    command=f"custbook users add {self.name} --entities "
                    + ",".join(sorted({*(self.entities or ()), str(entity)}))
                ),
            )

    @property
    def is_admin(self) -> bool:
        """Manages users, entities and custom fields: a business user with every permission on customers."""
        return self.type is UserType.BUSINESS and self.perms >= set(Permission)

    def require_admin(self, action: str) -> None:
        """PermissionDenied unless the user is an administrator. `action`: what they tried, as a verb phrase in the
        user's language (the caller translates it: _("add custom fields"))."""
        if not self.is_admin:
            raise PermissionDenied(
                _("{name} may not {action}: only business users with the List, Add and Edit permissions can").format(
                    name=self.name, action=action
                ),
                _("Ask such a user to do it"),
            )

    def require(self, perm: Permission, action: str) -> None:
        self.require_any((perm,), action)

    def require_any(self, perms: tuple[Permission, ...], action: str) -> None:
        """PermissionDenied unless the user has one of `perms` (an import needs Add or Edit; the file's new rows
        need Add and its updates Edit, so the fix offered grants them all)."""
        if not any(p in self.perms for p in perms):
            names = [permission_name(p) for p in perms]
            missing = (
                names[0]
                if len(names) == 1
                else _("{some} or {last}").format(some=", ".join(names[:-1]), last=names[-1])
            )
            command = f"custbook users add {self.name} --perms " + ",".join(
                p.value for p in Permission if p in self.perms or p in perms
            )
            raise PermissionDenied(
                _("{name} may not {action} (the {permission} permission is missing)").format(
                    name=self.name, action=action, permission=missing
                ),
                _("Ask an administrator to run: {command}").format(command=command),
            )


def parse_entities(text: str) -> frozenset[str] | None:
    """`--entities`: "all" (None: every entity, now and later) or comma-separated entity IDs."""
    words = [w.strip() for w in text.split(",") if w.strip()]
    if [w.casefold() for w in words] in (["all"], ["tous"], ["toutes"]):
        return None
    return frozenset(words)


# The permissions as the interface names them (glossary: Liste, Ajouter, Modifier), translated where shown.
PERMISSION_NAMES = {Permission.LIST: N_("List"), Permission.ADD: N_("Add"), Permission.EDIT: N_("Edit")}


def permission_name(perm: Permission) -> str:
    """A permission's name in the user's language: "Add", "Ajouter"."""
    return _(PERMISSION_NAMES[perm])


# The words people read for types and permissions (glossary-fr.md: entreprise, collaborateur, approbation; Liste,
# Ajouter, Modifier). The command line accepts them as well as the English tokens, in any language custbook speaks.
TYPE_WORDS = {
    UserType.BUSINESS: N_("business"),
    UserType.EMPLOYEE: N_("employee"),
    UserType.APPROVER: N_("approver"),
}
PERMISSION_WORDS = {Permission.LIST: N_("list"), Permission.ADD: N_("add"), Permission.EDIT: N_("edit")}


def type_word(utype: UserType) -> str:
    return _(TYPE_WORDS[utype])


def permissions_words(perms: frozenset[Permission]) -> str:
    """'list,add,edit' as the command line takes it, in the user's language ('liste,ajouter,modifier')."""
    return ",".join(_(PERMISSION_WORDS[p]) for p in Permission if p in perms)


def _spoken(word: str, table: dict[UserType, str] | dict[Permission, str]) -> str:
    """The English token of a type or permission named in any language custbook speaks."""
    from core.i18n import LANGUAGES, using_language

    for language in LANGUAGES:
        with using_language(language):
            for token, english in table.items():
                if word == _(english).lower():
                    return str(token.value)
    return word


def parse_perms(text: str) -> frozenset[Permission]:
    perms = set()
    for part in text.replace(";", ",").split(","):
        word = part.strip().lower()
        if not word:
            continue
        try:
            perms.add(Permission(_spoken(word, PERMISSION_WORDS)))
        except ValueError:
            raise InvalidValue(
                _("'{text}' is not a permission").format(text=part.strip()), _("Use list, add and edit")
            ) from None
    return frozenset(perms)


def parse_type(text: str) -> UserType:
    try:
        return UserType(_spoken(text.strip().lower(), TYPE_WORDS))
    except ValueError:
        raise InvalidValue(
            _("'{text}' is not a user type").format(text=text), _("Use business, employee or approver")
        ) from None
