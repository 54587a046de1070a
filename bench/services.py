"""What the benchmarks share: the PostgreSQL server they make a throwaway database on
(dropped afterwards, whatever happens), a catalogue of one block with as many evening runs as
they need, and the virtualenvs of the peers they measure ours against."""
import hashlib
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

SERVER = (
    os.environ.get("EIGENDOSSIER_BENCH_DATABASE_URL")
    or os.environ.get("EIGENDOSSIER_TEST_DATABASE_URL")
    or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def throwaway_database(prefix: str = "ed_bench") -> Iterator[tuple[str, str]]:
    """A new, empty database on SERVER: yields its name and SQLAlchemy URL, then drops it."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = SERVER.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, urlunsplit(urlsplit(SERVER)._replace(path="/" + name))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def one_block_catalogue(slug: str, name: str, code: str, crebo: str, runs: int,
                        start_in_days: int) -> str:
    """Catalogue YAML: one institution, one qualification, one block with `runs` evening runs
    a week apart (1,000 seats each), the first `start_in_days` from today."""
    start = date.today() + timedelta(days=start_in_days)
    rows = "\n".join(
        f"          - {{code: {code}-{i}, start: '{start + timedelta(days=7 * i)}', "
        f"end: '{start + timedelta(days=7 * i + 30)}', time_of_day: evening, "
        f"location_kind: school, learning_form: physical, seats_total: 1000}}"
        for i in range(runs)
    )
    return f"""institutions: [{{slug: {slug}, name: {name}}}]
qualifications:
  - institution: {slug}
    crebo: "{crebo}"
    name: {{nl: {name}, en: {name}}}
    level: 3
    blocks:
      - code: {code}-B
        name: {{nl: Blok, en: Block}}
        ec: 3
        hours: 84
        runs:
{rows}
"""


def one_run_blocks_catalogue(slug: str, name: str, code: str, crebo: str, blocks: int,
                             start_in_days: int) -> str:
    """Catalogue YAML: one institution, one qualification of `blocks` blocks, each with one
    evening run of 1,000 seats, all starting `start_in_days` from today. A learner can buy
    one group of a module only: learners each redeeming several vouchers need a module
    per voucher."""
    start = date.today() + timedelta(days=start_in_days)
    rows = "\n".join(
        f"""      - code: {code}-B{i}
        name: {{nl: Blok {i}, en: Block {i}}}
        ec: 3
        hours: 84
        runs:
          - {{code: {code}-{i}, start: '{start}', end: '{start + timedelta(days=30)}',
             time_of_day: evening, location_kind: school, learning_form: physical,
             seats_total: 1000}}"""
        for i in range(blocks)
    )
    return f"""institutions: [{{slug: {slug}, name: {name}}}]
qualifications:
  - institution: {slug}
    crebo: "{crebo}"
    name: {{nl: {name}, en: {name}}}
    level: 3
    blocks:
{rows}
"""


def peer_python(venv: Path, requirements: Path, install: Callable[[Path], None]) -> Path:
    """A peer's own virtualenv's python, (re)built by ``install(python)`` when its requirements
    file changed: a peer pins what would clash with ours, so nothing of it goes into .venv."""
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    wanted = hashlib.sha256(requirements.read_bytes()).hexdigest()
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    print(f"building {venv.name} from {requirements.name} …", file=sys.stderr)
    install(python)
    marker.write_text(wanted)
    return python
