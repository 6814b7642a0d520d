"""Inviting people to the staff: an admin names them, they get a link by email, and
the account exists once they choose a password there."""

import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update

from clinic import audit
from clinic.accounts import links, passwords, users
from clinic.extensions import db
from clinic.models import Invitation, OutboxEmail, StaffUser
from clinic.outbox.queue import enqueue_staff_email
from clinic.vocabulary import AuditAction, EmailKind, EmailStatus


def _fresh(invitation: Invitation) -> None:
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_at = datetime.now(UTC) + links.INVITATION_LIFETIME
    enqueue_staff_email(EmailKind.INVITATION, invitation_id=invitation.id)


def invite(
    email: str,
    is_admin: bool,
    is_practitioner: bool,
    name: str | None,
    by: StaffUser,
) -> Invitation:
    """Invite someone, refusing an address that has an account or an invitation
    still open (resend that one instead)."""
    email = users.normalise_email(email)
    if users.find(email):
        raise users.AccountError(f"There is already an account for {email}.")
    if any(i.email == email for i in pending()):
        raise users.AccountError(
            f"{email} is already invited: resend or revoke that invitation below."
        )
    if is_practitioner and not name:
        raise users.AccountError("A practitioner needs the name patients see.")
    invitation = Invitation(
        email=email,
        is_admin=is_admin,
        is_practitioner=is_practitioner,
        display_name=name or None,
        invited_by_id=by.id,
        expires_at=datetime.now(UTC),
        nonce="",
    )
    db.session.add(invitation)
    db.session.flush()
    _fresh(invitation)
    audit.record(AuditAction.INVITE, detail=f"{email} ({role(invitation)})")
    db.session.commit()
    return invitation


def role(invitation: Invitation) -> str:
    words = "admin" if invitation.is_admin else "staff"
    if invitation.is_practitioner:
        words += f", practitioner {invitation.display_name}"
    return words


def resend(invitation: Invitation) -> None:
    """Send a new link for another 72 hours; the old one stops working."""
    if not invitation.pending:
        raise users.AccountError("That invitation is no longer open.")
    _fresh(invitation)
    audit.record(AuditAction.INVITE, detail=f"{invitation.email} (sent again)")
    db.session.commit()


def revoke(invitation: Invitation) -> None:
    if not invitation.pending:
        raise users.AccountError("That invitation is no longer open.")
    invitation.revoked_at = datetime.now(UTC)
    # An email not yet sent would only carry a dead link: it need not go.
    db.session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.invitation_id == invitation.id,
            OutboxEmail.status == EmailStatus.PENDING,
            OutboxEmail.lease_until.is_(None),
        )
        .values(status=EmailStatus.WITHDRAWN)
    )
    audit.record(AuditAction.INVITE_REVOKED, detail=invitation.email)
    db.session.commit()


def pending() -> list[Invitation]:
    """Invitations neither accepted nor revoked, expired ones included (to resend)."""
    return db.session.scalars(
        select(Invitation)
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at)
    ).all()


def get_or_404(invitation_id: int) -> Invitation:
    return db.get_or_404(Invitation, invitation_id, description="No such invitation.")


def from_link(token: str) -> Invitation | None:
    """The open invitation a link stands for, or None: tampered, expired, replaced
    by a resend, revoked or already used."""
    found = links.read("invitation", token, links.INVITATION_LIFETIME)
    if not found or not isinstance(found.get("i"), int):
        return None
    invitation = db.session.get(Invitation, found["i"])
    if (
        invitation is None
        or not invitation.pending
        or not secrets.compare_digest(str(found.get("n", "")), invitation.nonce)
        or invitation.expires_at <= datetime.now(UTC)
    ):
        return None
    return invitation


def accept(invitation: Invitation, password: str) -> StaffUser:
    """Make the invited account with the chosen password; the link is spent."""
    users.check_password(password, invitation.email, invitation.display_name)
    if users.find(invitation.email):
        raise users.AccountError(
            "There is already an account for this address: sign in instead."
        )
    user = StaffUser(
        email=invitation.email,
        password_hash=passwords.hash_password(password),
        is_admin=invitation.is_admin,
        is_practitioner=invitation.is_practitioner,
        display_name=invitation.display_name,
    )
    db.session.add(user)
    invitation.accepted_at = datetime.now(UTC)
    db.session.flush()
    audit.record(
        AuditAction.INVITE_ACCEPTED,
        staff_id=user.id,
        detail=f"{user.email} ({role(invitation)})",
    )
    db.session.commit()
    return user
