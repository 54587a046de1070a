"""CSV files staff upload (graduates, completions): comma, semicolon (Dutch Excel) or tab."""
import csv


def sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """The dialect of the first line; plain comma-separated when it cannot be told."""
    try:
        return csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except (csv.Error, IndexError):
        return csv.excel
