"""The CSV files the app writes: no cell reaches a spreadsheet as a formula."""
import csv
import io
import re
from pathlib import Path

import pytest

from eigendossier.core.csvtext import csv_text, spreadsheet_safe

PACKAGE = Path(__file__).resolve().parents[3] / "backend" / "eigendossier"


@pytest.mark.parametrize("cell", [
    "=HYPERLINK(\"http://evil.example\")", "+31 6 1234", "-2+3", "@SUM(A1)", "\t=1+1",
    "\r=1+1", "\n=1+1",
])
def test_a_cell_that_would_start_a_formula_is_written_as_text(cell):
    assert spreadsheet_safe(cell) == "'" + cell
    text = csv_text(["value"], [{"value": cell}])
    assert list(csv.reader(io.StringIO(text)))[1] == ["'" + cell]


@pytest.mark.parametrize(("cell", "shown"), [
    ("Sanne", "Sanne"), ("sanne@example.nl", "sanne@example.nl"), (25655, "25655"),
    (None, ""), ("a=b", "a=b"), ("", ""),
])
def test_ordinary_cells_are_left_alone(cell, shown):
    assert spreadsheet_safe(cell) == shown


def test_every_csv_the_app_writes_goes_through_the_one_helper():
    """A new export that builds its own csv.writer would skip the guard."""
    writers = [path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
               if re.search(r"csv\.(Dict)?[Ww]riter\b", path.read_text(encoding="utf-8"))]
    assert writers == ["core/csvtext.py"]
