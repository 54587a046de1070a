"""The printable dossier: the chosen credentials as one A4 PDF, in Dutch or English, with a
share link behind it so that every QR code opens a live check an employer can trust.

Two layouts: ``full`` (a page per credential: issuer, EC and hours, learning outcomes and
criteria, the stored verification with its date, a QR code to that credential on the share
page) and ``summary`` (one page for an application: a table of the credentials and one QR
code). Printing makes a share link first (``service.create_share``: another learner's
credential is NotFound and nothing is written), so the paper says until when its link works."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from eigendossier.accounts.models import Account
from eigendossier.core import audit
from eigendossier.core.extensions import db
from eigendossier.core.pdf import FONT, GREY, INK, TEAL, document, qr_png, text
from eigendossier.core.timeutil import utcnow
from eigendossier.sharing import page, service

if TYPE_CHECKING:
    from fpdf import FPDF  # imported when a PDF is made (core.pdf)

LAYOUTS = ("full", "summary")
DEFAULT_DAYS = 90
QR_MM = 38
SUMMARY_QR_MM = 45
FILE_NAMES = {("full", "nl"): "dossier", ("full", "en"): "dossier",
              ("summary", "nl"): "dossier-samenvatting", ("summary", "en"): "dossier-summary"}


@dataclass(frozen=True)
class Printed:
    """The PDF, the name to save it under, and the share link its QR codes open."""

    data: bytes
    filename: str
    share_url: str
    expires_at: datetime


def print_dossier(account: Account, *, credential_ids: list[int], layout: str, language: str,
                  expires_in_days: int | None = None) -> Printed:
    """Make the share link for the chosen credentials, then the PDF pointing at it."""
    with force_locale(language):
        fmt = page.formatters(language, account.time_zone)
        label = _("Printed dossier, %(date)s", date=fmt["fmt_date"](utcnow()))
        share, token = service.create_share(account, credential_ids=credential_ids,
                                            label=label[:120],
                                            expires_in_days=expires_in_days or DEFAULT_DAYS)
        url = url_for("share_pages.view", token=token, _external=True)
        shown = [page.credential_view(link.credential, account.display_name)
                 for link in share.credentials]
        pdf = document(language, _("Dossier of %(name)s", name=account.display_name),
                       account.display_name)
        sheet = _Sheet(pdf, fmt, url, share.expires_at)
        if layout == "summary":
            sheet.summary(account.display_name, shown)
        else:
            sheet.full(account.display_name, shown)
        data = bytes(pdf.output())
    audit.record("dossier.printed", account.id, subject=share, layout=layout,
                 language=language, credentials=len(shown))
    db.session.commit()
    day = utcnow().date().isoformat()
    return Printed(data, f"{FILE_NAMES[layout, language]}-{day}.pdf", url, share.expires_at)


class _Sheet:
    """Writes the pages; ``fmt`` formats dates and numbers in the chosen language."""

    def __init__(self, pdf: FPDF, fmt: dict, url: str, expires_at: datetime) -> None:
        self.pdf, self.fmt, self.url, self.expires_at = pdf, fmt, url, expires_at

    # -- full: a page per credential ---------------------------------------------------------

    def full(self, name: str, credentials: list[dict]) -> None:
        pdf = self.pdf
        pdf.set_auto_page_break(True, margin=18)
        for position, credential in enumerate(credentials):
            pdf.add_page()
            if position == 0:
                self._heading(name, _("My credentials"))
                text(pdf, _("Each QR code opens a page where anyone can check the credential "
                            "live, until %(date)s.", date=self._until()), 9.5, "", GREY, 5)
                pdf.ln(6)
            self._credential(credential)

    def _credential(self, credential: dict) -> None:
        pdf = self.pdf
        text(pdf, credential["title"], 17, "B", TEAL, 8)
        pdf.ln(2)
        for label, value in self._facts(credential):
            self._fact(label, value)
        if credential["learning_outcomes"]:
            self._section(_("Learning outcomes"))
            for outcome in credential["learning_outcomes"]:
                text(pdf, f"•  {outcome}", 10, height=5)
        if credential["criteria"]:
            self._section(_("Criteria"))
            text(pdf, str(credential["criteria"]), 10, height=5)
        self._section(_("Verification"))
        text(pdf, self._verification(credential), 10.5, "B", INK if credential["trusted"]
             else (160, 40, 40), 5.5)
        if credential["status_explained"]:
            text(pdf, credential["status_explained"], 9.5, "", GREY, 5)
        pdf.ln(4)
        self._qr(f"{self.url}#credential-{credential['id']}", QR_MM,
                 _("Check this credential live"))

    def _facts(self, credential: dict) -> list[tuple[str, str]]:
        fmt = self.fmt
        facts = [(_("Issuer"), credential["issuer_name"] or _("unknown"))]
        if credential["issued_on"]:
            facts.append((_("Issued on"), fmt["fmt_date"](credential["issued_on"])))
        if credential["valid_until"]:
            facts.append((_("Valid until"), fmt["fmt_date"](credential["valid_until"])))
        if credential["ec"] is not None:
            facts.append((_("Credits"), _("%(ec)s EC", ec=fmt["fmt_number"](credential["ec"]))))
        if credential["study_load_hours"] is not None:
            facts.append((_("Study load"), _("%(hours)s hours", hours=fmt["fmt_number"](
                credential["study_load_hours"]))))
        levels = [f"NLQF {credential['nlqf_level']}" if credential["nlqf_level"] else "",
                  f"EQF {credential['eqf_level']}" if credential["eqf_level"] else ""]
        if any(levels):
            facts.append((_("Level"), " · ".join(level for level in levels if level)))
        return facts

    def _fact(self, label: str, value: str) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B", 10)
        pdf.set_text_color(*GREY)
        pdf.cell(36, 5.5, label)
        pdf.set_font(FONT, "", 10.5)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 5.5, value, new_x="LMARGIN", new_y="NEXT")

    def _section(self, title: str) -> None:
        self.pdf.ln(3)
        text(self.pdf, title, 11.5, "B", INK, 6)

    def _verification(self, credential: dict) -> str:
        checked = self.fmt["fmt_date"](credential["checked_at"])
        if credential["status"] == "verified" and checked:
            return _("Verified on %(date)s", date=checked)
        if credential["trusted"] and checked:
            return _("Verified on %(date)s, with remarks", date=checked)
        if checked:
            return _("%(status)s (checked on %(date)s)", status=credential["status_text"],
                     date=checked)
        return credential["status_text"]

    # -- summary: one page for an application -------------------------------------------------

    def summary(self, name: str, credentials: list[dict]) -> None:
        pdf, fmt = self.pdf, self.fmt
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_page()
        self._heading(name, _("Credentials at a glance"))
        pdf.ln(2)
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(*INK)
        from fpdf.fonts import FontFace

        bold = FontFace(family=FONT, emphasis="BOLD", color=INK, fill_color=(230, 240, 242))
        with pdf.table(col_widths=(60, 46, 32, 28), headings_style=bold, line_height=5.5,
                       text_align=("LEFT", "LEFT", "LEFT", "CENTER")) as table:
            table.row((_("Credential"), _("Issuer"), _("Date"), _("Verified")))
            for credential in credentials:
                table.row((credential["title"], credential["issuer_name"] or "",
                           fmt["fmt_date"](credential["issued_on"]),
                           _("yes") if credential["trusted"] else _("no")))
        pdf.ln(8)
        self._qr(self.url, SUMMARY_QR_MM, _("Check these credentials live"))

    # -- shared parts --------------------------------------------------------------------------

    def _heading(self, name: str, title: str) -> None:
        pdf = self.pdf
        text(pdf, name, 13, "B", TEAL, 7)
        text(pdf, title, 20, "B", INK, 10)
        text(pdf, _("Printed on %(date)s from Eigen Dossier", date=self.fmt["fmt_date"](
            utcnow())), 9.5, "", GREY, 5)
        pdf.ln(2)

    def _until(self) -> str:
        return self.fmt["fmt_date"](self.expires_at)

    def _qr(self, url: str, size: float, title: str) -> None:
        """The QR code with, beside it, what it does, the address to type and until when."""
        pdf = self.pdf
        if pdf.get_y() + size > pdf.h - pdf.b_margin:
            pdf.add_page()
        top, left = pdf.get_y(), pdf.l_margin
        pdf.image(qr_png(url), x=left, y=top, w=size, h=size)
        pdf.set_left_margin(left + size + 6)
        pdf.set_xy(left + size + 6, top + 3)
        text(pdf, title, 11, "B", INK, 6)
        text(pdf, _("Scan the code or open:"), 9.5, "", GREY, 5)
        text(pdf, url, 8.5, "", TEAL, 4.5)
        pdf.ln(1)
        text(pdf, _("This link works until %(date)s.", date=self._until()), 9.5, "B", INK, 5)
        pdf.set_left_margin(left)
        pdf.set_y(max(pdf.get_y(), top + size) + 4)
