"""Choosing the language (cli.md's order) and the gettext machinery: named placeholders, French plurals."""

from __future__ import annotations

import pytest

from core.errors import UsageError
from core.i18n import current_language, language_of_locale, ngettext, resolve_language, set_language, using_language


@pytest.fixture(autouse=True)
def english_after() -> None:
    yield
    set_language("en")


def test_order_option_then_environment_then_stored_then_locale() -> None:
    env = {"CUSTBOOK_LANG": "fr", "LANG": "en_US.UTF-8"}
    assert resolve_language("en", "fr", env) == "en"
    assert resolve_language(None, "en", env) == "fr"
    assert resolve_language(None, "fr", {"LANG": "en_US.UTF-8"}) == "fr"
    assert resolve_language(None, None, {"LANG": "fr_BE.UTF-8"}) == "fr"
    assert resolve_language(None, None, {"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}) == "en"  # LC_ALL wins, C is English
    assert resolve_language(None, None, {"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "en_GB"}) == "fr"
    assert resolve_language(None, None, {"LANG": "de_DE.UTF-8"}) == "en"  # a language custbook lacks
    assert resolve_language(None, None, {}) == "en"


def test_an_explicit_language_custbook_lacks_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--lang fr"):
        resolve_language("de", None, {})
    with pytest.raises(UsageError):
        resolve_language(None, None, {"CUSTBOOK_LANG": "klingon"})


def test_locale_language() -> None:
    assert language_of_locale({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert language_of_locale({"LANG": "POSIX"}) is None


def test_french_plural_takes_the_singular_for_zero_and_one() -> None:
    set_language("fr")
    forms = [ngettext("{count} row", "{count} rows", n) for n in (0, 1, 2)]
    assert forms[0] == forms[1] != forms[2]


def test_a_thread_can_speak_another_language_for_a_while() -> None:
    set_language("en")
    with using_language("fr"):
        assert current_language() == "fr"
    assert current_language() == "en"
