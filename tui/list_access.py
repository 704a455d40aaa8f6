"""What the customer list lets its user do: the actions their permissions forbid, and the words that say why;
and a view's kind in words (the status line and the view picker).

The list keeps forbidden keys in its footer, dimmed; a dimmed key pressed anyway says why it does nothing.
"""

from __future__ import annotations

from core.i18n import N_, _
from core.users import Permission, User
from core.viewdef import View

# Actions that show customers: none of them without the List permission.
_SHOWING = ("filter", "sort", "views", "edit", "export", "history", "refresh")

# Keys whose action the user's permissions may forbid: (action, why it does nothing, as a whole sentence).
DIMMED_KEYS = {
    "e": (
        "edit",
        N_("{user} may not change customers: the {permission} permission is missing. Ask an administrator for it."),
    ),
    "n": (
        "new",
        N_("{user} may not add customers: the {permission} permission is missing. Ask an administrator for it."),
    ),
    "i": (
        "import",
        N_("{user} may not import customers: the {permission} permission is missing. Ask an administrator for it."),
    ),
    "x": (
        "export",
        N_("{user} may not export customers: the {permission} permission is missing. Ask an administrator for it."),
    ),
}

# The permissions' names as people read them (the glossary's Liste, Ajouter, Modifier in French).
PERMISSION_NAMES = {"List": N_("List"), "Add": N_("Add"), "Edit": N_("Edit"), "Add or Edit": N_("Add or Edit")}


# A view's kind, after its name in the status line and the view picker.
VIEW_KINDS = {"builtin": N_("built in"), "public": N_("public"), "private": N_("private")}


def view_kind(view: View) -> str:
    """'built in', 'public' or 'private', in the user's language."""
    return _(VIEW_KINDS["builtin" if view.builtin else ("public" if view.public else "private")])


def missing_permission(user: User, action: str) -> str | None:
    """The permission `action` needs and `user` lacks ("Edit", "Add or Edit"...), or None when it is allowed.
    In English: `permission_name` gives it in the user's language."""
    perms = user.perms
    if action in _SHOWING and Permission.LIST not in perms:
        return "List"
    needs = {
        "edit": Permission.EDIT in perms,
        "new": Permission.ADD in perms,
        "import": bool({Permission.ADD, Permission.EDIT} & perms),
    }
    if needs.get(action, True):
        return None
    return {"edit": "Edit", "new": "Add", "import": "Add or Edit"}[action]


def permission_name(missing: str) -> str:
    """A permission's name (as `missing_permission` gives it) in the current language."""
    return _(PERMISSION_NAMES[missing])


def refusal(user: User, key: str) -> str | None:
    """Why the list's `key` does nothing for `user`, or None when it is not a dimmed key."""
    if key not in DIMMED_KEYS:
        return None
    action, why = DIMMED_KEYS[key]
    missing = missing_permission(user, action)
    if missing is None:
        return None
    return _(why).format(user=user.name, permission=permission_name(missing))
