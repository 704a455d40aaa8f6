"""Store-wide settings, once for the command line (`custbook settings`) and the job queue: which settings there
are, how their values are read and shown, their defaults, and the ceilings queued imports obey.

Administrators list and set them (cli.md). A queued import (`custbook import --offline`, the interface's "process
offline") obeys the store's ceilings whatever its submitter asks: the file is checked against them when it is
queued, and the worker reads it again with them when it runs (an administrator may have lowered them meanwhile),
each time with the lower of what the submitter asked and the ceiling. An immediate import keeps the user's own
limits (--max-rows, --max-bytes, CUSTBOOK_MAX_ROWS...): they bound the user's own process, not the shared worker.

May import core, formats and the store's interface; never textual or the front ends.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from core.errors import FileRejected, InvalidValue, UsageError
from core.i18n import N_, _, group_digits
from core.plan import ImportOptions
from core.table import MAX_ROWS
from core.users import User
from formats.filekinds import TooManyRows
from formats.reader import MAX_BYTES, parse_size, size_text

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore


class SettingKey(StrEnum):
    """The settings there are, as they are typed and stored (never translated)."""

    MAX_ROWS = "max-rows"  # the most rows of a queued import
    MAX_BYTES = "max-bytes"  # the largest file a queued import may be, in bytes


DEFAULTS: dict[SettingKey, int] = {SettingKey.MAX_ROWS: MAX_ROWS, SettingKey.MAX_BYTES: MAX_BYTES}
_KEYS = frozenset(k.value for k in SettingKey)

# What each setting is for, translated where it is shown.
_MEANINGS = {
    SettingKey.MAX_ROWS: N_("the most rows of a queued import"),
    SettingKey.MAX_BYTES: N_("the largest file a queued import may be"),
}


@dataclass(frozen=True)
class Setting:
    """One setting as it applies now: its value (a number of rows or of bytes), and whether it is the default."""

    key: SettingKey
    value: int
    is_default: bool

    @property
    def text(self) -> str:
        """The value as people write it: '25,000', '200 MB' (in the user's language)."""
        return size_text(self.value) if self.key is SettingKey.MAX_BYTES else group_digits(self.value)

    @property
    def meaning(self) -> str:
        return _(_MEANINGS[self.key])


def parse_key(text: str) -> SettingKey:
    """The setting `text` names (exit 2 for any other word, listing the settings there are)."""
    try:
        return SettingKey(text.strip().lower())
    except ValueError:
        raise UsageError(
            _("'{key}' is not a setting of custbook").format(key=text),
            _("Use one of: {keys}").format(keys=", ".join(k.value for k in SettingKey)),
        ) from None


def parse_value(key: SettingKey, text: str) -> int:
    """A setting's value as typed: a positive number of rows (`50000`, `50,000`), a size (`500MB`, `1GB`)."""
    if key is SettingKey.MAX_BYTES:
        return parse_size(text, key.value)
    digits = text.strip().replace(",", "").replace("_", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not digits.isdigit() or int(digits) <= 0:
        raise InvalidValue(
            _("{key} '{text}' is not a positive number of rows").format(key=key.value, text=text),
            _("Write it like 50000"),
        )
    return int(digits)


def _stored(store: CustomerStore) -> dict[SettingKey, int]:
    """The settings an administrator set, as numbers; a value this program cannot read counts as unset."""
    out: dict[SettingKey, int] = {}
    for key, text in store.settings.all().items():
        if key in _KEYS and text.isdigit() and int(text) > 0:
            out[SettingKey(key)] = int(text)
    return out


def list_settings(store: CustomerStore, *, user: User) -> list[Setting]:
    """Every setting with the value that applies now (an administrator's)."""
    user.require_admin(_("see the store's settings"))
    stored = _stored(store)
    return [Setting(key, stored.get(key, DEFAULTS[key]), key not in stored) for key in SettingKey]


def set_setting(store: CustomerStore, key: str, value: str, *, user: User) -> Setting:
    """Set one setting from the words typed (`max-bytes`, `500MB`); an administrator's act."""
    user.require_admin(_("change the store's settings"))
    chosen = parse_key(key)
    number = parse_value(chosen, value)
    store.settings.set(chosen.value, str(number), by=user)
    return Setting(chosen, number, False)


# --- the ceilings of queued imports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ceilings:
    """The most rows and bytes a queued import may have on this store, whatever its submitter asks."""

    max_rows: int = MAX_ROWS
    max_bytes: int = MAX_BYTES

    def applied(self, options: ImportOptions) -> ImportOptions:
        """The options a queued file is read with: the submitter's limits, lowered to the ceilings (a job queued
        before the store kept what its submitter asked for bytes has only the ceiling)."""
        asked = options.max_bytes
        return replace(
            options,
            max_rows=min(options.max_rows, self.max_rows),
            max_bytes=self.max_bytes if asked is None else min(asked, self.max_bytes),
        )

    def check_size(self, name: str, size: int, asked: int | None, *, cut: bool = False) -> None:
        """Refuse a file over the byte ceiling, naming it, when the ceiling rather than the submitter's own limit
        (`asked`, checked by the reader in its words) is what refuses it. `cut`: `size` is what was read of a pipe,
        which stops one byte past the limit: the file is at least that large."""
        if size <= self.max_bytes or (asked is not None and asked < self.max_bytes):
            return
        if cut:
            message = _(
                "The file {file} is larger than {limit}, the most an import queued on this store may be (the "
                "store's max-bytes setting)"
            )
        else:
            message = _(
                "The file {file} is {size}; an import queued on this store may be at most {limit} (the store's "
                "max-bytes setting)"
            )
        raise FileRejected(
            message.format(file=name, size=size_text(size), limit=size_text(self.max_bytes)),
            _(
                "Ask an administrator to raise it (custbook settings set max-bytes {size}), or split the file into "
                "smaller ones, each with the header row"
            ).format(size=_round_up(size)),
        )

    def rows_refusal(self, name: str, exc: TooManyRows, asked: int) -> FileRejected:
        """The refusal of a queued file over the row limit it was read with: the ceiling's words when the ceiling
        rather than the submitter's own limit (`asked`) refused it, else the reader's."""
        if exc.limit != self.max_rows or self.max_rows > asked:
            return exc
        return FileRejected(
            _(
                "The file {file} has more than {limit} customer rows, the most an import queued on this store may "
                "hold (the store's max-rows setting)"
            ).format(file=name, limit=group_digits(self.max_rows)),
            _(
                "Ask an administrator to raise it (custbook settings set max-rows {rows}), or split the file into "
                "smaller ones, each with the header row"
            ).format(rows=self.max_rows * 2),
        )


def _round_up(size: int) -> str:
    """A size to suggest for a setting that takes `size`: whole megabytes, above it ('312MB')."""
    return f"{size // (1024 * 1024) + 1}MB"


def ceilings(store: CustomerStore) -> Ceilings:
    """The store's ceilings for queued imports now (read by whoever queues or runs a job: no permission needed)."""
    stored = _stored(store)
    return Ceilings(
        stored.get(SettingKey.MAX_ROWS, DEFAULTS[SettingKey.MAX_ROWS]),
        stored.get(SettingKey.MAX_BYTES, DEFAULTS[SettingKey.MAX_BYTES]),
    )
