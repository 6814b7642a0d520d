"""Opening a staff session: the count of failed sign-ins, and the two ways a right
password goes on (to the code, or straight in)."""

import time

from flask import Response, current_app, redirect, session, url_for
from flask_login import login_user

from clinic.extensions import limiter
from clinic.models import StaffUser
from clinic.staff import guard


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
