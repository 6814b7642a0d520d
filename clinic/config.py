"""Safe, non-secret defaults, and the order in which configuration is layered."""

import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from clinic import rate_limits
from clinic.people import is_a_name

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
# A map link for the address (any map service); None: an OpenStreetMap search for
# CLINIC_STREET. Pages link to it and never embed a map.
CLINIC_MAP_URL: str | None = None
CLINIC_DIRECTIONS = ""  # e.g. "Free parking behind the building; bus 43 stops outside."
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
# Host names the site answers to; others get 400. None: SITE_URL's host (and, in
# development, localhost).
TRUSTED_HOSTS = None

# The California practice's medical director, named with their licence, e.g.
# "Dr. Ana Ruiz, MD (CA A12345)": shown on /about and in every page's footer. Unset,
# the site claims no clinician leads it, and `flask launch-check` says so.
MEDICAL_DIRECTOR: str | None = None

CLINIC_TIMEZONE = "America/Los_Angeles"
CLINIC_NOTIFY_EMAIL = "frontdesk@visage-clinic.example"

SECRET_KEY = None
SQLALCHEMY_DATABASE_URI = None  # None: a SQLite file in the instance folder
MAX_CONTENT_LENGTH = 64 * 1024
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = None  # None: on in production, off in development and tests
# How many proxies (nginx) stand in front and set X-Forwarded-For; 0: none.
TRUSTED_PROXIES = 0

# Consultation requests.
BOOKING_MIN_SECONDS = 3  # a form sent faster than this was filled by a bot
BOOKING_MAX_DAYS_AHEAD = 183
BOOKING_RATE_LIMIT = "5 per minute; 20 per hour; 50 per day"
BOOKING_TOKEN_MAX_AGE = 8 * 3600
WTF_CSRF_TIME_LIMIT = 8 * 3600
# None: a SQLite file in the instance folder, shared by this server's processes
# (clinic/rate_limits.py); redis://… for several servers.
RATELIMIT_STORAGE_URI = None
RATELIMIT_HEADERS_ENABLED = False
# A limit whose storage is down or slow is counted in the process's memory until the
# storage answers again (logged both ways): it never blocks a patient or answers 500.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
RATELIMIT_SWALLOW_ERRORS = True
# Seconds a request waits on the limit storage before counting in memory instead.
RATELIMIT_STORAGE_TIMEOUT = 0.5
# Appointments: times are the clinic's wall clock (CLINIC_TIMEZONE), kept in UTC.
APPOINTMENT_MINUTES = 30  # a consultation, unless its treatment says otherwise
APPOINTMENT_STEP_MINUTES = 30  # start times offered every this many minutes
BOOKING_MIN_NOTICE_HOURS = 12  # the earliest a patient may book online
APPOINTMENT_REMINDER_HOURS = 24  # the reminder email goes this long before
APPOINTMENT_CHANGE_CUTOFF_HOURS = 24  # later than this, patients call to change
# The reply the clinic promises to a request to be called, in hours: shown on the
# form, the thanks page and the acknowledgement email. None: no promise is shown.
REPLY_WITHIN_HOURS: int | None = 24
CONSULTATION_FEE = None  # e.g. "$75, credited toward treatment"; None: not shown
# Who wrote and who medically reviewed each article: named people with credentials.
# {"medical-benefits-of-botox": {"author": "Sam Lee, RN",
#   "reviewer": "Dr. Ana Ruiz, MD", "reviewed": "2027-01-10"}}
# Until an article has a reviewer and the date they signed off (on or after its
# last revision), its page says it has not been medically reviewed.
ARTICLE_CREDITS: dict[str, dict] = {}
# What the clinic charges, by treatment slug: {"dermal-fillers": "from $650 a syringe"}.
# A treatment not listed shows no price.
TREATMENT_PRICES: dict[str, str] = {}
# The microneedling device the clinic uses, by name: its page lists that device's
# FDA-authorised uses and no others (None: no uses are listed).
MICRONEEDLING_DEVICE: str | None = None
APPOINTMENT_WHAT_TO_BRING = (
    "A photo ID, a list of the medicines you take, and any letters or results "
    "about the condition you are coming about."
)
LEAD_EMAIL_DETAILS = False  # put contact details and treatment in the clinic email
# Acknowledgements and booking confirmations one address may be sent in 24 hours.
ACKS_PER_ADDRESS = 3
# Open future appointments one email, or one phone, may hold by booking online (the
# front desk may book more): nobody can fill the calendar with one victim's address.
BOOKINGS_PER_PATIENT = 2
# The clinic is emailed (and staff pages say so) when this many online bookings
# arrive within this many minutes.
BOOKING_ALERT_COUNT = 10
BOOKING_ALERT_MINUTES = 10
# Reading free times and an appointment's page, per client address.
LOOKUP_RATE_LIMIT = "60 per minute; 600 per hour"

