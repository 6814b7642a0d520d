"""Safe, non-secret defaults, and the order in which configuration is layered."""

import secrets

from flask import Flask

# Clinic identity: every detail a deployment changes lives here, not in templates.
CLINIC_NAME = "Visage Laser and Skin Care"
CLINIC_TAGLINE = "Medical aesthetics, laser and skin care"
CLINIC_PHONE = "(714) 777-6625"
CLINIC_EMAIL = "hello@visage-clinic.example"
CLINIC_STREET = ""
CLINIC_CITY = ""
CLINIC_REGION = ""
CLINIC_POSTAL_CODE = ""
CLINIC_COUNTRY = "US"
# Two-letter day codes (schema.org style) to "HH:MM-HH:MM"; a missing day is closed.
CLINIC_HOURS = {
    "Mo": "09:00-18:00",
    "Tu": "09:00-18:00",
    "We": "09:00-18:00",
    "Th": "09:00-19:00",
    "Fr": "09:00-18:00",
    "Sa": "10:00-16:00",
}
SITE_URL = "http://127.0.0.1:5000"

SECRET_KEY = None
SQLALCHEMY_DATABASE_URI = None  # None: a SQLite file in the instance folder
MAX_CONTENT_LENGTH = 64 * 1024

# Values people copy from tutorials; a production key must be none of them.
PLACEHOLDER_KEYS = {"dev", "secret", "changeme", "change-me", "you-will-never-guess"}
MIN_SECRET_KEY_LENGTH = 32

SECRET_KEY_HELP = (
    "Refusing to start in production without a real SECRET_KEY. Set one with\n"
    "  export FLASK_SECRET_KEY=\"$(python3 -c 'import secrets; "
    "print(secrets.token_hex(32))')\"\n"
    "or put SECRET_KEY = '...' in instance/config.py."
)


def load(app: Flask, test_config: dict | None) -> None:
    """Layer defaults, instance/config.py and FLASK_* variables (or a test mapping)."""
    app.config.from_object(__name__)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        path = f"{app.instance_path}/clinic.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SITE_URL"] = app.config["SITE_URL"].rstrip("/")
    _settle_secret_key(app)


def _settle_secret_key(app: Flask) -> None:
    """Refuse a weak key in production; give a laptop a throwaway one."""
    key = app.config.get("SECRET_KEY")
    if not is_weak_secret(key):
        return
    if not (app.debug or app.testing):
        raise RuntimeError(SECRET_KEY_HELP)
    # Development only: sessions simply do not survive a restart.
    app.config["SECRET_KEY"] = secrets.token_hex(32)


def is_weak_secret(key: object) -> bool:
    """Tell whether a SECRET_KEY is missing, a known placeholder or too short."""
    if not isinstance(key, str | bytes) or not key:
        return True
    text = key.decode(errors="replace") if isinstance(key, bytes) else key
    return text.lower() in PLACEHOLDER_KEYS or len(text) < MIN_SECRET_KEY_LENGTH
