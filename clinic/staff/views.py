"""The staff area's door: the guard on every route, signing in and signing out."""

import math
import time
from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from clinic.appointments import booking
from clinic.extensions import client_network, csrf, db, limiter
from clinic.models import Lead, OutboxEmail, StaffUser
from clinic.staff import accounts, display, guard
from clinic.staff.forms import ActionForm, SignInForm
from clinic.vocabulary import LeadStatus

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(guard.require_staff)
bp.after_request(guard.private_headers)

GENERIC_FAILURE = "That email and password do not match an active account."
NOTICES = {
    "idle": "You were signed out because the page was left idle. Please sign in again.",
    "day": "Your session has ended for the day. Please sign in again.",
    "out": "You are signed out.",
    "reset": "Your password is changed, and every session of your account has "
    "ended. Sign in with the new password.",
    "code": "The sign-in took too long. Please enter your email and password again.",
}


def sign_in_rate_limit() -> str:
    return current_app.config["STAFF_SIGN_IN_RATE_LIMIT"]


# Failed passwords and failed codes, per client address, in one count: only
# failures count, so staff signing in all day are never held up.
failed_sign_ins = limiter.shared_limit(
    sign_in_rate_limit,
    scope="staff-sign-in",
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 303,
    error_message="Too many failed sign-ins from your network. Wait a while and "
    "try again.",
)


# The form checks its own CSRF token, so an expired page asks to try again in place.
@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
@failed_sign_ins
def login():
    """Show the sign-in form; sign a member of staff in and send them on."""
    form = SignInForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(guard.safe_next(request.args.get("next")))
        form.next.data = request.args.get("next", "")
    problem, status = None, 200
    if form.validate_on_submit():
        result = accounts.sign_in(form.email.data, form.password.data, client_network())
        if result.user and result.needs_code:
            return ask_for_code(result.user, form.next.data)
        if result.user:
            return open_session(result.user, form.next.data)
        problem, status = refusal(result)
    elif form.errors:
        status = 400
    notice = NOTICES.get(request.args.get("expired") or request.args.get("notice"))
    return render_template(
        "staff/login.html", form=form, problem=problem, notice=notice
    ), status


def ask_for_code(user: StaffUser, next_path: str) -> Response:
    """The password was right: remember who, briefly, and ask for the code. Nobody
    is signed in until it is given."""
    session.clear()
    session[guard.PENDING] = {
        "id": user.id,
        "version": user.session_version,
        "at": time.time(),
        "next": next_path or "",
    }
    return redirect(url_for("staff.sign_in_code"), 303)


def open_session(user: StaffUser, next_path: str) -> Response:
    """Sign the user in on a new session and send them where they were going."""
    # A new session: nothing an attacker planted before sign-in survives.
    session.clear()
    login_user(user)
    guard.start_session()
    return redirect(guard.safe_next(next_path), 303)


def refusal(result: accounts.SignIn) -> tuple[str, int]:
    """Say why a sign-in failed, without saying whether the account exists."""
    if not result.locked_until:
        return GENERIC_FAILURE, 400
    left = result.locked_until - datetime.now(UTC)
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    return (
        "Too many failed sign-ins for this email address. Sign-in for it is "
        f"paused for up to {minutes} minutes, or until its password is reset."
    ), 429


@bp.post("/logout")
def logout():
    """End this session and every saved copy of its cookie."""
    # CSRFProtect has already checked the token: another site cannot sign staff out.
    accounts.sign_out(current_user._get_current_object())
    logout_user()
    session.clear()
    return redirect(url_for("staff.login", notice="out"), 303)


@bp.context_processor
def page_helpers() -> dict:
    """The formats every staff page uses, and the sign-out button's form."""
    return display.helpers() | {
        "sign_out_form": ActionForm,
        "new_leads": new_leads,
        "booking_alert": booking_alert,
    }


def booking_alert() -> OutboxEmail | None:
    """The clinic's alert that online bookings are arriving unusually fast, while
    its period lasts: every staff page shows it."""
    if not current_user.is_authenticated:
        return None
    minutes = current_app.config["BOOKING_ALERT_MINUTES"]
    since = datetime.now(UTC) - timedelta(minutes=minutes)
    return booking.busy_alert_since(since)


def new_leads() -> int:
    """New leads waiting for a first contact: the count in every staff page's title
    and navigation, so a new request shows in a background tab."""
    return db.session.scalar(
        select(func.count(Lead.id)).where(Lead.status == LeadStatus.NEW)
    )
