"""The one base of every refusal a rule makes: words for the person who asked, and
the HTTP status that answers them, so no view picks a status by reading a message."""


class Refusal(Exception):
    """A request the rules turn down; `str()` is what to tell the person."""

    status = 400

    def __init__(self, message: str = "", status: int | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status


class Clash(Refusal):
    """What was asked for is no longer so: taken, changed or closed meanwhile."""

    status = 409


class Paused(Refusal):
    """Too many tries: the person waits, or resets their password."""

    status = 429