# Staff area.
STAFF_IDLE_MINUTES = 30  # signed out after this long without a request
# The lead list's dashboard (twelve weeks of figures, the same for every member of
# staff) is computed at most this often per server process.
STAFF_DASHBOARD_SECONDS = 60
STAFF_SESSION_HOURS = 12  # and after a working day, whatever the activity
STAFF_SIGN_IN_RATE_LIMIT = "10 per minute; 100 per day"  # failed attempts per IP
STAFF_LOCK_AFTER_FAILURES = 5  # failed attempts for one email within the lock time
STAFF_LOCK_MINUTES = 15
# Wrong passwords for one account from every network together: past this many within
# the period, its password sign-in pauses for the period (a reset by email lifts it).
STAFF_ACCOUNT_LOCK_AFTER_FAILURES = 20
STAFF_ACCOUNT_LOCK_MINUTES = 60
# The hour (0-23, the clinic's clock) at which `flask outbox worker` runs the
# retention purge each day: when nobody is filling in the form.
RETENTION_HOUR = 3
# Where the daily backups go (`flask db backup` with no path writes a dated file
# there; pg_dump's files for PostgreSQL); `flask launch-check` wants one no older
# than BACKUP_MAX_AGE_HOURS.
BACKUP_DIR: str | None = None
BACKUP_MAX_AGE_HOURS = 26
STAFF_LEADS_PER_PAGE = 50
STAFF_PASSWORD_MIN_LENGTH = 12
# Two-step sign-in (an authenticator app) for every account: None means on, except
# in development (FLASK_DEBUG), where the first admin signs in with a password alone.
STAFF_REQUIRE_TOTP: bool | None = None
# A password reset asked for one address, and from one network (whatever address).
STAFF_RESET_RATE_LIMIT_PER_ADDRESS = "3 per hour; 10 per day"
STAFF_RESET_RATE_LIMIT = "5 per minute; 30 per hour"
# Retention: the personal data of closed, cancelled and spam leads older than this
# many days is removed (by `flask leads purge`, and daily by the outbox worker);
# None keeps them until deleted by hand. Audit events are kept AUDIT_RETENTION_DAYS.
LEAD_RETENTION_DAYS: int | None = 730
SPAM_RETENTION_DAYS: int | None = 30
AUDIT_RETENTION_DAYS: int | None = 2190

# Email: with no MAIL_SERVER, messages are written as .eml files under instance/.
MAIL_SERVER = None
MAIL_PORT = 587
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = None  # None: CLINIC_NAME <CLINIC_EMAIL>
MAIL_TIMEOUT = 10  # seconds for each reply but the one below
MAIL_DATA_TIMEOUT = 600  # for the reply to a whole message: RFC 5321 allows 10 min
MAIL_MESSAGES_PER_CONNECTION = 100
# Senders in each process (the worker, each web process), each over a connection of
# its own: a relay that stops answering one message holds up that sender alone.
OUTBOX_CONNECTIONS = 3
# How long a claimed email is left to its sender: longer than the longest send, or
# another sender could send it again while the server is still taking it.
# Leases, due emails and the retention purge go by the database server's clock
# (PostgreSQL), not each machine's: see clinic/clock.py.
CLOCK_FROM_DATABASE = True
OUTBOX_LEASE_SECONDS = 900
OUTBOX_RETRY_BASE_SECONDS = 30
OUTBOX_RETRY_MAX_SECONDS = 3600
OUTBOX_MAX_ATTEMPTS = 12
OUTBOX_SEND_IN_BACKGROUND = True  # each app process delivers right after a request

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
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server restarted under the app leaves dead connections in the pool: test
        # each before use rather than fail the request that draws it.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("pool_pre_ping", True)
    if not app.config["RATELIMIT_STORAGE_URI"]:
        path = f"{app.instance_path}/rate-limits.sqlite3"
        app.config["RATELIMIT_STORAGE_URI"] = f"{rate_limits.SCHEME}://{path}"
    rate_limits.settle_options(app.config)
    app.config["SITE_URL"] = app.config["SITE_URL"].rstrip("/")
    if app.config["TRUSTED_HOSTS"] is None:
        app.config["TRUSTED_HOSTS"] = default_hosts(app)
    if not app.config["MAIL_DEFAULT_SENDER"]:
        app.config["MAIL_DEFAULT_SENDER"] = (
            f"{app.config['CLINIC_NAME']} <{app.config['CLINIC_EMAIL']}>"
        )
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing)
    if app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_NAME"] == (
        "session"
    ):
        # Only this host, over HTTPS, path /: no subdomain can plant or read it.
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
    if app.config["STAFF_REQUIRE_TOTP"] is None:
        app.config["STAFF_REQUIRE_TOTP"] = not app.debug
    _check_lease(app.config)
    _check_reply_hours(app.config)
    _check_retention(app.config)
    _check_counts(app.config)
    _check_retention_hour(app.config)
    _check_prices(app.config)
    _check_medical_director(app.config)
    _settle_secret_key(app)


