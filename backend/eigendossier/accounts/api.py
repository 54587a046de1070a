"""Sign up, sign in and out, the learner's profile, email confirmation, passwords, devices."""
from typing import ClassVar

from flask import current_app, g, jsonify, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eigendossier.accounts import passwords, service, sessions, verification
from eigendossier.accounts.cookies import (
    SESSION_COOKIE,
    clear_session_cookie,
    set_session_cookie,
)
from eigendossier.accounts.schemas import (
    AcceptedSchema,
    EmailSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    ProfileSchema,
    ProfileUpdateSchema,
    SessionSchema,
    SignInSchema,
    SignUpSchema,
    TokenSchema,
)
from eigendossier.accounts.signin import note_sign_in
from eigendossier.core.arguments import Blueprint
from eigendossier.core.errors import problem_response
from eigendossier.core.extensions import db, limiter
from eigendossier.core.timeutil import utcnow

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Accounts and sessions")


def _limit(name):
    return lambda: current_app.config[name]


def _account_key() -> str:
    return f"account:{current_user.get_id()}"


def _failed(response) -> bool:
    return response.status_code >= 400


def account_from_request(req):
    """Flask-Login's request loader: the account of the session cookie, if still valid."""
    found = sessions.signed_in(req.cookies.get(SESSION_COOKIE))
    if found is None:
        return None
    note_sign_in(found)
    return found.account


def note_session_use(response):
    """After a signed-in request: note when the session was last used, every few minutes.
    Here rather than in the loader, so that the write never commits a view's half work."""
    seen = g.pop("sign_in_session", None)
    if seen and seen[1] < utcnow() - sessions.TOUCH_AFTER:
        db.session.rollback()
        sessions.touch(seen[0])
    return response


def _profile_response():
    """The signed-in account's profile as ProfileSchema and jsonify write it, dumped once per
    remembered session answer (`sessions.SignedIn.memo`: dropped on any write to an account
    or session of this process, and after SESSION_CACHE_SECONDS): the PWA asks for it on
    every start and screen, and the dump was a fifth of the request.

    When the answer and its dump are both remembered, the account is neither loaded through
    Flask-Login nor attached to the request's database session (a merge, and the session
    made and closed for it: about a third of the request's CPU). The checks are those of
    the request loader, on the same remembered answer."""
    found = sessions.remembered(request.cookies.get(SESSION_COOKIE))
    body = found.memo.get("profile") if found is not None else None
    if body is not None:
        note_sign_in(found)
    else:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        body = jsonify(ProfileSchema().dump(current_user._get_current_object())).get_data()
        memo = g.get("sign_in_memo")
        if memo is not None:
            memo["profile"] = body
    return current_app.response_class(body, mimetype="application/json")


def start_session(account, method: str = "password") -> str:
    """A new session for this browser; the one its cookie held (if any) ends."""
    sessions.end(request.cookies.get(SESSION_COOKIE))
    return sessions.start(account, request.user_agent.string, method=method)


def signed_in_response(account, status: int):
    response = current_app.response_class(
        ProfileSchema().dumps(account), status=status, mimetype="application/json"
    )
    return set_session_cookie(response, start_session(account))


def _accepted(message: str):
    return {"message": message}


@blp.route("/accounts")
class Accounts(MethodView):
    @limiter.limit(_limit("RATELIMIT_SIGN_UP"), methods=["POST"])
    @blp.arguments(SignUpSchema)
    @blp.response(202, AcceptedSchema)
    @problem_response(blp, 429, "Too many sign-ups from this address")
    def post(self, data):
        """Sign up as a learner. The answer is the same whether or not the address already
        has an account: a mail tells its owner what happens next (a link to confirm the
        address, or that someone tried to sign up again). Then sign in."""
        service.sign_up(**data)
        return _accepted(_("Check your mail: we sent a message to this address."))


@blp.route("/session")
class Session(MethodView):
    @limiter.limit(_limit("RATELIMIT_SIGN_IN"), methods=["POST"])
    @blp.arguments(SignInSchema)
    @blp.response(200, ProfileSchema)
    @problem_response(blp, 401, "Email address or password is not correct")
    @problem_response(blp, 429, "Too many attempts from this address")
    def post(self, data):
        """Sign in with email address and password: a new session for this browser."""
        account = service.authenticate(data["email"], data["password"])
        return signed_in_response(account, 200)

    @blp.response(204)
    def delete(self):
        """Sign out: the session ends on the server, the cookie is cleared."""
        sessions.end(request.cookies.get(SESSION_COOKIE))
        response = current_app.response_class(status=204)
        del response.headers["Content-Type"]
        return clear_session_cookie(response)


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, ProfileSchema)
    @problem_response(blp, 401, "Not signed in")
    def get(self):
        """The signed-in account's profile."""
        return _profile_response()

    @login_required
    @blp.arguments(ProfileUpdateSchema(partial=True))
    @blp.response(200, ProfileSchema)
    @problem_response(blp, 401, "Not signed in")
    def patch(self, changes):
        """Change display name, language or time zone."""
        return service.update_profile(current_user, changes)


