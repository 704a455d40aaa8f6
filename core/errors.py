"""The one error hierarchy of custbook.

Every error a user can meet is a `CustbookError`: a sentence a non-programmer understands, the fix, and the exit
code the command line uses. The CLI prints `str(error)` (one line, never a traceback); the interface shows the same
text in a dialog. `title` is marked for translation and translated where it is shown (`_(error.title)`), since the
language is chosen after this module is imported. It lives in the domain package `core/`, which every other layer
may import.
"""

from __future__ import annotations

from core.i18n import N_


class CustbookError(Exception):
    """A problem the user can act on. `message` says what happened, `fix` what to do about it."""

    exit_code = 1
    title = N_("Something went wrong")

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message.rstrip('.')}. {self.fix.rstrip('.')}."
        return self.message


class FileRejected(CustbookError):
    """The import file as a whole cannot be used; nothing was changed."""

    title = N_("File rejected")


class UsageError(CustbookError):
    """The command or its options are wrong."""

    exit_code = 2
    title = N_("Wrong usage")


class OutputRefused(UsageError):
    """A file custbook was asked to write cannot go there (the open store, the file being imported, a folder):
    refused before anything is written."""

    title = N_("Choose another file")


class NotFound(CustbookError):
    """A named thing (view, batch, user, field, entity, file) does not exist."""

    title = N_("Not found")


class InvalidValue(CustbookError):
    """A value typed by the user (an option, a field definition, a filter) is not acceptable."""

    exit_code = 2
    title = N_("Invalid value")


class PermissionDenied(CustbookError):
    """The acting user lacks the permission the action needs."""

    exit_code = 3
    title = N_("Permission denied")


class StoreBusy(CustbookError):
    """Another program holds the store for writing and did not let go in time."""

    exit_code = 4
    title = N_("Store busy")


class StoreUnreadable(CustbookError):
    """The store file is not a custbook store, is damaged, or cannot be opened."""

    exit_code = 4
    title = N_("Store unreadable")


class Conflict(CustbookError):
    """The store changed since a preview, or a later change blocks an undo; nothing was changed."""

    title = N_("Changed meanwhile")
