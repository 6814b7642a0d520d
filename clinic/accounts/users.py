"""Staff accounts: creating them, signing in, and ending every session of one."""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from clinic import audit
from clinic.accounts import passwords, throttle
from clinic.extensions import db, login_manager
from clinic.models import StaffUser
from clinic.outbox.queue import enqueue_staff_email
from clinic.refusals import Refusal
from clinic.vocabulary import AuditAction, EmailKind


class AccountError(Refusal, ValueError):
    """A request about accounts that cannot be carried out, in words for a person."""


def normalise_email(email: str) -> str:
    try:
        # Staff may be on an internal domain (clinic.local), so reserved names pass.
        checked = validate_email(
            email.strip(),
            check_deliverability=False,
            globally_deliverable=False,
            test_environment=True,
        )
    except EmailNotValidError as error:
        raise AccountError(f"{email!r} is not an email address: {error}") from None
    return checked.normalized.lower()


def find(email: str) -> StaffUser | None:
    """The account with this email, if any."""
    return db.session.scalar(
        select(StaffUser).where(StaffUser.email == email.strip().lower())
    )


def create(
    email: str,
    password: str,
    is_admin: bool = False,
    practitioner_name: str | None = None,
) -> StaffUser:
    """Add an account, refusing a taken email or a weak password; with a name, a
    practitioner patients can book."""
    email = normalise_email(email)
    if practitioner_name is not None:
        practitioner_name = " ".join(practitioner_name.split())
        if not practitioner_name or len(practitioner_name) > 120:
            raise AccountError("A practitioner needs a name of 1 to 120 characters.")
    check_password(password, email, practitioner_name)
    if find(email):
        raise AccountError(f"There is already an account for {email}.")
    user = StaffUser(
        email=email,
        password_hash=passwords.hash_password(password),
        is_admin=is_admin,
        is_practitioner=practitioner_name is not None,
        display_name=practitioner_name,
    )
    db.session.add(user)
    role = "admin" if is_admin else "staff"
    if practitioner_name is not None:
        role += f", practitioner {practitioner_name}"
    audit.record(AuditAction.STAFF, detail=f"{email} created ({role})")
    db.session.commit()
    return user


def check_password(password: str, email: str = "", name: str | None = None) -> None:
    """Refuse a new password the policy does not allow (the CLI's and the site's),
    among them one made of the clinic's name or address, or the person's."""
    config = current_app.config
    words = passwords.guessable_words(
        config["CLINIC_NAME"],
        urlsplit(config["SITE_URL"]).hostname or "",
        config["CLINIC_EMAIL"],
        email,
        name or "",
    )
    problem = passwords.problem_with(
        password, config["STAFF_PASSWORD_MIN_LENGTH"], email, words
    )
    if problem:
        raise AccountError(problem)


def set_password(
    user: StaffUser,
    password: str,
    how: AuditAction = AuditAction.PASSWORD_CHANGED,
) -> None:
    """Change a password, sign the account out everywhere and tell its owner."""
    check_password(password, user.email, user.display_name)
    user.password_hash = passwords.hash_password(password)
    user.reset_nonce = None  # any reset link still out is void
    # The owner has shown they hold the mailbox: guesses elsewhere no longer
    # keep them out.
    throttle.clear(user.email, throttle.ALL_PASSWORDS)
    end_sessions(user)
    reset = how == AuditAction.PASSWORD_RESET
    detail = f"{user.email} password {'reset by email' if reset else 'changed'}"
    audit.record(how, detail=detail, staff_id=user.id)
    notify(
        user,
        "Your password was changed",
        "The password of your account was changed, and every place it was signed "
        "in has been signed out.",
    )
    db.session.commit()


def notify(user: StaffUser, subject: str, what: str) -> None:
    """Tell the account's owner by email of a change to how they sign in (in the
    caller's transaction)."""
    enqueue_staff_email(
        EmailKind.ACCOUNT_NOTICE, staff_id=user.id, subject=subject, body=what
    )


def set_active(user: StaffUser, active: bool, by: StaffUser | None = None) -> str:
    """Let an account sign in, or stop it and end its sessions; say what was done.

    `by` is the admin doing it (None at the command line), who may not deactivate
    their own account and so lock the clinic out of its team page.
    """
    if by is not None and by.id == user.id and not active:
        raise AccountError("You cannot deactivate your own account.")
    user.active = active
    if not active:
        end_sessions(user)
    done = f"{user.email} {'reactivated' if active else 'deactivated'}"
    audit.record(AuditAction.STAFF, detail=done, staff_id=by.id if by else None)
    db.session.commit()
    return done


