"""Set translations in a .po from a JSON object: {"English": "French"} or, for a plural, {"English": [one, many]}.

    python tools/fill_translations.py core/locale/fr/LC_MESSAGES/custbook.po words.json

For a translator who prefers writing a JSON file to editing the .po by hand; prints the texts it did not find.
"""

from __future__ import annotations

import json
import sys

from babel.messages.pofile import read_po, write_po


def fill(po: str, source: str) -> list[str]:
    with open(po, "rb") as stream:
        catalogue = read_po(stream)
    with open(source, encoding="utf-8") as stream:
        words = json.load(stream)
    missing = []
    for english, translation in words.items():
        message = catalogue.get(english)
        if message is None:
            missing.append(english)
            continue
        if message.pluralizable != isinstance(translation, list):
            missing.append(f"{english} (give {'a list of two forms' if message.pluralizable else 'one text'})")
            continue
        message.string = tuple(translation) if isinstance(translation, list) else translation
        message.flags.discard("fuzzy")
    with open(po, "wb") as stream:
        write_po(stream, catalogue, width=120)
    return missing


if __name__ == "__main__":
    missing = fill(sys.argv[1], sys.argv[2])
    for english in missing:
        print(f"not in the catalogue: {english!r}")
    sys.exit(1 if missing else 0)
