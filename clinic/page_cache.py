"""Public pages rendered once and served from memory, compressed and revalidatable.

Nothing per-visitor (session, CSRF token, nonce) may appear on a cached page: the
same bytes go to everybody. The query string is ignored, so tracking tags on a link
cannot multiply the cache.
"""

import gzip
import hashlib
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, request


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
        response.cache_control.no_cache = True
        return response.make_conditional(request)


def cached_page(view=None, *, mimetype: str = "text/html"):
    """Render a view once per path and serve the stored bytes afterwards."""

    def decorate(view):
        @wraps(view)
        def wrapper(**kwargs):
            store = current_app.extensions.setdefault("page_cache", {})
            page = store.get(request.path)
            if page is None:
                page = CachedPage.build(view(**kwargs), mimetype)
                # A developer editing templates wants to see each change at once.
                if not current_app.debug:
                    store[request.path] = page
            return page.respond()

        return wrapper

    return decorate(view) if view is not None else decorate