def end_sessions(user: StaffUser) -> None:
    """Make every session cookie ever issued for this account stop working."""
    user.session_version += 1


def sign_out(user: StaffUser) -> None:
    """End every session of the account, recording that it signed out."""
    end_sessions(user)
    audit.record(AuditAction.SIGN_OUT, staff_id=user.id)
    db.session.commit()


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(StaffUser))


def everyone() -> list[StaffUser]:
    """Every account, by email."""
    return db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all()


def active_members() -> list[StaffUser]:
    """The accounts that can sign in, by email: those a lead can be assigned to."""
    return db.session.scalars(
        select(StaffUser).where(StaffUser.active).order_by(StaffUser.email)
    ).all()


def get(staff_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, staff_id)


def get_or_404(staff_id: int) -> StaffUser:
    return db.get_or_404(StaffUser, staff_id, description="No such account.")


@dataclass
class SignIn:
    user: StaffUser | None = None
    locked_until: datetime | None = None
    # The password was right; a code from the authenticator app must follow.
    needs_code: bool = False


def sign_in(email: str, password: str, client: str) -> SignIn:
    """Check a sign-in, doing the same work whether or not the email has an account,
    and count failures, per email and client address, towards a short pause.

    An account with two-step sign-in is not signed in yet: the failure count stands
    until its code is right too, so wrong codes add to wrong passwords.
    """
    now = datetime.now(UTC)
    email = email.strip().lower()
    locked = throttle.locked_until(email, client, now) or throttle.locked_until(
        email, throttle.ALL_PASSWORDS, now
    )
    if locked:
        return SignIn(locked_until=locked)
    user = find(email)
    matches = passwords.verify(user.password_hash if user else None, password)
    if matches and user.active:
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        if user.two_step:
            db.session.commit()
            return SignIn(user=user, needs_code=True)
        complete_sign_in(user, client, now)
        return SignIn(user=user)
    return SignIn(locked_until=failed(email, client, now, user))


def complete_sign_in(
    user: StaffUser, client: str, now: datetime, detail: str = ""
) -> None:
    throttle.clear(user.email, client)
    throttle.clear(user.email, throttle.ANY_NETWORK)
    throttle.clear(user.email, throttle.ALL_PASSWORDS)
    user.last_sign_in_at = now
    audit.record(AuditAction.SIGN_IN, staff_id=user.id, detail=detail)
    db.session.commit()


def failed(
    email: str,
    client: str,
    now: datetime,
    user: StaffUser | None,
    action: AuditAction = AuditAction.SIGN_IN_FAILED,
) -> datetime | None:
    """Count a failed password or code, auditing it and any lock-out it causes;
    return when sign-in opens again if it is now paused."""
    throttle.record_failure(email, client, now)
    if action == AuditAction.SIGN_IN_FAILED:
        throttle.record_failure(email, throttle.ALL_PASSWORDS, now)
    audit.record(action, staff_id=user.id if user else None)
    locked = throttle.locked_until(email, client, now)
    everywhere = throttle.locked_until(email, throttle.ALL_PASSWORDS, now)
    if locked or everywhere:
        audit.record(
            AuditAction.SIGN_IN_LOCKED,
            staff_id=user.id if user else None,
            detail=(
                "paused after repeated failures from one network"
                if locked
                else "paused after wrong passwords from many networks"
            ),
        )
    db.session.commit()
    return locked or everywhere


@login_manager.user_loader
def load_user(session_id: str) -> StaffUser | None:
    """Find the account a session names, if it is active and the session current."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def set_practitioner(
    member: StaffUser,
    practitioner: bool,
    display_name: str | None,
    working_hours: str | None,
    treatments: str | None,
) -> None:
    """Make an account a practitioner (or not), with the name patients see, their
    own hours and the treatments they offer (None: every one); one who stops being a
    practitioner loses the calendar feed's address."""
    member.is_practitioner = practitioner
    member.display_name = display_name
    member.working_hours = working_hours
    member.treatments = treatments
    if not practitioner:
        member.calendar_key = None
    audit.record(
        AuditAction.STAFF,
        detail=f"{member.email} practitioner settings: "
        f"{'practitioner' if practitioner else 'not a practitioner'}",
    )
    db.session.commit()
