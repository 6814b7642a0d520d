"""Each account's second factor, as staff live it: enrolling an authenticator app,
checking a code at sign-in (and counting wrong ones toward the lock-out), spending a
recovery code, and an admin resetting someone's. Every change is audited and told to
the account's owner by email."""

from datetime import UTC, datetime

from flask import current_app

from clinic import audit
from clinic.accounts import throttle, two_step, users
from clinic.extensions import db
from clinic.models import StaffUser
from clinic.refusals import Paused, Refusal
from clinic.vocabulary import AuditAction


class CodeRefused(Refusal, ValueError):
    """A code that does not let the person in, with the words to say so."""


def enrolment_secret(user: StaffUser, nonce: str) -> str:
    """The secret this enrolment attempt offers (see two_step.enrolment_secret)."""
    if user.two_step:
        raise users.AccountError("Two-step sign-in is already set up.")
    return two_step.enrolment_secret(user, nonce, current_app.config["SECRET_KEY"])


def confirm_enrolment(user: StaffUser, secret: str, code: str) -> list[str]:
    """Switch two-step sign-in on with this attempt's secret and a first code from
    the app; return the ten recovery codes, to be shown this once."""
    if user.two_step:
        raise CodeRefused("Two-step sign-in is already set up. Reload the page.")
    if not two_step.use_code(user, secret, code):
        db.session.rollback()
        raise CodeRefused(
            "That code does not match. Check the app shows this account, and "
            "enter the six digits it shows now."
        )
    user.totp_secret = secret
    user.totp_enrolled_at = datetime.now(UTC)
    codes = two_step.new_recovery_codes(user)
    audit.record(AuditAction.TWO_STEP_ENROLLED, staff_id=user.id, detail=user.email)
    users.notify(
        user,
        "Two-step sign-in is set up",
        "Two-step sign-in was set up on your account: from now on, signing in "
        "asks for a code from your authenticator app after the password.",
    )
    db.session.commit()
    return codes


def locked_until(user: StaffUser, client: str) -> datetime | None:
    now = datetime.now(UTC)
    return throttle.locked_until(user.email, client, now) or throttle.locked_until(
        user.email, throttle.ANY_NETWORK, now
    )


def check_sign_in_code(user: StaffUser, code: str, client: str) -> None:
    """Let the person in with a code from the app, or a recovery code (spent);
    refuse anything else, counting it toward the lock-out."""
    now = datetime.now(UTC)
    if locked_until(user, client):
        raise CodeRefused(lock_message(), status=Paused.status)
    if user.two_step and two_step.use_code(user, user.totp_secret, code):
        users.complete_sign_in(user, client, now)
        return
    if user.two_step and two_step.replayed(user, user.totp_secret, code):
        # A code already used (sent twice, or seen over a shoulder) is no guess:
        # refused, but it counts toward no lock-out that would keep the owner out.
        db.session.rollback()
        raise CodeRefused(
            "That code was already used. Wait for the next one your authenticator "
            "app shows, then enter it."
        )
    if user.two_step and two_step.use_recovery_code(user, code):
        left = two_step.recovery_codes_left(user)
        audit.record(
            AuditAction.RECOVERY_CODE_USED,
            staff_id=user.id,
            detail=f"{user.email}: {left} recovery codes left",
        )
        users.notify(
            user,
            "A recovery code was used",
            "A recovery code was used to sign in to your account instead of a code "
            f"from your authenticator app. {left} of your recovery codes are left.",
        )
        users.complete_sign_in(user, client, now, detail="with a recovery code")
        return
    db.session.rollback()
    throttle.record_failure(user.email, throttle.ANY_NETWORK, now)
    if throttle.failures(user.email, throttle.ANY_NETWORK) == 1:
        # A wrong code comes after the right password: tell the owner, once a
        # lock-out period, that someone may know it.
        users.notify(
            user,
            "A wrong sign-in code was entered",
            "Someone entered your password, then a wrong code from the "
            "authenticator app. If this was not you, your password is known to "
            "someone else: change it now from your account page.",
        )
    if users.failed(user.email, client, now, user, AuditAction.CODE_FAILED):
        raise CodeRefused(lock_message(), status=Paused.status)
    if throttle.locked_until(user.email, throttle.ANY_NETWORK, now):
        audit.record(
            AuditAction.SIGN_IN_LOCKED,
            staff_id=user.id,
            detail="paused after wrong codes from several networks",
        )
        db.session.commit()
        raise CodeRefused(lock_message(), status=Paused.status)
    raise CodeRefused(
        "That code is not right, or was already used. Enter the code your "
        "authenticator app shows now, or one of your recovery codes."
    )


def lock_message() -> str:
    minutes = current_app.config["STAFF_LOCK_MINUTES"]
    return (
        "Too many wrong codes. Signing in to this account is paused for up to "
        f"{minutes} minutes."
    )


def replace_own(user: StaffUser, recovery_code: str) -> None:
    """Let someone who lost their phone start again, with one of their recovery
    codes: nobody resets their own second factor with less."""
    if not two_step.use_recovery_code(user, recovery_code):
        db.session.rollback()
        raise CodeRefused("That recovery code is not right, or was already used.")
    _remove(user, by=user, detail=f"{user.email}, with a recovery code")


def reset_by_admin(user: StaffUser, admin: StaffUser) -> None:
    """An admin clears someone else's second factor (a lost phone): they enrol
    again at their next sign-in, and are signed out everywhere now."""
    if user.id == admin.id:
        raise users.AccountError(
            "You cannot reset your own two-step sign-in here: use a recovery code "
            "on your account page."
        )
    _remove(user, by=admin, detail=f"{user.email}, by an administrator")


def _remove(user: StaffUser, by: StaffUser, detail: str) -> None:
    two_step.remove(user)
    users.end_sessions(user)
    audit.record(AuditAction.TWO_STEP_RESET, staff_id=by.id, detail=detail)
    users.notify(
        user,
        "Two-step sign-in was reset",
        "Two-step sign-in was reset on your account: you will set up your "
        "authenticator app again the next time you sign in.",
    )
    db.session.commit()
