"""`custbook settings`: list and set the store-wide settings (the queued imports' ceilings), an administrator's
commands; the rules, keys and defaults are `services.settings`. No SQL here.
"""

from __future__ import annotations

import argparse
import json

from cli.language import adopt_user_language
from core.i18n import _
from services import settings
from store.opening import open_store


def cmd_settings(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    user = store.users.resolve(args.user)
    adopt_user_language(args, user)
    if args.action == "set":
        done = settings.set_setting(store, args.key, args.value, user=user)
        print(
            _("{key} is now {value}: {meaning}, whatever its submitter asks.").format(
                key=done.key.value, value=done.text, meaning=done.meaning
            )
        )
        return 0
    shown = settings.list_settings(store, user=user)
    if args.json:
        print(json.dumps([{"key": s.key.value, "value": s.value, "default": s.is_default} for s in shown]))
        return 0
    width = max(len(s.key.value) for s in shown)
    values = {s.key: s.text + (" " + _("(default)") if s.is_default else "") for s in shown}
    value_width = max(len(v) for v in values.values())
    for s in shown:
        print(f"{s.key.value:<{width}}  {values[s.key]:<{value_width}}  {s.meaning}")
    return 0
