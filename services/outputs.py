"""Where custbook may write a file: the one rule every output (export, failed rows, backup, a job's results)
goes through, from the command line, the interface and the worker alike.

No output may land on the open store, its write-ahead log, or a file being imported: an export written over the
store would replace every customer, user and batch with a CSV; failed rows written over their own source would
replace the user's file. Such a target is refused with one sentence (exit 2) before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from core.errors import OutputRefused
from core.i18n import _


def _same(a: Path, b: Path) -> bool:
    """True when `a` and `b` name one file: the same resolved path (symbolic links followed), or, for files that
    exist, the same inode (hard links, bind mounts)."""
    try:
        if a.expanduser().resolve() == b.expanduser().resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(target: Path, *, what: str, store_files: Iterable[Path] = (), inputs: Iterable[Path] = ()) -> None:
    """Refuse `target` (exit 2, nothing written) when it is a folder, one of the store's files (`store_files`: the
    store and its log, `CustomerStore.files`), or one of `inputs`. `what` names the output in the sentence, in the
    user's language: 'the failed rows', 'the export'."""
    try:
        folder = target.expanduser().is_dir()
    except OSError:
        folder = False
    if folder:
        raise OutputRefused(
            _("{path} is a folder: {what} need a file name").format(path=target, what=what),
            _("Give a file name inside it, such as {example}").format(example=target / _("name")),
        )
    for protected in store_files:
        if _same(target, protected):
            raise OutputRefused(
                _(
                    "{path} is the store custbook is working on: writing {what} there would replace every "
                    "customer, user and batch in it"
                ).format(path=target, what=what),
                _("Choose another file name"),
            )
    for source in inputs:
        if _same(target, source):
            raise OutputRefused(
                _("{path} is the file being imported: writing {what} there would replace it").format(
                    path=target, what=what
                ),
                _("Choose another file name"),
            )
