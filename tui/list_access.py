"""What the customer list lets its user do: the actions their permissions forbid, and the words that say why.

The list keeps forbidden keys in its footer, dimmed; a dimmed key pressed anyway says why it does nothing.
"""

from __future__ import annotations

from core.users import Permission, User

# Actions that show customers: none of them without the List permission.
_SHOWING = ("filter", "sort", "views", "edit", "export", "history", "refresh")

# Keys whose action the user's permissions may forbid: (action, what it does, in words).
DIMMED_KEYS = {
    "e": ("edit", "change customers"),
    "n": ("new", "add customers"),
    "i": ("import", "import customers"),
    "x": ("export", "export customers"),
}


def missing_permission(user: User, action: str) -> str | None:
    """The permission `action` needs and `user` lacks ("Edit", "Add or Edit"...), or None when it is allowed."""
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


def refusal(user: User, key: str) -> str | None:
    """Why the list's `key` does nothing for `user`, or None when it is not a dimmed key."""
    if key not in DIMMED_KEYS:
        return None
    action, what = DIMMED_KEYS[key]
    missing = missing_permission(user, action)
    if missing is None:
        return None
    return f"{user.name} may not {what}: the {missing} permission is missing. Ask an administrator for it."
