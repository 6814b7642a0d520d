"""Static files under content-hashed URLs, cached by browsers for a year."""

import hashlib

from flask import Flask, current_app, request, url_for
from werkzeug.wrappers import Response

YEAR = 365 * 24 * 3600


def register(app: Flask) -> None:
    """Offer static_url() to templates and mark hashed static responses immutable."""
    app.extensions["static_hashes"] = {}
    app.jinja_env.globals["static_url"] = static_url

    @app.after_request
    def cache_hashed_static(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = request.view_args["filename"]
        if request.args.get("v") == content_hash(filename):
            response.cache_control.no_cache = None  # send_file's default revalidation
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response


def static_url(filename: str) -> str:
    """The URL of a static file, carrying a hash of its content."""
    return url_for("static", filename=filename, v=content_hash(filename))


def content_hash(filename: str) -> str:
    """Hash a static file once per process (on every call while debugging)."""
    hashes = current_app.extensions["static_hashes"]
    if filename not in hashes or current_app.debug:
        path = current_app.static_folder + "/" + filename
        try:
            with open(path, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()[:12]
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return ""
        hashes[filename] = digest
    return hashes[filename]
