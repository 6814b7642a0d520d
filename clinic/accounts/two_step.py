"""Two-step sign-in: a code from an authenticator app (TOTP, RFC 6238) after the
password, or one of ten single-use recovery codes.

A code is accepted for the current 30-second step or the one either side (a phone's
clock a little off), and only for a step later than the last one accepted, so a code
seen over someone's shoulder, or sent twice, does not work again.
"""

import base64
import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import select, update

from clinic import identity
from clinic.extensions import db
from clinic.models import RecoveryCode, StaffUser

RECOVERY_CODES = 10
# Letters and digits nobody mixes up when copying from paper (no 0/O, 1/I/L).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
DRIFT_STEPS = 1


def enrolment_secret(user: StaffUser, nonce: str, key: str | bytes) -> str:
    """The secret one enrolment attempt offers: made from a nonce kept in that
    browser's session and the site's key, so every attempt (every session) has its
    own, none is stored until a first code confirms it, and someone else signed in
    with the same password never sees the one the owner will enrol."""
    key = key.encode() if isinstance(key, str) else key
    message = f"totp-enrolment\n{user.id}\n{user.session_version}\n{nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()  # 160 bits, as RFC 4226 advises


def provisioning_uri(user: StaffUser, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=identity.current().name
    )


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG, drawn here: the secret goes to no other server."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5,
        dark="#000",
        light="#fff",
        omitsize=True,  # a viewBox only: the page sets its size
        title="QR code for your authenticator app",
    )
    # An image with a name (its <title>), for screen readers and axe alike.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def clean(code: str) -> str:
    """A code as typed, without the spaces and dashes people put in."""
    return "".join(code.split()).replace("-", "").lower()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (of those allowed either side of now) whose code this is."""
    code = clean(code)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    current = totp.timecode(moment)
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(moment, counter_offset=offset), code):
            return current + offset
    return None


def replayed(user: StaffUser, secret: str, code: str) -> bool:
    """A right code whose step was already used: seen, not guessed."""
    step = matching_step(secret, code)
    last = user.totp_last_step
    return step is not None and last is not None and step <= last


def use_code(user: StaffUser, secret: str, code: str) -> bool:
    """Accept an authenticator code once, recording its step in the caller's
    transaction; a code of a step already used (a replay) is refused."""
    step = matching_step(secret, code)
    if step is None or (
        user.totp_last_step is not None and step <= user.totp_last_step
    ):
        return False
    # Conditional, so two requests with one code cannot both pass.
    last = StaffUser.totp_last_step
    taken = db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id, (last.is_(None)) | (last < step))
        .values(totp_last_step=step)
    ).rowcount
    db.session.refresh(user, ["totp_last_step"])
    return bool(taken)


def _digest(code: str) -> str:
    return hashlib.sha256(clean(code).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    cleaned = clean(code)
    return len(cleaned) == 10 and all(c in RECOVERY_ALPHABET for c in cleaned)


def new_recovery_codes(user: StaffUser) -> list[str]:
    """Replace the account's recovery codes with ten new ones, returned to be shown
    once; only their digests are kept."""
    db.session.execute(
        RecoveryCode.__table__.delete().where(RecoveryCode.staff_id == user.id)
    )
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(staff_id=user.id, digest=_digest(raw)))
    return codes


def use_recovery_code(user: StaffUser, code: str) -> bool:
    """Spend one unused recovery code of this account, in the caller's transaction."""
    if not looks_like_recovery_code(code):
        return False
    found = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.staff_id == user.id,
            RecoveryCode.digest == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == found.id, RecoveryCode.used_at.is_(None))
        .values(used_at=datetime.now(UTC))
    ).rowcount
    return bool(spent)


def recovery_codes_left(user: StaffUser) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)


def remove(user: StaffUser) -> None:
    """Forget the account's authenticator and recovery codes (caller commits)."""
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None  # steps of the old secret say nothing of a new one
    user.recovery_codes.clear()
