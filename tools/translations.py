"""The translator's tool: extract custbook's texts, bring each language's .po up to date, and check it.

    python tools/translations.py update        # extract every _() / ngettext() / N_() text, update each .po
    python tools/translations.py check         # untranslated texts and placeholders a translation dropped
    python tools/translations.py add LANG      # start a new language (then list it in core.i18n.LANGUAGES)

The .po files are in core/locale/LANG/LC_MESSAGES/; they are compiled to .mo when the package is built or installed
(setup.py), and a source checkout compiles a changed .po in memory, so an edited translation shows at the next start.
Babel does the work (a build and run dependency already); this script only fixes its options in one place.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "core" / "locale"
POT = LOCALE / "custbook.pot"
SOURCES = ["cli", "core", "formats", "services", "store", "tui", "custbook.py"]
KEYWORDS = ["-k", "N_", "-k", "pgettext:1c,2"]
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);"}  # GNU's French rule: 0 and 1 take the singular
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT)


def extract(output: Path = POT, sources: list[str] | None = None) -> None:
    pybabel(
        "extract", "-F", "babel.cfg", *KEYWORDS, "--add-location=file", "--sort-by-file", "--omit-header",
        "-o", str(output), *(sources or SOURCES),
    )  # fmt: skip


def update(domain: str = "custbook", pot: Path = POT) -> None:
    for po in sorted(LOCALE.glob(f"*/LC_MESSAGES/{domain}.po")):
        language = po.parent.parent.name
        pybabel("update", "-i", str(pot), "-o", str(po), "-l", language, "--no-fuzzy-matching", "--ignore-obsolete")
        _fix_plural_forms(po, language)


def add(language: str, domain: str = "custbook", pot: Path = POT) -> None:
    po = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    pybabel("init", "-i", str(pot), "-o", str(po), "-l", language)
    _fix_plural_forms(po, language)


def _fix_plural_forms(po: Path, language: str) -> None:
    """Babel writes CLDR's three-form French rule, over two lines; the catalogues use GNU's two forms."""
    rule = PLURAL_FORMS.get(language)
    if not rule:
        return
    lines, out, inside = po.read_text(encoding="utf-8").splitlines(keepends=True), [], False
    for line in lines:
        if line.startswith('"Plural-Forms:'):
            out.append(f'"Plural-Forms: {rule}\\n"\n')
            inside = not line.rstrip().endswith('\\n"')
            continue
        if inside:
            inside = not line.rstrip().endswith('\\n"')
            continue
        out.append(line)
    po.write_text("".join(out), encoding="utf-8")


def merge(language: str) -> list[str]:
    """Fold the parts beside a language's custbook.po (custbook-AREA.po, translated side by side) into it; a text
    translated in two parts keeps the first translation, and each such disagreement is returned."""
    from babel.messages.pofile import read_po, write_po

    folder = LOCALE / language / "LC_MESSAGES"
    main_po = folder / "custbook.po"
    with main_po.open("rb") as stream:
        catalogue = read_po(stream)
    disagreements = []
    for part in sorted(folder.glob("custbook-*.po")):
        with part.open("rb") as stream:
            for message in read_po(stream):
                if not message.id:
                    continue
                known = catalogue.get(message.id, context=message.context)
                if known is not None and known.string and any(known.string if known.pluralizable else [1]):
                    if known.string != message.string:
                        disagreements.append(f"{message.id!r}: {known.string!r} / {message.string!r} ({part.name})")
                    continue
                if known is not None:
                    catalogue.delete(message.id, context=message.context)
                catalogue[message.id] = message
        part.unlink()
        part.with_suffix(".mo").unlink(missing_ok=True)
    with main_po.open("wb") as stream:
        write_po(stream, catalogue, width=120, sort_by_file=True)
    return disagreements


def problems(po: Path) -> list[str]:
    """Each text of `po` without a translation, and each translation whose placeholders differ from the English
    (a dropped `{count}` would print a wrong sentence; an extra one would fail)."""
    from babel.messages.pofile import read_po

    with po.open("rb") as stream:
        catalogue = read_po(stream)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                found.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
        if message.fuzzy:
            found.append(f"fuzzy (check it, then remove the flag): {ids[0]!r}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["update", "check", "add", "merge"])
    parser.add_argument("language", nargs="?")
    args = parser.parse_args()
    if args.action == "update":
        extract()
        update()
        return 0
    if args.action == "merge":
        for line in merge(args.language or "fr"):
            print(f"translated twice, the first kept: {line}")
        return 0
    if args.action == "add":
        extract()
        add(args.language)
        return 0
    status = 0
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        for line in problems(po):
            print(f"{po.relative_to(ROOT)}: {line}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