def longest_send(config) -> float:
    """Seconds one email can take: connecting, greeting, EHLO, STARTTLS, EHLO again,
    AUTH, MAIL, RCPT and DATA each wait up to MAIL_TIMEOUT, the message itself up to
    MAIL_DATA_TIMEOUT."""
    return 9 * config["MAIL_TIMEOUT"] + config["MAIL_DATA_TIMEOUT"]


def _check_retention(config) -> None:
    for name in ("LEAD_RETENTION_DAYS", "SPAM_RETENTION_DAYS", "AUDIT_RETENTION_DAYS"):
        days = config[name]
        if days is not None and (
            isinstance(days, bool) or not isinstance(days, int) or days < 1
        ):
            raise RuntimeError(f"{name} must be a whole number of days, or None")


def _check_retention_hour(config) -> None:
    hour = config["RETENTION_HOUR"]
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise RuntimeError("RETENTION_HOUR must be a whole hour, 0-23")


def _check_counts(config) -> None:
    for name in (
        "OUTBOX_CONNECTIONS",
        "ACKS_PER_ADDRESS",
        "BOOKINGS_PER_PATIENT",
        "BOOKING_ALERT_COUNT",
        "BOOKING_ALERT_MINUTES",
    ):
        value = config[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RuntimeError(f"{name} must be a whole number, 1 or more")


def _check_reply_hours(config) -> None:
    hours = config["REPLY_WITHIN_HOURS"]
    if hours is not None and (
        isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 336
    ):
        raise RuntimeError("REPLY_WITHIN_HOURS must be a whole number of hours, 1-336")


def _check_lease(config) -> None:
    if config["OUTBOX_LEASE_SECONDS"] <= longest_send(config):
        raise RuntimeError(
            f"OUTBOX_LEASE_SECONDS ({config['OUTBOX_LEASE_SECONDS']}) must be longer "
            f"than the longest send ({longest_send(config):g} s from MAIL_TIMEOUT and "
            "MAIL_DATA_TIMEOUT), or a slow send could be sent twice."
        )


# California B&P §651(c): a price is the price. "From $650", "as low as" or "$400 and
# up" advertise a figure few patients pay.
INEXACT_PRICE = re.compile(
    r"\b(from|as low as|and up|and above|starting|starts|or more|up to|lowest)\b|\+",
    re.IGNORECASE,
)


def _check_prices(config) -> None:
    prices = {"CONSULTATION_FEE": config["CONSULTATION_FEE"]} | {
        f"TREATMENT_PRICES[{slug!r}]": price
        for slug, price in config["TREATMENT_PRICES"].items()
    }
    for name, price in prices.items():
        if price is not None and INEXACT_PRICE.search(str(price)):
            raise RuntimeError(
                f"{name} is {price!r}: give the exact price (California B&P §651(c) "
                'forbids "from", "as low as" and "and up")'
            )


def _check_medical_director(config) -> None:
    director = config["MEDICAL_DIRECTOR"]
    if director is not None and not is_a_name(director):
        raise RuntimeError(
            f"MEDICAL_DIRECTOR {director!r} is not a person: give their name and "
            'licence, e.g. "Dr. Ana Ruiz, MD (CA A12345)"'
        )


def default_hosts(app: Flask) -> list[str]:
    """The host of SITE_URL; a laptop may also use localhost."""
    hosts = [urlsplit(app.config["SITE_URL"]).hostname or "localhost"]
    if app.debug:
        hosts += ["localhost", "127.0.0.1"]
    return hosts


def _settle_secret_key(app: Flask) -> None:
    """Refuse a weak key in production; give a laptop a throwaway one."""
    key = app.config.get("SECRET_KEY")
    if not is_weak_secret(key):
        return
    if not (app.debug or app.testing):
        raise RuntimeError(SECRET_KEY_HELP)
    if app.testing:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    app.extensions["development_secret_key"] = True
    # Development only: a key made once and kept in the instance folder (which is
    # never committed), so a staff sign-in survives the reloader's restarts.
    path = Path(app.instance_path) / "development-secret-key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text().strip()


def is_weak_secret(key: object) -> bool:
    """Tell whether a SECRET_KEY is missing, a known placeholder or too short."""
    if not isinstance(key, str | bytes) or not key:
        return True
    text = key.decode(errors="replace") if isinstance(key, bytes) else key
    return text.lower() in PLACEHOLDER_KEYS or len(text) < MIN_SECRET_KEY_LENGTH
