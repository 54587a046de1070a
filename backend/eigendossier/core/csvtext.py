"""CSV in and out: files staff upload (graduates, completions) in comma, semicolon (Dutch
Excel) or tab form, and the CSV files the app writes for spreadsheets."""
import csv
import io
from collections.abc import Iterable, Mapping

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """The dialect of the first line; plain comma-separated when it cannot be told."""
    try:
        return csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except (csv.Error, IndexError):
        return csv.excel


def spreadsheet_safe(value) -> str:
    """The cell as text a spreadsheet shows and never runs: one that would start a formula
    gets a leading apostrophe, which Excel and LibreOffice read as "this is text"."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Iterable[str], rows: Iterable[Mapping]) -> str:
    """A CSV document (header, then one line per row) for a spreadsheet: every cell of
    every CSV the app writes goes through here, so every cell is guarded."""
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(name) for name in columns])
    for row in rows:
        writer.writerow([spreadsheet_safe(row.get(name)) for name in columns])
    return out.getvalue()
