"""Build hook: compile the message catalogues (templates/locale/*/LC_MESSAGES/messages.po) into the .mo files the
wheel ships, so that `pip install .` needs no `make i18n`. Everything else is declared in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """build_py, then each .po compiled beside its copy in the build (ranking/templates/locale/…/messages.mo)."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        source = Path(__file__).resolve().parent / "templates" / "locale"
        for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
            target = Path(self.build_lib) / "ranking" / "templates" / "locale" / po.relative_to(source)
            target = target.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name)
            with target.open("wb") as f:
                write_mo(f, catalog)


setup(cmdclass={"build_py": BuildWithCatalogues})
