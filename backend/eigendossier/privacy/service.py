"""Privacy operations: export all of a learner's data, import such an export, erase the
account, and the learner's own audit trail. No request, no response."""
import tempfile
import time

from flask import current_app
from flask_babel import lazy_gettext as _l

from eigendossier.accounts import service as accounts
from eigendossier.accounts.models import Account
from eigendossier.core import audit, erase
from eigendossier.core.errors import DomainError
from eigendossier.core.extensions import db
from eigendossier.privacy import archive, export, importing

SPOOL_BYTES = 8 * 1024 * 1024  # larger exports are written to a temporary file


class WeakPassphrase(DomainError):
    status = 422
    slug = "passphrase-weak"
    title = _l("This passphrase is too short")

    def __init__(self, minimum: int):
        super().__init__(
            detail=_l("Use at least %(n)s characters, for example a few words in a row.",
                      n=minimum),
            errors={"passphrase": [str(_l("At least %(n)s characters.", n=minimum))]})


class ArchiveRefused(DomainError):
    """The archive as a whole is refused (the reason's own type, title and detail)."""

    status = 422

    def __init__(self, code: str, params: dict | None = None):
        self.slug, self.title, detail = REFUSALS.get(code, REFUSALS["damaged"])
        super().__init__(str(detail) % params if code in PARAMETERISED else detail)


REFUSALS = {
    "not_zip": ("import-not-zip", _l("This is not a data file of Eigen Dossier"),
                _l("Choose the .zip file you downloaded with “Download my data”. "
                   "Nothing was imported.")),
    "not_ours": ("import-not-ours", _l("This is not a data file of Eigen Dossier"),
                 _l("The zip file has no Eigen Dossier manifest. Nothing was imported.")),
    "newer_format": ("import-newer-format", _l("This data file is from a newer version"),
                     _l("Import it on an installation that is up to date. "
                        "Nothing was imported.")),
    "passphrase_required": ("import-passphrase-required",
                            _l("This data file is protected with a passphrase"),
                            _l("Enter the passphrase you chose when downloading it.")),
    "passphrase_wrong": ("import-passphrase-wrong", _l("The passphrase is not correct"),
                         _l("Check the passphrase and try again. Nothing was imported.")),
    "too_large": ("import-too-large", _l("This data file is too large"),
                  _l("Unpacked it would be larger than this server accepts. "
                     "Nothing was imported.")),
    "too_many_items": ("import-too-many-items", _l("This data file holds too much"),
                       _l("This server imports at most %(credentials)s credentials and "
                          "%(experience)s experience items from one file. Nothing was "
                          "imported.")),
    "too_many_entries": ("import-too-large", _l("This data file is too large"),
                         _l("It holds more files than this server accepts. "
                            "Nothing was imported.")),
    "incomplete": ("import-damaged", _l("This data file is damaged"),
                   _l("Download your data again and import the new file. "
                      "Nothing was imported.")),
    "damaged": ("import-damaged", _l("This data file is damaged"),
                _l("Download your data again and import the new file. "
                   "Nothing was imported.")),
}

PARAMETERISED = {"too_many_items"}


class EraseNotConfirmed(DomainError):
    status = 422
    slug = "erase-not-confirmed"
    title = _l("Your account was not deleted")
    detail = _l("Type your email address and your password to confirm.")


# -- export ----------------------------------------------------------------------------------


def min_passphrase() -> int:
    return int(current_app.config.get("PRIVACY_MIN_PASSPHRASE", 12))


def check_passphrase(passphrase: str | None) -> None:
    if passphrase is not None and len(passphrase) < min_passphrase():
        raise WeakPassphrase(min_passphrase())


