"""What each audit action means, in a sentence for the learner (English msgids, Dutch in
messages.po). `%(name)s` is filled from the event's details; a missing detail stays empty.

Domains that record new actions add them here; an action without a sentence is shown with a
general one, never hidden."""
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "session.started": _l("You signed in."),
    "session.ended": _l("You signed out."),
    "session.ended_remotely": _l("You signed out a device: %(device)s."),
    "session.all_ended": _l("Every device was signed out (%(count)s)."),
    "account.email_verified": _l("You confirmed your email address."),
    "account.sign_up_attempted": _l("Someone tried to make a new account with your email "
                                    "address; nothing was changed."),
    "account.password_changed": _l("You changed your password."),
    "account.password_reset": _l("You chose a new password with a link sent by mail."),
    "share.created": _l("You made a share link."),
    "share.expiry_changed": _l("You changed how long a share link works."),
    "share.revoked": _l("You withdrew a share link."),
    "share.viewed": _l("Someone opened one of your share links."),
    "openid4vp.presented": _l("You showed %(credentials)s credential(s) to %(verifier)s."),
    "openid4vp.declined": _l("You declined a request for proof from %(verifier)s."),
    "voucher.issued": _l("%(institution)s issued a voucher to you."),
    "voucher.claimed": _l("You added a voucher to your dossier."),
    "voucher.claim_requested": _l("You asked %(institution)s to confirm that a voucher is yours."),
    "voucher.claim_confirmed": _l(
        "%(institution)s confirmed that a voucher is yours; it is in your dossier."),
    "voucher.claim_refused": _l("%(institution)s did not confirm that a voucher is yours."),
    "voucher.redeemed": _l("You used a voucher for module %(run)s."),
    "voucher.redemption_cancelled": _l(
        "You cancelled the enrolment paid with a voucher; the voucher can be used again."),
    "push.subscribed": _l("Reminders were switched on for a device."),
    "push.unsubscribed": _l("Reminders were switched off for a device."),
    "privacy.exported": _l("You downloaded all your data."),
    "privacy.imported": _l(
        "You imported a data file: %(imported)s added, %(duplicates)s already there, "
        "%(failed)s could not be imported."),
    "recognition.approved": _l(
        "%(institution)s approved your request to recognise %(block)s."),
    "recognition.rejected": _l(
        "%(institution)s turned down your request to recognise %(block)s."),
    "credential.issued": _l("%(institution)s issued a credential to you."),
    "credential.revoked": _l("%(institution)s revoked a credential it issued to you."),
    "credential.offered": _l("%(institution)s offered a credential to your wallet."),
    "credential.delivered": _l("%(institution)s delivered a credential to a wallet."),
    "credential.received": _l("You received a credential from %(issuer)s in your dossier."),
    "transcript.issued": _l(
        "%(institution)s made a transcript (CLR) of %(awards)s completed blocks for you."),
    "credential.authorized": _l(
        "You gave a wallet at %(wallet)s a credential from %(institution)s."),
}
# Events recorded before they named the institution (or by staff of none) read as a
# sentence without it.
WITHOUT_INSTITUTION = {
    "voucher.issued": _l("Your school issued a voucher to you."),
    "credential.issued": _l("Your school issued a credential to you."),
    "credential.revoked": _l("Your school revoked a credential it issued to you."),
}
UNKNOWN = _l("Something was done with your data (%(action)s).")


class _Details(dict):
    def __missing__(self, key):
        return ""


def describe(action: str, details: dict | None) -> str:
    template = MESSAGES.get(action, UNKNOWN)
    if not (details or {}).get("institution") and action in WITHOUT_INSTITUTION:
        template = WITHOUT_INSTITUTION[action]
    values = _Details({key: str(value) for key, value in (details or {}).items()})
    values.setdefault("action", action)
    try:
        return str(template) % values
    except (TypeError, ValueError):
        return str(template)
