"""Pages about one's own account, most of them open before signing in: the code
after the password, accepting an invitation, resetting a forgotten password; and,
signed in, setting up two-step sign-in and changing a password."""

import hashlib
import secrets
import time
import unicodedata

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user

from clinic.accounts import (
    invitations,
    passwords,
    resets,
    second_factor,
    two_step,
    users,
)
from clinic.extensions import client_network, csrf, limiter
from clinic.models import StaffUser
from clinic.staff import guard
from clinic.staff.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    EnrolForm,
    InvitationAcceptForm,
    NewPasswordForm,
    ReplaceTwoStepForm,
    ResetRequestForm,
)
from clinic.staff.auth.sessions import failed_sign_ins, open_session
from clinic.staff.blueprint import bp

DEAD_LINK = 404
RESET_ANSWER_SECONDS = 0.2


def client() -> str:
    return client_network()


def pending_user() -> StaffUser | None:
    """Who gave the right password a moment ago and owes a code, if anyone."""
    pending = session.get(guard.PENDING)
    if not isinstance(pending, dict):
        return None
    fresh = time.time() - pending.get("at", 0) < guard.PENDING_SECONDS
    user = users.get(pending.get("id") or 0)
    if not fresh or user is None or not user.active:
        return None
    if user.session_version != pending.get("version"):
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, to answer an expired page in place
@failed_sign_ins
def sign_in_code():
    """The second step: a code from the app, or a recovery code."""
    user = pending_user()
    if user is None:
        session.pop(guard.PENDING, None)
        return redirect(url_for("staff.login", notice="code"), 303)
    form = CodeForm()
    problem, status = None, 200
    if form.validate_on_submit():
        try:
            second_factor.check_sign_in_code(user, form.given, client())
        except second_factor.CodeRefused as refusal:
            problem, status = str(refusal), refusal.status
        else:
            next_path = session[guard.PENDING].get("next", "")
            return open_session(user, next_path)
    elif form.errors:
        status = 400
    return render_template(
        "staff/auth/sign_in_code.html", form=form, problem=problem
    ), status


# The forms before sign-in check their own CSRF token, so a page left open too long
# is answered in place, asking to try again.
@bp.route("/invitation/<token>", methods=["GET", "POST"])
@csrf.exempt
def invitation(token: str):
    """Accept an invitation: choose a password, then set up two-step sign-in."""
    found = invitations.from_link(token)
    if found is None:
        return render_template(
            "staff/auth/dead_link.html", what="invitation"
        ), DEAD_LINK
    form = InvitationAcceptForm()
    problem, status = None, 200
    if form.validate_on_submit():
        other = (form.email.data or "").strip().lower()
        if other and other != found.email:
            problem = (
                f"This invitation is for {found.email} only. To join with another "
                "address, ask an administrator to invite that one."
            )
            status = 400
        else:
            try:
                user = invitations.accept(found, form.password.data)
            except users.AccountError as error:
                problem, status = str(error), 400
            else:
                open_session(user, "")
                flash("Your account is ready. Now set up two-step sign-in.", "success")
                return redirect(url_for("staff.two_step_setup"), 303)
    elif form.errors:
        status = 400
    return render_template(
        "staff/auth/invitation.html",
        invitation=found,
        form=form,
        problem=problem,
        min_length=current_app.config["STAFF_PASSWORD_MIN_LENGTH"],
    ), status


def reset_rate_limit() -> str:
    return current_app.config["STAFF_RESET_RATE_LIMIT"]


def reset_address_rate_limit() -> str:
    return current_app.config["STAFF_RESET_RATE_LIMIT_PER_ADDRESS"]


def reset_address_key() -> str:
    """The limit's key for the address asked about, as a digest: one address is
    not sent more links than the limit, whoever asks, however it is typed (a
    full-width letter or an ideographic dot in the domain reaches the same
    mailbox, so it is the same address)."""
    typed = request.form.get("email", "")
    try:
        address = users.normalise_email(typed)
    except users.AccountError:
        address = unicodedata.normalize("NFKC", typed).strip().casefold()
    return "reset:" + hashlib.sha256(address.encode()).hexdigest()


RESET_LIMITED = (
    "Too many password resets were asked for. Wait an hour and try again, or ask "
    "the clinic's administrator."
)


