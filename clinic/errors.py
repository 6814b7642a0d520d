"""Friendly error pages."""

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, SecurityError


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

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        template = "errors/404.html" if error.code == 404 else "errors/error.html"
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error", exc_info=error)
        return render_template("errors/500.html"), 500
