"""Packaging beyond pyproject.toml: `pip install .` copies the project's top-level folders
that the app reads at run time (config, migrations, pwa, schemas) into the package as
eigendossier/_bundled/, so an installed app works without the source checkout.
core/config.py:project_dir finds them there."""
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


setup(cmdclass={"build_py": BuildWithBundledFolders})
