"""Staff passwords: Argon2id hashes, and checks that cost the same whoever asks."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults are RFC 9106's low-memory profile of Argon2id.
hasher = PasswordHasher()
MAX_LENGTH = 1024  # hashing is costly; nobody types more than this


def hash_password(password: str) -> str:
    return hasher.hash(password)


@cache
def _stand_in_hash() -> str:
    """A hash to check against when no account matches, so the answer takes as
    long for an unknown email as for a wrong password."""
    return hasher.hash("no account has this password")


def verify(stored_hash: str | None, password: str) -> bool:
    """Check a password against a hash, or against a stand-in when there is none."""
    try:
        hasher.verify(stored_hash or _stand_in_hash(), password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    return hasher.check_needs_rehash(stored_hash)


def problem_with(password: str, min_length: int) -> str | None:
    """Say what is wrong with a new password, or None when it will do."""
    if len(password) < min_length:
        return f"The password must be at least {min_length} characters long."
    if len(password) > MAX_LENGTH:
        return f"The password must be at most {MAX_LENGTH} characters long."
    if not password.strip():
        return "The password must not be only spaces."
    return None
