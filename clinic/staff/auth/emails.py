"""The emails about a staff account: the invitation, the password reset link, and
notice of a change to one's password or second factor."""

from flask import render_template
from flask_mail import Message

from clinic import identity
from clinic.accounts import links
from clinic.models import OutboxEmail
from clinic.vocabulary import EmailKind


def invitation(email: OutboxEmail) -> Message:
    clinic = identity.current()
    context = {
        "invitation": email.invitation,
        "url": links.invitation_url(email.invitation),
        "hours": int(links.INVITATION_LIFETIME.total_seconds() // 3600),
    }
    return Message(
        subject=f"You are invited to the staff area | {clinic.name}",
        recipients=[email.invitation.email],
        body=render_template("email/staff_invitation.txt", **context),
    )


def password_reset(email: OutboxEmail) -> Message:
    clinic = identity.current()
    context = {
        "url": links.reset_url(email.staff),
        "minutes": int(links.RESET_LIFETIME.total_seconds() // 60),
    }
    return Message(
        subject=f"Reset your password | {clinic.name}",
        recipients=[email.staff.email],
        body=render_template("email/staff_password_reset.txt", **context),
    )


def account_notice(email: OutboxEmail) -> Message:
    """A change to someone's password or second factor, told to them, so a change
    they did not make does not go unnoticed."""
    clinic = identity.current()
    return Message(
        subject=f"{email.subject} | {clinic.name}",
        recipients=[email.staff.email],
        body=render_template("email/staff_account_notice.txt", what=email.body),
    )


BUILDERS = {
    EmailKind.INVITATION: invitation,
    EmailKind.PASSWORD_RESET: password_reset,
    EmailKind.ACCOUNT_NOTICE: account_notice,
}
