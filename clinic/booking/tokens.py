"""The form's one-time token: a signed nonce, when the form was issued, and where the
visitor came from. Signing keeps all three honest without a server-side session."""

import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import HTTPException

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
SALT = "consultation-form"


@dataclass(frozen=True)
class FormToken:
    nonce: str
    issued_at: float
    source_path: str | None = None
    utm: dict[str, str] = field(default_factory=dict)

    def age(self) -> float:
        """Seconds since the form was shown."""
        return time.time() - self.issued_at


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue(source_path: str | None, utm: dict[str, str]) -> str:
    """Sign a fresh token for a form about to be shown."""
    payload = {
        "n": secrets.token_urlsafe(24),
        "t": time.time(),
        "s": source_path,
        "u": utm,
    }
    return _serializer().dumps(payload)


def reissue(token: FormToken) -> str:
    """Sign a fresh token that keeps the attribution of an expired one."""
    return issue(token.source_path, token.utm)


def read(value: str) -> FormToken | None:
    """Verify a submitted token; None when it is missing, forged or malformed."""
    try:
        data = _serializer().loads(value or "")
        return FormToken(
            data["n"], float(data["t"]), data.get("s"), dict(data.get("u") or {})
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


# The pages a patient can arrive from that say something about what brought them.
# Anything else (a patient's appointment link, a staff page, a reset link) is never
# recorded: its path may be a secret, and staff and exports would see it.
SOURCE_BLUEPRINTS = {"pages", "blog", "treatments"}


def public_page(path: str | None) -> bool:
    """True for the path of one of our public reading pages."""
    if not path or not path.startswith("/") or path.startswith("//"):
        return False
    try:
        endpoint, _ = current_app.url_map.bind("").match(path, method="GET")
    except HTTPException:
        return False
    return endpoint.partition(".")[0] in SOURCE_BLUEPRINTS


def attribution() -> tuple[str | None, dict[str, str]]:
    """Work out which page of ours sent the visitor, and any UTM tags they carried."""
    referrer = urlsplit(request.referrer or "")
    ours = (
        referrer.netloc == request.host
        or referrer.netloc == urlsplit(current_app.config["SITE_URL"]).netloc
    )
    source = request.args.get("from") or (referrer.path if ours else None)
    if not public_page(source):
        source = None
    tags = dict(parse_qsl(referrer.query)) if ours else {}
    tags.update(request.args)
    utm = {k: tags[k][:100] for k in UTM_KEYS if tags.get(k)}
    return (source[:300] if source else None), utm
