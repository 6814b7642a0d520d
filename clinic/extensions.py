"""Flask extensions, created unbound and attached to an app by create_app."""

import ipaddress
import os
from datetime import UTC, datetime
from functools import wraps

from flask import Flask, abort, current_app, g, has_request_context, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import DateTime, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Store aware datetimes as naive UTC and read them back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing a naive datetime; use UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    registry = registry(type_annotation_map={datetime: UTCDateTime})


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()


def client_network() -> str:
    """Who a request comes from, as every limit and lock-out counts it: an IPv4
    client by its address, an IPv6 client by its /64 (a home or a server is given
    a whole /64, and could otherwise take a fresh address for every guess)."""
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address


limiter = Limiter(client_network)


def limit_from(setting: str):
    """A rate limit read from the configuration at each request."""
    return lambda: current_app.config[setting]


mail = Mail()
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Bind every extension to the app."""
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(app.config["MIGRATIONS_DIR"]), render_as_batch=True
    )
    # Before CSRFProtect's own check, which fails on a field without a name.
    app.before_request(refuse_nameless_fields)
    csrf.init_app(app)
    # The module's one Limiter serves every app built in this process (the tests
    # build many): an earlier app's storage options (Flask-Limiter merges each
    # app's into one dict) or a storage found dead under it say nothing of this one.
    limiter._storage_options = {}
    limiter.init_app(app)
    limiter._storage_dead = False
    mail.init_app(app)
    # Flask-Login's init_app would also read the session after every request, public
    # pages included (a cost, and `Vary: Cookie`), to manage remember-me cookies this
    # site never issues; sessions are all it needs.
    app.login_manager = login_manager
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            keep_private(db.engine.url.database)
            tune_sqlite(db.engine)


def refuse_nameless_fields() -> None:
    """Answer 400 to a form body with a field whose name does not parse (werkzeug
    reads it as None): no browser sends one."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and None in request.form:
        abort(400, "The form could not be read. Please reload the page and try again.")


def keep_private(path: str | None) -> None:
    """Create the SQLite file readable by its owner only (0600), before SQLite does
    with the process's umask; its WAL and shared-memory files take the same mode.
    Leads hold health information: no other account on the machine reads them."""
    if not path or path == ":memory:":
        return
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for each in (path, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(each):
            os.chmod(each, 0o600)


def tune_sqlite(engine: Engine) -> None:
    """Make SQLite fit for a web server: WAL, waiting on locks, writers serialised."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten, so a lead deleted on request is gone from disk.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Taking the write lock up front turns "database is locked" mid-transaction
        # into a short wait at the start. A view that only reads says so (see
        # `reads_only`): in WAL mode its reads then wait for no writer, nor make
        # one wait, where taking the lock would queue every reader behind it.
        if has_request_context() and g.get(READS_ONLY):
            connection.exec_driver_sql("BEGIN DEFERRED")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


READS_ONLY = "database_reads_only"


def reads_only(view):
    """Mark a view that never writes to the database (on SQLite its transactions
    take no write lock; a write in it would fail rather than wait)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        setattr(g, READS_ONLY, True)
        return view(*args, **kwargs)

    return wrapper


def database_answers() -> None:
    """Ask the database the cheapest question; raises when it does not answer."""
    db.session.execute(select(1))