@bp.route("/password-reset", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(reset_rate_limit, methods=["POST"], error_message=RESET_LIMITED)
@limiter.limit(
    reset_address_rate_limit,
    methods=["POST"],
    key_func=reset_address_key,
    error_message=RESET_LIMITED,
)
def password_reset():
    """Ask for a reset link: the same answer whether or not the address has an
    account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            email = users.normalise_email(form.email.data)
        except users.AccountError:
            email = None
        if email is not None:
            started = time.monotonic()
            resets.ask(email)
            # Queueing the email takes a little longer than not: every answer waits
            # to the same floor, so its time tells nothing either.
            time.sleep(max(0.0, RESET_ANSWER_SECONDS - (time.monotonic() - started)))
            return render_template("staff/auth/reset_sent.html", email=email)
        form.email.errors.append("Enter an email address like name@example.com.")
    status = 400 if form.errors else 200
    return render_template("staff/auth/password_reset.html", form=form), status


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@csrf.exempt
def password_reset_link(token: str):
    """Choose a new password from a reset link; every session then ends."""
    user = resets.from_link(token)
    if user is None:
        return render_template("staff/auth/dead_link.html", what="reset"), DEAD_LINK
    form = NewPasswordForm()
    problem, status = None, 200
    if form.validate_on_submit():
        try:
            resets.complete(user, form.password.data)
        except users.AccountError as error:
            problem, status = str(error), 400
        else:
            session.clear()
            return redirect(url_for("staff.login", notice="reset"), 303)
    elif form.errors:
        status = 400
    return render_template(
        "staff/auth/new_password.html",
        form=form,
        problem=problem,
        min_length=current_app.config["STAFF_PASSWORD_MIN_LENGTH"],
    ), status


ENROLMENT = "two_step_enrolment"


def enrolment_nonce() -> str:
    """This browser's enrolment attempt: a nonce kept in its session (a reload
    shows the same secret), new for every session."""
    nonce = session.get(ENROLMENT)
    if not isinstance(nonce, str) or len(nonce) != 32:
        nonce = session[ENROLMENT] = secrets.token_hex(16)
    return nonce


@bp.route("/two-step", methods=["GET", "POST"])
def two_step_setup():
    """Set up an authenticator app: a QR code and the secret, then a first code;
    the ten recovery codes are shown on the page that answers, once."""
    user: StaffUser = current_user._get_current_object()
    if user.two_step:
        return redirect(url_for("staff.account"))
    secret = second_factor.enrolment_secret(user, enrolment_nonce())
    form = EnrolForm()
    problem, status = None, 200
    if form.validate_on_submit():
        try:
            codes = second_factor.confirm_enrolment(user, secret, form.code.data)
        except second_factor.CodeRefused as refusal:
            problem, status = str(refusal), 400
        else:
            session.pop(ENROLMENT, None)
            return render_template("staff/auth/recovery_codes.html", codes=codes)
    elif form.errors:
        status = 400
    uri = two_step.provisioning_uri(user, secret)
    return render_template(
        "staff/auth/two_step_setup.html",
        form=form,
        problem=problem,
        qr=two_step.qr_svg(uri),
        secret=two_step.grouped(secret),
        required=guard.must_enrol(),
    ), status


@bp.get("/account")
def account():
    """One's own account: the password and two-step sign-in."""
    return account_page()


def account_page(
    password_form: ChangePasswordForm | None = None,
    replace_form: ReplaceTwoStepForm | None = None,
    status: int = 200,
):
    user: StaffUser = current_user._get_current_object()
    return render_template(
        "staff/auth/account.html",
        password_form=password_form or ChangePasswordForm(formdata=None),
        replace_form=replace_form or ReplaceTwoStepForm(formdata=None),
        codes_left=two_step.recovery_codes_left(user),
        min_length=current_app.config["STAFF_PASSWORD_MIN_LENGTH"],
    ), status


@bp.post("/account/password")
def change_password():
    """Change one's password, knowing the current one; other sessions end."""
    user: StaffUser = current_user._get_current_object()
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return account_page(password_form=form, status=400)
    if not passwords.verify(user.password_hash, form.current_password.data):
        form.current_password.errors.append("That is not your current password.")
        return account_page(password_form=form, status=400)
    try:
        users.set_password(user, form.password.data)
    except users.AccountError as error:
        form.password.errors.append(str(error))
        return account_page(password_form=form, status=400)
    stay_signed_in(user)
    flash("Your password is changed; your other sessions have ended.", "success")
    return redirect(url_for("staff.account"), 303)


@bp.post("/account/two-step/replace")
def replace_two_step():
    """Start two-step sign-in again (a new phone), with a recovery code."""
    user: StaffUser = current_user._get_current_object()
    form = ReplaceTwoStepForm()
    if not user.two_step:
        return redirect(url_for("staff.two_step_setup"), 303)
    if not form.validate_on_submit():
        return account_page(replace_form=form, status=400)
    try:
        second_factor.replace_own(user, form.recovery_code.data)
    except second_factor.CodeRefused as refusal:
        form.recovery_code.errors.append(str(refusal))
        return account_page(replace_form=form, status=400)
    stay_signed_in(user)
    flash("Set up your authenticator app again.", "success")
    return redirect(url_for("staff.two_step_setup"), 303)


def stay_signed_in(user: StaffUser) -> None:
    """Keep this session after a change that ended all the account's others."""
    since = session.get(guard.SINCE)
    session.clear()
    login_user(user)
    guard.start_session()
    if since:
        session[guard.SINCE] = since
