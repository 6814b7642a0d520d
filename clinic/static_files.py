"""Static files under content-hashed URLs, cached by browsers for a year, and
compressed when they are text."""

import gzip
import hashlib
import os
from pathlib import Path

import click
from flask import Flask, current_app, render_template, request, url_for
from werkzeug.wrappers import Response

YEAR = 365 * 24 * 3600
COMPRESSIBLE = {"text/css", "image/svg+xml", "text/javascript"}


def register(app: Flask) -> None:
    """Offer static_url() to templates; cache hashed files for a year, gzip text."""
    app.extensions["static_hashes"] = {}
    app.extensions["static_gzip"] = {}
    app.jinja_env.globals["static_url"] = static_url
    app.cli.command("compress-static")(compress_static)
    app.cli.command("error-pages")(error_pages)

    @app.after_request
    def finish_static(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = request.view_args["filename"]
        if request.args.get("v") == content_hash(filename):
            response.cache_control.no_cache = None  # send_file's default revalidation
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        if response.mimetype in COMPRESSIBLE and request.accept_encodings["gzip"] > 0:
            send_gzipped(response, filename)
        return response


def static_url(filename: str) -> str:
    """The URL of a static file, carrying a hash of its content."""
    return url_for("static", filename=filename, v=content_hash(filename))


def content_hash(filename: str) -> str:
    """Hash a static file once per process (on every call while debugging)."""
    hashes = current_app.extensions["static_hashes"]
    if filename not in hashes or current_app.debug:
        try:
            data = (Path(current_app.static_folder) / filename).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return ""
        hashes[filename] = hashlib.sha256(data).hexdigest()[:12]
    return hashes[filename]


def send_gzipped(response: Response, filename: str) -> None:
    """Swap the file send_file opened for its gzip form, compressed once a version."""
    packed_files = current_app.extensions["static_gzip"]
    key = (filename, content_hash(filename))
    if key not in packed_files or current_app.debug:
        data = (Path(current_app.static_folder) / filename).read_bytes()
        packed_files[key] = gzip.compress(data, 9, mtime=0)
    response.close()
    response.direct_passthrough = False
    response.set_data(packed_files[key])
    response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gz", weak)
        response.make_conditional(request)  # a browser holding this variant gets 304


GZIP_SUFFIXES = {".css", ".svg", ".js"}


def compress_static() -> None:
    """Write a .gz beside each text file in static/, for nginx's gzip_static."""
    folder = Path(current_app.static_folder)
    for path in sorted(folder.rglob("*")):
        if path.suffix not in GZIP_SUFFIXES:
            continue
        packed = path.with_name(path.name + ".gz")
        packed.write_bytes(gzip.compress(path.read_bytes(), 9, mtime=0))
        # Same modification time: nginx serves the pair as one file.
        stat = path.stat()
        os.utime(packed, (stat.st_atime, stat.st_mtime))
        click.echo(f"{packed.relative_to(folder)}")


# Where nginx finds the page it shows when gunicorn is down (deploy/nginx.conf).
UNAVAILABLE_PAGE = "errors/unavailable.html"


def error_pages() -> None:
    """Write the page nginx shows when the app itself cannot answer (a 502 or 504:
    gunicorn down or hung), in the site's look and with the clinic's phone number,
    to static/errors/ (run at each deploy, beside compress-static)."""
    # A request of its own, for the template's links (all relative to the site).
    with current_app.test_request_context("/", base_url="http://localhost"):
        page = render_template("errors/503.html")
    path = Path(current_app.static_folder) / UNAVAILABLE_PAGE
    path.parent.mkdir(exist_ok=True)
    path.write_text(page, encoding="utf-8")
    click.echo(str(path.relative_to(current_app.static_folder)))
