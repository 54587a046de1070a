"""Sign up, sign in and out, the learner's profile."""
from flask import current_app, request
from flask.views import MethodView
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from eigendossier.accounts import service
from eigendossier.accounts.schemas import (
    ProfileSchema,
    ProfileUpdateSchema,
    SignInSchema,
    SignUpSchema,
)
from eigendossier.core.errors import problem_response
from eigendossier.core.extensions import limiter

SESSION_COOKIE = "ed_session"

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Accounts and sessions")


def _sign_in_limit():
    return current_app.config["RATELIMIT_SIGN_IN"]


def _sign_up_limit():
    return current_app.config["RATELIMIT_SIGN_UP"]


def cookie_secure() -> bool:
    setting = current_app.config["SESSION_COOKIE_SECURE"]
    return request.is_secure if setting == "auto" else bool(setting)


def set_session_cookie(response, token: str):
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=current_app.config["SESSION_LIFETIME_DAYS"] * 86400,
        httponly=True,
        samesite="Lax",
        secure=cookie_secure(),
        path="/",
    )
    return response


def account_from_request(req):
    """Flask-Login's request loader: the account of the session cookie, if still valid."""
    return service.account_for_session(req.cookies.get(SESSION_COOKIE))


def signed_in_response(account, status: int):
    response = current_app.response_class(
        ProfileSchema().dumps(account), status=status, mimetype="application/json"
    )
    return set_session_cookie(response, service.start_session(account))


@blp.route("/accounts")
class Accounts(MethodView):
    @limiter.limit(_sign_up_limit, methods=["POST"])
    @blp.arguments(SignUpSchema)
    @blp.response(201, ProfileSchema)
    @problem_response(blp, 409, "The email address already has an account")
    @problem_response(blp, 429, "Too many sign-ups from this address")
    def post(self, data):
        """Sign up as a learner; the new learner is signed in."""
        account = service.sign_up(**data)
        return signed_in_response(account, 201)


@blp.route("/session")
class Session(MethodView):
    @limiter.limit(_sign_in_limit, methods=["POST"])
    @blp.arguments(SignInSchema)
    @blp.response(200, ProfileSchema)
    @problem_response(blp, 401, "Email address or password is not correct")
    @problem_response(blp, 429, "Too many attempts from this address")
    def post(self, data):
        """Sign in with email address and password."""
        account = service.authenticate(data["email"], data["password"])
        return signed_in_response(account, 200)

    @blp.response(204)
    def delete(self):
        """Sign out: the session ends on the server, the cookie is cleared."""
        service.end_session(request.cookies.get(SESSION_COOKIE))
        response = current_app.response_class(status=204)
        del response.headers["Content-Type"]
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax")
        return response


@blp.route("/me")
class Me(MethodView):
    decorators = [login_required]

    @blp.response(200, ProfileSchema)
    @problem_response(blp, 401, "Not signed in")
    def get(self):
        """The signed-in account's profile."""
        return current_user._get_current_object()  # not the proxy: the dump reads 7 fields

    @blp.arguments(ProfileUpdateSchema(partial=True))
    @blp.response(200, ProfileSchema)
    @problem_response(blp, 401, "Not signed in")
    def patch(self, changes):
        """Change display name, language or time zone."""
        return service.update_profile(current_user, changes)
