"""Staff accounts: creating them, signing in, and ending every session of one."""

from dataclasses import dataclass
from datetime import UTC, datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from clinic.extensions import db, login_manager
from clinic.models import StaffUser
from clinic.staff import audit, passwords, throttle
from clinic.vocabulary import AuditAction


class AccountError(ValueError):
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
    problem = passwords.problem_with(
        password, current_app.config["STAFF_PASSWORD_MIN_LENGTH"]
    )
    if problem:
        raise AccountError(problem)
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


def set_password(user: StaffUser, password: str) -> None:
    """Change a password and sign the account out everywhere."""
    problem = passwords.problem_with(
        password, current_app.config["STAFF_PASSWORD_MIN_LENGTH"]
    )
    if problem:
        raise AccountError(problem)
    user.password_hash = passwords.hash_password(password)
    end_sessions(user)
    audit.record(AuditAction.STAFF, detail=f"{user.email} password changed")
    db.session.commit()


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


def sign_in(email: str, password: str, client: str) -> SignIn:
    """Check a sign-in, doing the same work whether or not the email has an account,
    and count failures, per email and client address, towards a short pause."""
    now = datetime.now(UTC)
    email = email.strip().lower()
    locked = throttle.locked_until(email, client, now)
    if locked:
        return SignIn(locked_until=locked)
    user = find(email)
    matches = passwords.verify(user.password_hash if user else None, password)
    if matches and user.active:
        throttle.clear(email, client)
        user.last_sign_in_at = now
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        audit.record(AuditAction.SIGN_IN, staff_id=user.id)
        db.session.commit()
        return SignIn(user=user)
    throttle.record_failure(email, client, now)
    audit.record(AuditAction.SIGN_IN_FAILED, staff_id=user.id if user else None)
    db.session.commit()
    return SignIn(locked_until=throttle.locked_until(email, client, now))


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
