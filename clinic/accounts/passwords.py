"""Staff passwords: Argon2id hashes, and checks that cost the same whoever asks."""

import re
import unicodedata
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app

MAX_LENGTH = 1024  # hashing is costly; nobody types more than this


def register(app: Flask) -> None:
    """Give the app its hasher: RFC 9106's low-memory profile of Argon2id (argon2-cffi's
    default), or, under test only, the cheapest one, so a suite that creates
    hundreds of accounts does not spend minutes hashing."""
    parameters = profiles.CHEAPEST if app.testing else profiles.RFC_9106_LOW_MEMORY
    app.extensions["password_hasher"] = PasswordHasher.from_parameters(parameters)


def _hasher() -> PasswordHasher:
    return current_app.extensions["password_hasher"]


def _stand_in_hash() -> str:
    """A hash to check against when no account matches, so the answer takes as long
    for an unknown email as for a wrong password; made on first use."""
    extensions = current_app.extensions
    if "password_stand_in" not in extensions:
        extensions["password_stand_in"] = hash_password("no account has this password")
    return extensions["password_stand_in"]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """Check a password against a hash, or against a stand-in when there is none."""
    try:
        _hasher().verify(stored_hash or _stand_in_hash(), password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether a hash was made with other parameters than the app's."""
    return _hasher().check_needs_rehash(stored_hash)


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 passwords most found in leaks (zxcvbn's list), which attackers
    try first whatever their length."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


# Words in names that say nothing about whose they are: never held against a password.
NOT_NAMES = {"and", "the", "for", "with", "dr", "md", "do", "rn", "np", "pa", "mrs"}


def guessable_words(*texts: str) -> set[str]:
    """The words an attacker tries first for this clinic and this person: from
    names, email addresses and the site's address, lower-cased, three letters or
    more."""
    words = set()
    for text in texts:
        for word in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFKC", text)):
            word = word.casefold()
            if len(word) >= 3 and word not in NOT_NAMES:
                words.add(word)
    return words - {"com", "org", "net", "www", "http", "https", "example", "test"}


def contains_any(password: str, words: set[str]) -> bool:
    """A word of four letters or more anywhere in it, or a shorter one standing as
    a word of its own ("Ana2027!" but not "banana")."""
    folded = unicodedata.normalize("NFKC", password).casefold()
    runs = set(re.findall(r"[^\W\d_]+", folded))
    return any(w in folded if len(w) >= 4 else w in runs for w in words)


def problem_with(
    password: str, min_length: int, email: str = "", words: set[str] = frozenset()
) -> str | None:
    """Say what is wrong with a new password, or None when it will do (NIST SP
    800-63B: a length, no password known from leaks, none made of the clinic's or
    the person's names, `words`; no composition rules)."""
    if len(password) < min_length:
        return f"The password must be at least {min_length} characters long."
    if len(password) > MAX_LENGTH:
        return f"The password must be at most {MAX_LENGTH} characters long."
    if not password.strip():
        return "The password must not be only spaces."
    folded = password.strip().lower()
    if folded in common_passwords() or len(set(folded)) < 3:
        return "That password is one of the most common; choose another."
    if email and (folded == email.lower() or folded == email.lower().split("@")[0]):
        return "The password must not be your email address."
    if contains_any(password, words):
        return (
            "The password must not contain the clinic's name or web address, or "
            "your own name or email: they are the first words an attacker tries."
        )
    return None
