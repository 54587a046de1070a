"""`make` installs from the lock files (every file by its hash), so a dependency cannot move
under us: each lock must pin exactly what pyproject.toml pins. After changing a pin there,
`make lock` brings the locks along."""
import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)$")
# "name==version \" or "name==version ; marker \", then the hashes on the next lines
LOCKED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)(?: ;[^\n]*)? \\$", re.MULTILINE)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    found = {}
    for requirement in requirements:
        match = REQUIREMENT.match(requirement)
        assert match, f"pin an exact version in pyproject.toml: {requirement}"
        found[canonical(match[1])] = match[2]
    return found


def locked(name: str) -> dict[str, str]:
    return {canonical(n): v for n, v in LOCKED.findall((ROOT / name).read_text())}


def test_the_runtime_lock_pins_what_pyproject_pins():
    runtime = locked("requirements.lock")
    assert {n: runtime.get(n) for n in pins(PROJECT["dependencies"])} == \
        pins(PROJECT["dependencies"])


def test_the_test_lock_pins_what_pyproject_pins_and_all_of_the_runtime_lock():
    everything = locked("requirements-test.lock")
    wanted = {**pins(PROJECT["dependencies"]), **pins(PROJECT["optional-dependencies"]["test"]),
              **locked("requirements.lock")}
    assert {n: everything.get(n) for n in wanted} == wanted


def test_every_locked_package_has_its_files_hashes():
    for name in ("requirements.lock", "requirements-test.lock"):
        entries = re.split(r"\n(?=\S)", (ROOT / name).read_text())
        packages = [e for e in entries if LOCKED.match(e)]
        assert packages, name
        assert all("--hash=sha256:" in entry for entry in packages), name


def test_every_package_the_backend_imports_is_declared():
    """A dependency imported directly is pinned in pyproject.toml, not only brought along by
    another (which may drop it in any release)."""
    declared = set(pins(PROJECT["dependencies"]))
    distributions = packages_distributions()
    missing = set()
    for path in (ROOT / "backend" / "eigendossier").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "eigendossier":
                    continue
                if not {canonical(d) for d in distributions.get(top, [])} & declared:
                    missing.add(f"{top} ({path.relative_to(ROOT)})")
    assert not missing, sorted(missing)
