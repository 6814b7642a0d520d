"""Resetting a forgotten password by email: the same answer for every address, a
link for 30 minutes that works once, and every session ended when it is used."""

import secrets

from clinic import audit
from clinic.accounts import links, users
from clinic.extensions import db
from clinic.models import StaffUser
from clinic.outbox.queue import enqueue_staff_email
from clinic.vocabulary import AuditAction, EmailKind


def ask(email: str) -> None:
    """Email a reset link if an active account has this address; the same work
    otherwise (a lookup, a record and a commit), so neither the answer nor its time
    tells whether it has one."""
    user = users.find(email)
    if user is not None and user.active:
        # A new nonce: any earlier link for this account is void.
        user.reset_nonce = secrets.token_hex(16)
        enqueue_staff_email(EmailKind.PASSWORD_RESET, staff_id=user.id)
    audit.record(
        AuditAction.PASSWORD_RESET_ASKED,
        staff_id=user.id if user else None,
        detail="" if user else "for an address with no account",
    )
    db.session.commit()


def from_link(token: str) -> StaffUser | None:
    """The account a reset link is for, while it is valid: signed by us, less than
    30 minutes old, the newest asked for, and the password unchanged since."""
    found = links.read("reset", token, links.RESET_LIFETIME)
    if not found or not isinstance(found.get("u"), int):
        return None
    user = db.session.get(StaffUser, found["u"])
    if (
        user is None
        or not user.active
        or not user.reset_nonce
        or not secrets.compare_digest(str(found.get("n", "")), user.reset_nonce)
        or not secrets.compare_digest(
            str(found.get("p", "")), links.fingerprint(user.password_hash)
        )
    ):
        return None
    return user


def complete(user: StaffUser, password: str) -> None:
    """Set the new password: the link is spent and every session ends."""
    users.set_password(user, password, how=AuditAction.PASSWORD_RESET)
