"""Public pages rendered once and served from memory, compressed and revalidatable.

Nothing per-visitor (session, CSRF token, nonce) may appear on a cached page: the
same bytes go to everybody. The query string is ignored, so tracking tags on a link
cannot multiply the cache.

Two layers: `cached_page` keeps the rendered body inside Flask, and `ServeFromMemory`,
in front of Flask, keeps the whole response the app then gave (status, every header
its after-request hooks added, body) and answers the next identical request with it
without entering Flask at all.
"""

import gzip
import hashlib
from dataclasses import dataclass
from functools import wraps

from flask import Flask, Response, current_app, request

# Set on a request's WSGI environ when its response may be replayed to anyone.
SHAREABLE = "clinic.shareable_response"
# The same bytes for everyone: any cache (nginx, a browser) may keep a page a minute,
# serve it stale while it fetches the new one, and through an outage of the app.
SHARED_CACHE_CONTROL = (
    "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400"
)


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    gzipped: bytes
    etag: str
    mimetype: str

    @classmethod
    def build(cls, text: str, mimetype: str) -> "CachedPage":
        body = text.encode()
        etag = hashlib.sha256(body).hexdigest()[:20]
        return cls(body, gzip.compress(body, 9, mtime=0), etag, mimetype)

    def respond(self) -> Response:
        """Answer with the gzip variant when accepted, and 304 when unchanged."""
        if request.accept_encodings["gzip"] > 0:
            response = Response(self.gzipped, mimetype=self.mimetype)
            response.content_encoding = "gzip"
            response.set_etag(f"{self.etag}-gz")
        else:
            response = Response(self.body, mimetype=self.mimetype)
            response.set_etag(self.etag)
        response.vary.add("Accept-Encoding")
        # A developer editing templates wants each change on the next reload.
        response.headers["Cache-Control"] = (
            "no-cache" if current_app.debug else SHARED_CACHE_CONTROL
        )
        return response.make_conditional(request)


def cached_page(view=None, *, mimetype: str = "text/html"):
    """Render a view once per address and serve the stored bytes afterwards.

    The key is everything in the URL that can shape the page (scheme, host, script
    root and path), so a request with an odd one cannot store a page for others.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(**kwargs):
            store = current_app.extensions.setdefault("page_cache", {})
            page = store.get(request.base_url)
            if page is None:
                page = CachedPage.build(view(**kwargs), mimetype)
                # A developer editing templates wants to see each change at once.
                if not current_app.debug:
                    store[request.base_url] = page
            if not current_app.debug:
                request.environ[SHAREABLE] = True
            return page.respond()

        return wrapper

    return decorate(view) if view is not None else decorate


class ServeFromMemory:
    """WSGI middleware: replay the app's own response to a cached page.

    A response is kept only when `cached_page` marked it shareable, it is a 200 and
    it sets no cookie. It is replayed for the same host, script root, path, method
    family, scheme and Accept-Encoding header, as sent (the app has by then refused
    hosts it does not serve); conditional and range requests go to the app, which
    answers them (304) itself.
    """

    PASS_THROUGH = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE")
    # Pages × hosts × schemes × the Accept-Encoding strings browsers send; the bound
    # keeps odd headers from growing memory without end.
    MAX_RESPONSES = 500

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.responses: dict[tuple, tuple[str, list, bytes]] = {}

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD") or any(
            name in environ for name in self.PASS_THROUGH
        ):
            return self.wsgi_app(environ, start_response)
        key = (
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ["wsgi.url_scheme"],
            environ.get("HTTP_ACCEPT_ENCODING", ""),
        )
        kept = self.responses.get(key)
        if kept is not None:
            status, headers, body = kept
            start_response(status, headers)
            return [b""] if method == "HEAD" else [body]
        return self.remember(key, environ, start_response)

    def remember(self, key, environ, start_response):
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        shareable = (
            environ.get(SHAREABLE)
            and environ["REQUEST_METHOD"] == "GET"
            and seen.get("status", "").startswith("200")
            and not any(name.lower() == "set-cookie" for name, _ in seen["headers"])
            and len(self.responses) < self.MAX_RESPONSES
        )
        if not shareable:
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        self.responses[key] = (seen["status"], list(seen["headers"]), body)
        return [body]


def register(app: Flask) -> None:
    """Put the replay layer in front of the app (inside any proxy fix-up)."""
    app.wsgi_app = ServeFromMemory(app.wsgi_app)