@blp.route("/me/password")
class Password(MethodView):
    decorators: ClassVar = [login_required]

    @limiter.limit(_limit("RATELIMIT_PASSWORD_CHANGE"), key_func=_account_key,
                   deduct_when=_failed)
    @blp.arguments(PasswordChangeSchema)
    @blp.response(200, ProfileSchema)
    @problem_response(blp, 401, "Not signed in")
    @problem_response(blp, 403, "The current password is not correct")
    @problem_response(blp, 429, "Too many wrong attempts")
    def post(self, data):
        """Change the password, giving the current one. Every session of the account ends
        (all devices are signed out); this browser gets a new one."""
        account = passwords.change(current_user, data["current_password"], data["password"])
        return signed_in_response(account, 200)


@blp.route("/email-verification")
class EmailVerification(MethodView):
    decorators: ClassVar = [login_required]

    @limiter.limit(_limit("RATELIMIT_VERIFY_RESEND"), key_func=_account_key)
    @blp.response(202, AcceptedSchema)
    @problem_response(blp, 401, "Not signed in")
    @problem_response(blp, 409, "The address is already confirmed")
    @problem_response(blp, 429, "Too many links asked for")
    def post(self):
        """Mail a new link to confirm the signed-in account's address."""
        verification.resend(current_user)
        return _accepted(_("Check your mail: we sent a new link."))


@blp.route("/email-verification/confirm")
class EmailVerificationConfirm(MethodView):
    @limiter.limit(_limit("RATELIMIT_MAIL_LINK"))
    @blp.arguments(TokenSchema)
    @blp.response(200, ProfileSchema)
    @problem_response(blp, 400, "The link is unknown, used or expired")
    @problem_response(blp, 429, "Too many attempts from this address")
    def post(self, data):
        """Confirm an address with the token from the mailed link (no sign-in needed)."""
        return verification.confirm(data["token"])


@blp.route("/password-reset")
class PasswordReset(MethodView):
    @limiter.limit(_limit("RATELIMIT_PASSWORD_RESET"))
    @blp.arguments(EmailSchema)
    @blp.response(202, AcceptedSchema)
    @problem_response(blp, 429, "Too many requests from this address")
    def post(self, data):
        """Ask for a link to choose a new password. The answer is the same whether or not the
        address has an account; only an account's owner gets a mail (the link works for
        PASSWORD_RESET_MINUTES, 30 by default)."""
        passwords.request_reset(data["email"])
        return _accepted(_("If this address has an account, we sent it a link to choose a "
                           "new password. The link works for %(minutes)s minutes.",
                           minutes=current_app.config["PASSWORD_RESET_MINUTES"]))


@blp.route("/password-reset/confirm")
class PasswordResetConfirm(MethodView):
    @limiter.limit(_limit("RATELIMIT_MAIL_LINK"))
    @blp.arguments(PasswordResetSchema)
    @blp.response(200, ProfileSchema)
    @problem_response(blp, 400, "The link is unknown, used or expired")
    @problem_response(blp, 429, "Too many attempts from this address")
    def post(self, data):
        """Choose a new password with the token from the mailed link. Every session of the
        account ends; this browser is signed in with a new one."""
        account = passwords.reset(data["token"], data["password"])
        return signed_in_response(account, 200)


@blp.route("/sessions")
class Sessions(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, SessionSchema(many=True))
    @problem_response(blp, 401, "Not signed in")
    def get(self):
        """Where you are signed in: one entry per browser, most recently used first."""
        current = service.hash_token(request.cookies.get(SESSION_COOKIE, ""))
        found = sessions.sessions_of(current_user)
        for session in found:
            session.current = session.token_hash == current
        return found

    @blp.response(204)
    @problem_response(blp, 401, "Not signed in")
    def delete(self):
        """Sign out everywhere, this browser too."""
        sessions.end_all(current_user)
        db.session.commit()
        response = current_app.response_class(status=204)
        del response.headers["Content-Type"]
        return clear_session_cookie(response)


@blp.route("/sessions/<int:session_id>")
class SessionDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(204)
    @problem_response(blp, 401, "Not signed in")
    @problem_response(blp, 404, "No such session of yours")
    def delete(self, session_id):
        """Sign out one device (this one too, when it is this browser's session)."""
        ended = sessions.end_one(current_user, session_id)
        response = current_app.response_class(status=204)
        del response.headers["Content-Type"]
        current = service.hash_token(request.cookies.get(SESSION_COOKIE, ""))
        return clear_session_cookie(response) if ended.token_hash == current else response
