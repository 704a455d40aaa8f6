"""Compiles the translations (core/locale/*/LC_MESSAGES/custbook.po) to the .mo files gettext reads, whenever the
package is built or installed, editable installs included; everything else about the package is in pyproject.toml.
Babel is a build requirement there, so a fresh `pip install` has the compiled catalogues."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).parent.glob("core/locale/*/LC_MESSAGES/*.po"):
        with po.open("rb") as stream:
            catalogue = read_po(stream)
        for message in list(catalogue):  # an untranslated plural would be written as empty forms, hiding the English
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and (not all(forms) or message.fuzzy):
                catalogue.delete(message.id, message.context)
        with po.with_suffix(".mo").open("wb") as out:
            write_mo(out, catalogue)


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        compile_catalogues()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
