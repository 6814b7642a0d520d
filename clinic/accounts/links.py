"""The links emailed to staff: an invitation (72 hours) and a password reset (30
minutes). Each is signed with SECRET_KEY and names a nonce the database holds, so a
link is void once used, revoked or replaced, and a reset link also once the password
it was sent for has changed. No usable link is ever stored: one is made when its
email is built."""

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from clinic import identity
from clinic.models import Invitation, StaffUser
from clinic.seo import absolute

INVITATION_LIFETIME = timedelta(hours=72)
RESET_LIFETIME = timedelta(minutes=30)
MAX_TOKEN_LENGTH = 400  # a real one is about 120 characters


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"staff-{purpose}")


def fingerprint(password_hash: str) -> str:
    """A short digest of the password hash: a reset link names it, so any password
    change (including the reset itself) voids the link."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def read(purpose: str, token: str, lifetime: timedelta) -> dict | None:
    """The signed contents of a link made for `purpose` in the last `lifetime`, or
    None: tampered, expired or made for something else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        found = _serializer(purpose).loads(token, max_age=int(lifetime.total_seconds()))
    except (SignatureExpired, BadSignature):
        return None
    return found if isinstance(found, dict) else None


def invitation_url(invitation: Invitation) -> str:
    token = _serializer("invitation").dumps({"i": invitation.id, "n": invitation.nonce})
    return absolute(identity.current(), f"/staff/invitation/{token}")


def reset_url(user: StaffUser) -> str:
    token = _serializer("reset").dumps(
        {"u": user.id, "n": user.reset_nonce, "p": fingerprint(user.password_hash)}
    )
    return absolute(identity.current(), f"/staff/password-reset/{token}")
