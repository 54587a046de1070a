"""Packaging beyond pyproject.toml: `pip install .` copies the project's top-level folders
that the app reads at run time (config, migrations, pwa, schemas) into the package as
eigendossier/_bundled/, so an installed app works without the source checkout.
core/config.py:project_dir finds them there. It also compiles the gettext catalogues (the
.mo files are not checked in), so an installed app speaks Dutch without `make translations`."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("config", "migrations", "pwa", "schemas")


class BuildWithBundledFolders(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "eigendossier" / "_bundled"
        for name in BUNDLED:
            shutil.copytree(Path(name), target / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        compile_catalogues(Path(self.build_lib) / "eigendossier" / "translations")


def compile_catalogues(translations: Path) -> None:
    """`pybabel compile`: every messages.po beside it as messages.mo (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in translations.glob("*/LC_MESSAGES/*.po"):
        with po.open("rb") as source:
            catalog = read_po(source)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog)


setup(cmdclass={"build_py": BuildWithBundledFolders})
