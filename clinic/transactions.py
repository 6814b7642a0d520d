"""Services commit their own transaction: a change is stored whole, with its
activity record and the emails it owes, or, refused, not at all."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from clinic.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def committed(change: Callable[P, R]) -> Callable[P, R]:
    """Commit what `change` did; roll all of it back when it raises (a refusal, or
    the database going away), so the next use of the session starts clean."""

    @wraps(change)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = change(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return result

    return run


def keep_loaded() -> None:
    """Commit the activity records of a page being shown, leaving what it has loaded
    as it is: the page then renders without fetching each row again."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
