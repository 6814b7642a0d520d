"""Who may reach what in the staff area: everything is closed unless a signed-in,
active account opens it, and some doors only for admins."""

import re
import time
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

# The only staff pages a visitor may see before signing in.
# The calendar feed's secret address is its own key (calendar apps cannot sign in).
OPEN_ENDPOINTS = {
    "staff.login",
    "staff.calendar_feed",
    "staff.sign_in_code",
    "staff.password_reset",
    "staff.password_reset_link",
    "staff.invitation",
}
# What an account that must set up two-step sign-in may reach before it has.
ENROLMENT_ENDPOINTS = {"staff.two_step_setup", "staff.logout"}
# Who gave the right password and owes a code: {"id", "version", "at", "next"}.
PENDING = "staff_pending"
PENDING_SECONDS = 300
SEEN, SINCE = "staff_seen", "staff_since"
LEAD_ACTION = re.compile(r"^(/staff/leads/\d+)/[\w/-]+$")


def safe_next(target: str | None) -> str:
    """Return a staff path to go back to after sign-in; anything else, the list."""
    default = url_for("staff.leads")
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff/"):
        return default
    return target


def session_expired() -> str | None:
    """Say why a signed-in session has run out ("idle" or "day"), or None."""
    now, config = time.time(), current_app.config
    if now - session.get(SEEN, 0) > config["STAFF_IDLE_MINUTES"] * 60:
        return "idle"
    if now - session.get(SINCE, 0) > config["STAFF_SESSION_HOURS"] * 3600:
        return "day"
    return None


def start_session() -> None:
    session[SEEN] = session[SINCE] = time.time()


def require_staff() -> Response | None:
    """Send anyone not signed in (or signed in too long ago) to the sign-in page."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    reason = None
    if current_user.is_authenticated:
        reason = session_expired()
        if reason is None:
            session[SEEN] = time.time()
            if must_enrol() and request.endpoint not in ENROLMENT_ENDPOINTS:
                return redirect(url_for("staff.two_step_setup"))
            return None
        logout_user()
        session.clear()
    target = request.full_path if request.method == "GET" else page_of_action()
    args = {"next": target.rstrip("?")} if target else {}
    if reason:
        args["expired"] = reason
    return redirect(url_for("staff.login", **args))


def must_enrol() -> bool:
    """The account has no second factor and the clinic requires one."""
    return current_app.config["STAFF_REQUIRE_TOTP"] and not current_user.two_step


def page_of_action() -> str | None:
    """The page a form was sent from, to return to after signing in again: a lead's
    action (/staff/leads/7/notes) belongs to the lead's page."""
    found = LEAD_ACTION.match(request.path)
    return found.group(1) if found else None


def private_headers(response: Response) -> Response:
    """Keep staff pages out of caches, search engines and other sites' frames."""
    response.cache_control.no_store = True
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.vary.add("Cookie")
    return response


def admin_only(view):
    """Refuse an action to staff without the admin role."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, "Only an administrator can do this.")
        return view(*args, **kwargs)

    return wrapper
