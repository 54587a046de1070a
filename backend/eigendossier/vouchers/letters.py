"""Printable voucher letters: one A4 page per graduate with the code, its QR code and the
validity date, in Dutch or English, as one PDF to print and post.

The QR code holds the app's voucher address with the code at its end (``school.claim_url``):
the app's scanner reads the code from it, a phone camera opens the app. Fonts and QR codes
come from ``core.pdf``, shared with the printable dossier."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from eigendossier.core.pdf import GREY, INK, TEAL, document, qr_png
from eigendossier.core.pdf import text as _text
from eigendossier.vouchers import codes
from eigendossier.vouchers.models import Voucher

if TYPE_CHECKING:
    from fpdf import FPDF  # imported when a PDF is made (core.pdf)

QR_MM = 55


@dataclass(frozen=True)
class Letter:
    name: str
    email: str
    code: str
    qualification: str
    valid_until: date
    claim_url: str


def letter_for(voucher: Voucher, code: str, claim_url: str, last_day: date,
               language: str) -> Letter:
    return Letter(voucher.graduate_name, voucher.graduate_email, code,
                  getattr(voucher.qualification, f"name_{language}"), last_day, claim_url)


def render(letters: list[Letter], institution: str, app_url: str, language: str) -> bytes:
    """The letters as one PDF, a page each."""
    with force_locale(language):
        pdf = document(language, _("LLO voucher letters"), institution)
        pdf.set_auto_page_break(False)
        for letter in letters:
            _page(pdf, letter, institution, app_url)
    return bytes(pdf.output())


def _page(pdf: FPDF, letter: Letter, institution: str, app_url: str) -> None:
    pdf.add_page()
    _text(pdf, institution, 14, "B", TEAL, 7)
    pdf.ln(10)
    _text(pdf, _("Your LLO voucher"), 22, "B", INK, 10)
    pdf.ln(4)
    _text(pdf, _("Dear %(name)s,", name=letter.name))
    pdf.ln(2)
    _text(pdf, _("Congratulations on your diploma %(qualification)s. With this voucher "
                 "%(institution)s offers you one module of your choice, free of charge, to "
                 "keep learning after your studies.",
                 qualification=letter.qualification, institution=institution))
    pdf.ln(8)
    _text(pdf, _("Your voucher code"), 11, "B", GREY)
    _text(pdf, codes.display(letter.code), 24, "B", TEAL, 12)
    _text(pdf, _("Valid until %(date)s", date=format_date(letter.valid_until, "long")),
          12, "B")
    pdf.ln(6)
    top = pdf.get_y()
    pdf.image(qr_png(letter.claim_url), x=pdf.l_margin, y=top, w=QR_MM, h=QR_MM)
    pdf.set_xy(pdf.l_margin + QR_MM + 8, top + 4)
    pdf.set_left_margin(pdf.l_margin + QR_MM + 8)
    _text(pdf, _("How to use it"), 12, "B")
    pdf.ln(1)
    for step in (
        _("1. Open Eigen Dossier at %(url)s and sign in, or create an account with the address "
          "%(email)s.", url=app_url, email=letter.email),
        _("2. Under Vouchers, type the code or scan this QR code."),
        _("3. Choose a module: the voucher pays for it."),
    ):
        _text(pdf, step, 10.5, height=5.5)
        pdf.ln(1.5)
    pdf.set_left_margin(22)
    pdf.set_y(max(pdf.get_y(), top + QR_MM) + 10)
    _text(pdf, _("Keep this letter safe: the code is worth one module. If the code is used "
                 "from another address than yours, the school first checks that it is you."),
          9.5, "", GREY, 5)
