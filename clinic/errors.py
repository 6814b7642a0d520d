"""Friendly error pages."""

from flask import Flask, render_template
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, SecurityError

# The database gone, restarting, locked past its busy timeout, out of disk or read
# only: a moment's outage, not a bug in the request.
OUTAGES = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 30


def unavailable_page():
    """The 503 a patient sees while the database is away: what happened, when to try
    again, and the phone number."""
    return (
        render_template("errors/503.html"),
        503,
        {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
    )


def error_page(error: HTTPException):
    template = "errors/404.html" if error.code == 404 else "errors/error.html"
    return render_template(template, error=error), error.code


def register(app: Flask) -> None:
    """Render every HTTP error, and any unexpected one, as a page of the site."""

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # No page of the site: its links cannot be built for a host it does not serve.
        return (
            "This site does not answer to that host name.\n",
            400,
            {
                "Content-Type": "text/plain; charset=utf-8",
                "Cache-Control": "no-store",
            },
        )

    app.register_error_handler(HTTPException, error_page)

    def database_unavailable(error: Exception):
        app.logger.error("database unavailable: %s", error)
        return unavailable_page()

    for outage in OUTAGES:
        app.register_error_handler(outage, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error", exc_info=error)
        return render_template("errors/500.html"), 500
