"""`custbook store copy FROM TO`: a whole store copied into a new, empty one (cli.md), DuckDB or PostgreSQL on
either side; one line of summary, or one JSON object with --json."""

from __future__ import annotations

import argparse
import json

from core.i18n import _, group_digits, ngettext
from services.copying import copy_between


def cmd_store(args: argparse.Namespace) -> int:
    done = copy_between(args.source, args.target, user_name=args.user)
    if args.json:
        print(
            json.dumps(
                {
                    "from": done.source,
                    "to": done.target,
                    "customers": done.customers,
                    "users": done.users,
                    "batches": done.batches,
                },
                ensure_ascii=False,
            )
        )
        return 0
    customers = ngettext("{count} customer", "{count} customers", done.customers).format(
        count=group_digits(done.customers)
    )
    users = ngettext("{count} user", "{count} users", done.users).format(count=group_digits(done.users))
    batches = ngettext("{count} batch", "{count} batches", done.batches).format(count=group_digits(done.batches))
    print(
        _("Copied {customers}, {users}, {batches} from {source} to {target}.").format(
            customers=customers, users=users, batches=batches, source=done.source, target=done.target
        )
    )
    return 0
