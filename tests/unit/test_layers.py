"""The house drawing holds: imports between the backend's packages go one way.

Every import counts, also one inside a function: a deferred import still ties two domains
together. The pure libraries import nothing of Flask or the database, `core` imports no
domain, and the graph of domains has no cycle."""
import ast
from collections import defaultdict
from pathlib import Path

import eigendossier

PACKAGE = Path(eigendossier.__file__).parent
ARCHITECTURE = Path(__file__).parents[2] / "docs" / "architecture.md"
# Where a row's description starts in the drawing; the package names stand before it.
DRAWING_NAMES = 24
PURE = {"credentials", "planner"}
FRAMEWORK = {"flask", "flask_babel", "flask_smorest", "flask_sqlalchemy", "sqlalchemy",
             "flask_login", "flask_limiter", "werkzeug"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "eigendossier":
                found.update(f"eigendossier.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _package_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _graph() -> dict[str, set[str]]:
    """package -> the packages of eigendossier it imports (modules at the top are skipped:
    the app factory wires everything on purpose)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        source = _package_of(path)
        if source is None:
            continue
        for module in _imports(path):
            parts = module.split(".")
            if (
                parts[0] == "eigendossier"
                and len(parts) > 1
                and parts[1] != source
                and (PACKAGE / parts[1]).is_dir()
            ):
                edges[source].add(parts[1])
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_domains_import_each_other_without_a_cycle():
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()) or [])


def test_core_imports_no_domain():
    assert _graph()["core"] <= PURE


def test_the_pure_libraries_know_nothing_of_flask_the_database_or_the_domains():
    for name in PURE:
        for path in (PACKAGE / name).rglob("*.py"):
            for module in _imports(path):
                top = module.split(".")[0]
                assert top not in FRAMEWORK, f"{path.name} imports {module}"
                if top == "eigendossier":
                    assert module.split(".")[1] == name, f"{path.name} imports {module}"


def _drawing() -> list[set[str]]:
    """The rows of the house drawing in docs/architecture.md, top first: each the packages
    named at its start (a row's continuation lines start with spaces)."""
    block = ARCHITECTURE.read_text().split("## Layers", 1)[1].split("```")[1]
    return [set(line[:DRAWING_NAMES].split()) for line in block.splitlines()
            if line and not line[0].isspace()]


def test_the_drawing_names_every_package_once():
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    named = [name for row in _drawing() for name in row]
    assert sorted(named) == sorted(packages)


def test_every_package_imports_only_packages_drawn_below_it():
    rows, edges = _drawing(), _graph()
    for height, row in enumerate(rows):
        below = set().union(*rows[height + 1:])
        for name in row:
            assert edges[name] <= below, f"{name} imports {sorted(edges[name] - below)}"


def test_a_cycle_is_found_when_there_is_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
