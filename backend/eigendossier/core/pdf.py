"""PDFs the app prints (voucher letters, the printable dossier): an A4 document with the
vendored DejaVu fonts (the PDF core fonts hold Latin-1 only, a name may not) and QR codes.

QR codes are segno's ``make_qr``, never ``make``, which may choose a Micro QR code that phone
cameras do not read.

fpdf (with fontTools and Pillow) is imported when a PDF is made, not with the app: it was a
fifth of the import time of every gunicorn worker, `flask` command and RQ worker, which mostly
never print."""
from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import segno

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
TEAL = (11, 95, 115)
INK = (31, 41, 51)
GREY = (82, 96, 109)


def document(language: str, title: str, author: str, margin: float = 22) -> FPDF:
    """An empty A4 document (millimetres) with DejaVu regular and bold, its language and
    metadata set."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(margin, margin, margin)
    pdf.set_lang(language)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("Eigen Dossier")
    return pdf


def text(pdf: FPDF, words: str, size: float = 11, style: str = "", color=INK,
         height: float = 6) -> None:
    """A paragraph across the page's width; the next one starts below it at the margin."""
    from fpdf.enums import XPos, YPos

    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height, words, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def qr_png(url: str) -> io.BytesIO:
    """The URL as a QR code (PNG, error correction M) to place with ``pdf.image``."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=10, border=4)
    out.seek(0)
    return out
