"""The translator's safety net (issue 16, item 5): every English text of the sources has its French translation,
every translation keeps the placeholders of its English, and no text is hidden from extraction (an f-string or a
variable given to `_()` can never be translated)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import translations  # noqa: E402  (tools/ is not a package: the translator runs it as a script)

FRENCH = ROOT / "core" / "locale" / "fr" / "LC_MESSAGES"
MARKERS = {"_": 1, "N_": 1, "ngettext": 2, "pgettext": 2}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from babel.messages.pofile import read_po

    pot = tmp_path_factory.mktemp("pot") / "custbook.pot"
    translations.extract(pot)
    with pot.open("rb") as stream:
        return {message.id if isinstance(message.id, str) else message.id[0]: message for message in read_po(stream)}


def french_catalogue() -> dict[str, object]:
    from babel.messages.pofile import read_po

    found: dict[str, object] = {}
    for po in sorted(FRENCH.glob("*.po")):
        with po.open("rb") as stream:
            for message in read_po(stream):
                key = message.id if isinstance(message.id, str) else message.id[0]
                if key and message.string and all(message.string if isinstance(message.string, tuple) else [1]):
                    found.setdefault(key, message)
    return found


def test_every_english_text_has_a_french_translation(extracted: dict[str, object]) -> None:
    french = french_catalogue()
    missing = sorted(key for key in extracted if key and key not in french)
    assert not missing, f"{len(missing)} texts lack a French translation, e.g. {missing[:15]}"


def test_every_translation_keeps_its_placeholders() -> None:
    problems = [line for po in sorted(FRENCH.glob("*.po")) for line in translations.problems(po)]
    assert not problems, "\n".join(problems[:30])


def _hidden_texts(path: Path) -> list[str]:
    """Calls of a marker whose text is built on the spot (an f-string, a concatenation, a `.format()` or `%`
    result): extraction cannot see it and no catalogue holds it, so it is never translated. `N_` and `ngettext`
    need literals; `_(name)` of a constant marked with `N_` where it is defined is the pattern for module-level
    texts, and is allowed."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
            texts = node.args[: MARKERS[node.func.id]]
            if node.func.id == "pgettext":
                texts = node.args[1:2]
            literal_only = node.func.id in ("N_", "ngettext")
            if not all(_acceptable(t, literal_only) for t in texts):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def _acceptable(text: ast.expr, literal_only: bool) -> bool:
    if isinstance(text, ast.Constant) and isinstance(text.value, str):
        return True
    if literal_only:
        return False
    if isinstance(text, ast.Call):  # a constant looked up in a table of N_ texts: TABLE.get(key, default)
        return isinstance(text.func, ast.Attribute) and text.func.attr == "get"
    return isinstance(text, ast.Name | ast.Attribute | ast.Subscript)


def test_no_text_is_hidden_from_extraction() -> None:
    sources = [p for top in translations.SOURCES for p in sorted((ROOT / top).rglob("*.py")) if "locale" not in p.parts]
    sources = [p for p in sources if p.name != "i18n.py"]  # its own definitions pass their parameters on
    hidden = [line for path in sources for line in _hidden_texts(path)]
    assert not hidden, "\n".join(hidden)


def test_the_package_ships_compiled_catalogues() -> None:
    """setup.py compiles each .po at install time (the test suite runs on an install): the .mo is there and is
    no older than its .po, so an installed custbook speaks French without Babel's compiler."""
    for po in FRENCH.glob("*.po"):
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo.name} was not compiled: reinstall (pip install -e .)"