def export_archive(account: Account, *, locale: str,
                   passphrase: str | None = None):
    """The learner's data as one zip (encrypted when a passphrase is given), in a file
    object at position 0; the export is recorded in the audit trail."""
    check_passphrase(passphrase)
    files, manifest = export.collect(account, locale)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the caller sends it
    archive.write(files, manifest, out, passphrase)
    out.seek(0)
    audit.record("privacy.exported", account.id, encrypted=bool(passphrase),
                 credentials=manifest["counts"]["credentials"])
    db.session.commit()
    return out


# -- import ----------------------------------------------------------------------------------


def import_limits() -> archive.ArchiveLimits:
    config = current_app.config
    return archive.ArchiveLimits(
        max_entries=int(config.get("PRIVACY_IMPORT_MAX_ENTRIES", 2000)),
        max_total_bytes=int(config.get("PRIVACY_IMPORT_MAX_TOTAL", 200 * 1024 * 1024)),
        max_file_bytes=int(config.get("PRIVACY_IMPORT_MAX_FILE", 32 * 1024 * 1024)))


def item_limits() -> importing.ItemLimits:
    config = current_app.config
    return importing.ItemLimits(
        credentials=int(config.get("PRIVACY_IMPORT_MAX_CREDENTIALS", 500)),
        experience=int(config.get("PRIVACY_IMPORT_MAX_EXPERIENCE", 500)),
        experience_bytes=int(config.get("PRIVACY_IMPORT_MAX_EXPERIENCE_BYTES", 4 * 1024 * 1024)),
        seconds=float(config.get("PRIVACY_IMPORT_MAX_SECONDS", 120)))


def max_import_upload() -> int:
    return int(current_app.config.get("PRIVACY_IMPORT_MAX_UPLOAD", 100 * 1024 * 1024))


def import_archive(account: Account, source, passphrase: str | None = None) -> dict:
    """Import an export into the account; returns what was imported, skipped as already
    there, and what failed and why. A refused archive writes nothing: it is read and
    counted as a whole (privacy/archive.py, importing.check_volume) before the first item."""
    try:
        with archive.read(source, passphrase or None, import_limits()) as (_manifest, files):
            return _import_files(account, files)
    except archive.ArchiveError as error:
        raise ArchiveRefused(error.code, error.params) from None


def _import_files(account: Account, files) -> dict:
    limits = item_limits()
    experience = importing.experience_entries(files, limits)
    importing.check_volume(files, experience, limits)
    deadline = time.monotonic() + limits.seconds
    credentials = importing.import_credentials(account, files, deadline)
    items = importing.import_experience(account, experience, files, deadline)
    failed = credentials.failed + items.failed
    report = {
        "imported": credentials.imported + items.imported,
        "duplicates": credentials.duplicates + items.duplicates,
        "failed": failed,
        "credentials": credentials.__dict__, "experience": items.__dict__,
    }
    audit.record("privacy.imported", account.id, imported=report["imported"],
                 duplicates=report["duplicates"], failed=len(failed))
    db.session.commit()
    return report


# -- erase -----------------------------------------------------------------------------------


def erase_account(account: Account, confirm: str, password: str | None) -> None:
    """Delete the account and everything personal, once the learner confirmed: their email
    address typed again, and their password when the account has one (an account that only
    signs in with eduID confirms with the email address)."""
    typed = accounts.normalise_email(confirm or "")
    errors = {}
    if typed != account.email:
        errors["confirm"] = [str(_l("Type your email address exactly as shown."))]
    if account.password_hash is not None and not _password_matches(account, password or ""):
        errors["password"] = [str(_l("The password is not correct."))]
    if errors:
        raise EraseNotConfirmed(errors=errors)
    erase.erase(account.id)


def _password_matches(account: Account, password: str) -> bool:
    try:
        accounts.authenticate(account.email, password)
    except accounts.InvalidCredentials:
        return False
    return True


# -- audit trail -----------------------------------------------------------------------------


def audit_trail(account: Account, page: int, per_page: int) -> dict:
    events, total = audit.page_of(account.id, page, per_page)
    return {"items": events, "page": page, "per_page": per_page, "total": total}
