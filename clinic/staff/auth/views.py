"""Signing in and signing out."""

import math
from datetime import UTC, datetime

from flask import (
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from clinic.accounts import users
from clinic.extensions import client_network, csrf
from clinic.staff import guard
from clinic.staff.auth.forms import SignInForm
from clinic.staff.auth.sessions import ask_for_code, failed_sign_ins, open_session
from clinic.staff.blueprint import bp

GENERIC_FAILURE = "That email and password do not match an active account."
NOTICES = {
    "idle": "You were signed out because the page was left idle. Please sign in again.",
    "day": "Your session has ended for the day. Please sign in again.",
    "out": "You are signed out.",
    "reset": "Your password is changed, and every session of your account has "
    "ended. Sign in with the new password.",
    "code": "The sign-in took too long. Please enter your email and password again.",
}


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
        result = users.sign_in(form.email.data, form.password.data, client_network())
        if result.user and result.needs_code:
            return ask_for_code(result.user, form.next.data)
        if result.user:
            return open_session(result.user, form.next.data)
        problem, status = refusal(result)
    elif form.errors:
        status = 400
    notice = NOTICES.get(request.args.get("expired") or request.args.get("notice"))
    return render_template(
        "staff/auth/login.html", form=form, problem=problem, notice=notice
    ), status


def refusal(result: users.SignIn) -> tuple[str, int]:
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
    users.sign_out(current_user._get_current_object())
    logout_user()
    session.clear()
    return redirect(url_for("staff.login", notice="out"), 303)
