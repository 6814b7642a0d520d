"""The staff area's door: the guard on every route, signing in and signing out."""

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from clinic.extensions import csrf, db, limiter
from clinic.staff import accounts, audit, display, guard
from clinic.staff.forms import SignInForm

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(guard.require_staff)
bp.after_request(guard.private_headers)

GENERIC_FAILURE = "That email and password do not match an active account."
NOTICES = {
    "idle": "You were signed out because the page was left idle. Please sign in again.",
    "day": "Your session has ended for the day. Please sign in again.",
    "out": "You are signed out.",
}


def sign_in_rate_limit() -> str:
    return current_app.config["STAFF_SIGN_IN_RATE_LIMIT"]


# The form checks its own CSRF token, so an expired page asks to try again in place.
@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
# Only failures count, per address: staff signing in all day are never held up.
@limiter.limit(
    sign_in_rate_limit,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 303,
    error_message="Too many failed sign-ins from your network. Wait a while and "
    "try again.",
)
def login():
    """Show the sign-in form; sign a member of staff in and send them on."""
    form = SignInForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(guard.safe_next(request.args.get("next")))
        form.next.data = request.args.get("next", "")
    problem, status = None, 200
    if form.validate_on_submit():
        result = accounts.sign_in(form.email.data, form.password.data)
        if result.user:
            # A new session: nothing an attacker planted before sign-in survives.
            session.clear()
            login_user(result.user)
            guard.start_session()
            return redirect(guard.safe_next(form.next.data), 303)
        problem, status = GENERIC_FAILURE, 400
        if result.locked_until:
            minutes = current_app.config["STAFF_LOCK_MINUTES"]
            problem = (
                "Too many failed sign-ins for this email address. Sign-in for it is "
                f"paused for up to {minutes} minutes."
            )
            status = 429
    elif form.errors:
        status = 400
    notice = NOTICES.get(request.args.get("expired") or request.args.get("notice"))
    return render_template(
        "staff/login.html", form=form, problem=problem, notice=notice
    ), status


@bp.post("/logout")
def logout():
    """End this session and every saved copy of its cookie."""
    # CSRFProtect has already checked the token: another site cannot sign staff out.
    accounts.end_sessions(current_user._get_current_object())
    audit.record("sign_out")
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("staff.login", notice="out"), 303)


@bp.context_processor
def vocabulary() -> dict:
    """The words and formats every staff page uses."""
    return display.helpers()
