"""Reading a catalogue document (YAML or JSON) with line numbers, and checking it against
schemas/catalog.schema.json and the rules a schema cannot say (prerequisites, dates, seats).

No database here: `read_catalog` returns plain data or raises CatalogInvalid with every
problem found, each with its line, so staff can fix a file in one go."""
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import islice

import yaml
from jsonschema import Draft202012Validator, FormatChecker

from eigendossier.core.config import project_dir

SCHEMA_PATH = project_dir("schemas") / "catalog.schema.json"
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Values (scalars, lists, mappings) in one document after YAML aliases are expanded.
MAX_VALUES = 200_000
MAX_DEPTH = 32
# Schema errors looked at: a document of 90,000 wrong items would otherwise make (and sort)
# 90,000 problems, seconds of CPU for an answer that lists 50 (core.errors).
MAX_SCHEMA_PROBLEMS = 100
_FLOW = re.compile(r"[\[\]{}]")


@dataclass(frozen=True)
class Problem:
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "document"
        return f"{where} ({self.path or '/'}): {self.message}"


class CatalogInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that leaves dates as text: the schema checks them, the importer parses them.
    libyaml's parser where PyYAML has it: it reads a large document several times faster."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _lines(root) -> dict[tuple, int]:
    """Map each path in the document to the line (1-based) where its value starts.

    Walked with a budget: YAML aliases let a few lines expand into billions of values
    ("billion laughs"), and the schema check would walk them all too."""
    found: dict[tuple, int] = {}
    stack = [(root, ())]
    while stack:
        node, path = stack.pop()
        if len(found) >= MAX_VALUES:
            raise CatalogInvalid([Problem(None, "", f"the document has more than {MAX_VALUES} "
                                          "values (are YAML aliases expanding?)")])
        if len(path) > MAX_DEPTH:
            raise CatalogInvalid([Problem(node.start_mark.line + 1, "",
                                          "the document is nested too deeply")])
        found[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            stack.extend(reversed([(value, (*path, key.value)) for key, value in node.value]))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(item, (*path, i)) for i, item in enumerate(node.value)]))
    return found


def _flow_depth_exceeds(text: str, limit: int) -> bool:
    """Whether [ and { nest deeper than `limit`, stopping as soon as they do. PyYAML's scanner
    takes time quadratic in the flow nesting depth (a few kB of "[[[[" take seconds), so
    this is checked before the text reaches it."""
    depth = 0
    for match in _FLOW.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def _count_events(text: str) -> None:
    """Refuse a document with far more than MAX_VALUES values before it is composed:
    parser events cost a microsecond each, composing them into nodes ten (4 MB of YAML
    took 9 s to be refused). A value is at most a few events (a key, a start and an end)."""
    counter = _Loader(text)
    try:
        for _ in range(4 * MAX_VALUES + 1):
            if counter.get_event() is None:
                return
        raise CatalogInvalid([Problem(None, "", f"the document has more than {MAX_VALUES} "
                                      "values")])
    finally:
        counter.dispose()


def _parse(text: str) -> tuple[object, dict[tuple, int]]:
    if _flow_depth_exceeds(text, MAX_DEPTH):
        raise CatalogInvalid([Problem(None, "", "the document is nested too deeply")])
    loader = _Loader(text)
    try:
        _count_events(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines = _lines(node)  # first: it refuses a document too large to construct
        return loader.construct_document(node), lines
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        message = f"not valid YAML or JSON: {error.problem}"
        raise CatalogInvalid([Problem(line, "", message)]) from None
    except RecursionError:
        raise CatalogInvalid([Problem(None, "", "the document is nested too deeply")]) from None
    finally:
        loader.dispose()


def _line_for(lines: dict, path: tuple) -> int | None:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


def _pointer(path) -> str:
    return "/" + "/".join(str(p) for p in path)


def read_catalog(raw: bytes | str) -> dict:
    """Parse and check a catalogue; raise CatalogInvalid listing every problem with its line."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise CatalogInvalid([Problem(None, "", "the document is larger than 5 MB")])
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as error:
        raise CatalogInvalid([Problem(None, "", f"not UTF-8 text (byte {error.start})")]) from None
    data, lines = _parse(text)
    if not isinstance(data, dict):
        raise CatalogInvalid([Problem(1, "", "the document must be a mapping")])
    problems = [
        Problem(_line_for(lines, tuple(error.absolute_path)), _pointer(error.absolute_path),
                error.message)
        for error in sorted(islice(_validator().iter_errors(data), MAX_SCHEMA_PROBLEMS),
                            key=lambda e: list(map(str, e.path)))
    ]
    if not problems:
        problems = _check_rules(data, lines)
    if problems:
        raise CatalogInvalid(sorted(problems, key=lambda p: (p.line or 0, p.path)))
    return data


def _check_rules(data: dict, lines: dict) -> list[Problem]:
    problems = []
    known = {i["slug"] for i in data.get("institutions", [])}

    def add(path, message):
        problems.append(Problem(_line_for(lines, path), _pointer(path), message))

    run_codes: set[str] = set()
    for qi, qualification in enumerate(data.get("qualifications", [])):
        base = ("qualifications", qi)
        if known and qualification["institution"] not in known:
            add((*base, "institution"), f"unknown institution {qualification['institution']!r}")
        codes = [b["code"] for b in qualification["blocks"]]
        for bi, block in enumerate(qualification["blocks"]):
            where = (*base, "blocks", bi)
            if block["code"] in codes[:bi]:
                add((*where, "code"), f"block code {block['code']!r} appears twice")
            for pi, prerequisite in enumerate(block.get("prerequisites", [])):
                if prerequisite not in codes[:bi]:
                    add((*where, "prerequisites", pi), f"prerequisite {prerequisite!r} is not an "
                        "earlier block of this qualification (blocks follow the carousel order)")
            for ri, run in enumerate(block.get("runs", [])):
                problems.extend(_run_problems(run, (*where, "runs", ri), lines, run_codes, known))
    return problems


def _run_problems(run, path, lines, run_codes, known) -> list[Problem]:
    problems = []

    def add(field, message):
        at = (*path, field)
        problems.append(Problem(_line_for(lines, at), _pointer(at), message))

    if run["code"] in run_codes:
        add("code", f"run code {run['code']!r} appears twice")
    run_codes.add(run["code"])
    if date.fromisoformat(run["end"]) < date.fromisoformat(run["start"]):
        add("end", "a run cannot end before it starts")
    if run.get("seats_taken", 0) > run["seats_total"]:
        add("seats_taken", "more seats taken than there are")
    if known and run.get("institution") and run["institution"] not in known:
        add("institution", f"unknown institution {run['institution']!r}")
    return problems
