"""Security headers on every response."""

from flask import Flask, request
from werkzeug.wrappers import Response

# Everything the site loads is its own; nothing inline runs (JSON-LD blocks are data,
# which CSP does not execute or block).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Full URL to our own pages (attribution of consultation requests), only the
    # origin to other sites over HTTPS, nothing to plain HTTP.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "browsing-topics=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=63072000; includeSubDomains"
# A URL whose path holds a secret (a patient's appointment, an invitation, a reset
# link, a calendar feed) is a key: the browser must not hand it on to the next page,
# ours or anyone's, in a Referer header.
BEARER_ARGS = {"token", "key"}


def register(app: Flask) -> None:
    """Add the security headers to every response the app sends."""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        if BEARER_ARGS & (request.view_args or {}).keys():
            response.headers["Referrer-Policy"] = "no-referrer"
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        # Only what says otherwise (public pages, static files) may be kept by a
        # cache: a 404 or a redirect may change, and staff pages are private.
        response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
