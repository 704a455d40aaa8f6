"""The `custbook` command's entry point: the command line (`cli/`), or the interface (`tui/`) when no sub-command
is given.

The only module that knows both front ends, so that `cli/` and `tui/` stay independent of each other (the layering
contracts in pyproject.toml). textual is imported only when the interface opens: scripts start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _interface(db: str, user: str, entity: str | None, lang: str | None) -> int:
    from tui.app import run_app

    return run_app(db, user, entity, lang)


def main(argv: Sequence[str] | None = None) -> int:
    from cli.main import main as cli_main

    return cli_main(argv, interface=_interface)


if __name__ == "__main__":
    sys.exit(main())
