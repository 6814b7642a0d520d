"""Fixtures: an app from the factory on a freshly migrated database per test (a copy
of one migrated SQLite file, or a PostgreSQL schema rebuilt from one migration's
dump), and real SMTP servers on 127.0.0.1."""

import os
import shutil
import subprocess
from dataclasses import dataclass

import pytest
import time_machine
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import make_url, text
from sqlalchemy.exc import SQLAlchemyError

from clinic import create_app
from clinic.extensions import db
from clinic.outbox.delivery import send_due
from tests.appointments.helpers import MONDAY, add_practitioner
from tests.helpers import (
    TEST_DATABASE_URL,
    TEST_SECRET,
    HangingSMTP,
    Inbox,
    free_port,
)
from tests.services import start_gunicorn, stop


def test_settings(tmp_path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL
        or f"sqlite:///{tmp_path / 'clinic.sqlite3'}",
        "BOOKING_MIN_SECONDS": 0,
        "RATELIMIT_ENABLED": False,
        "OUTBOX_SEND_IN_BACKGROUND": False,
        # Each test reads the figures it just made (one test checks the reuse).
        "STAFF_DASHBOARD_SECONDS": 0,
        # Signing in with a password alone, except in the tests of two-step
        # sign-in (tests/staff/auth/test_two_step.py), which turn it on.
        "STAFF_REQUIRE_TOTP": False,
        "CLINIC_NOTIFY_EMAIL": "frontdesk@clinic.test",
        # The test client's host, and the one SITE_URL names.
        "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
        # time-machine moves this process's clock, never a database server's:
        # tests/test_clocks.py turns the database's clock on.
        "CLOCK_FROM_DATABASE": False,
    }


@dataclass(frozen=True)
class MigratedSchema:
    """The migrated PostgreSQL schema: what rebuilds it, what it looks like, and what
    empties it again (far cheaper than rebuilding, when a test left it as it was)."""

    dump: str
    fingerprint: str
    emptying: str


# The schema's relations, kinds and columns: a test that changed any (a migration
# test going down and up) gets the schema rebuilt rather than emptied.
FINGERPRINT = text(
    "SELECT (SELECT string_agg(relname::text || ':' || relkind::text, ',' "
    "ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace)"
    " || (SELECT count(*) FROM information_schema.columns"
    " WHERE table_schema = 'public')::text"
)


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    """Run the migrations once per session: a migrated SQLite file to copy, or the
    migrated PostgreSQL schema, to empty or rebuild for each test."""
    folder = tmp_path_factory.mktemp("migrated")
    app = create_app(test_settings(folder), instance_path=folder / "instance")
    with app.app_context():
        if not TEST_DATABASE_URL:
            upgrade()
            db.engine.dispose()
            return folder / "clinic.sqlite3"
        reset_schema()
        upgrade()
        with db.engine.connect() as conn:
            schema = MigratedSchema(
                schema_dump(), conn.scalar(FINGERPRINT), emptying_sql(conn)
            )
        db.engine.dispose()
    return schema


def emptying_sql(conn) -> str:
    """Delete every row, children first, and start every id again at 1."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    sequences = conn.scalars(
        text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
    ).all()
    return "; ".join(
        [f'DELETE FROM "{table}"' for table in tables]
        + [f"SELECT setval('\"{name}\"', 1, false)" for name in sequences]
    )


def fresh_schema(schema: MigratedSchema) -> None:
    """Give a test the migrated schema with no rows: emptied when the last test
    left it as migrated, rebuilt from the dump otherwise."""
    try:
        with db.engine.begin() as conn:
            if conn.scalar(FINGERPRINT) == schema.fingerprint:
                conn.connection.driver_connection.execute(schema.emptying)
                return
    except SQLAlchemyError:
        pass  # no schema at all, or a broken one: rebuilt below
    rebuild_schema(schema.dump)


def reset_schema() -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


def rebuild_schema(dump: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        # Straight to the driver: the dump is many statements and holds '%'.
        conn.connection.driver_connection.execute(dump)


def schema_dump() -> str:
    """The migrated schema and its few rows (alembic's version) as plain SQL."""
    url = make_url(TEST_DATABASE_URL)
    dump = subprocess.run(
        [
            shutil.which("pg_dump") or "pg_dump",
            f"--host={url.host}",
            f"--port={url.port or 5432}",
            f"--username={url.username}",
            "--schema=public",
            "--no-owner",
            "--no-privileges",
            "--inserts",
            url.database,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The dump empties the search path for its own session (this one is pooled) and
    # wraps itself in psql's restrict commands, which are no SQL; a dump of one
    # schema leaves out the extensions the migrations created in it.
    kept = [
        line
        for line in dump.splitlines()
        if not line.startswith(("SET ", "SELECT pg_catalog.set_config", "\\"))
        and line != "CREATE SCHEMA public;"
    ]
    return "\n".join(extensions_in_public() + kept)


def extensions_in_public() -> list[str]:
    with db.engine.connect() as conn:
        names = conn.scalars(
            text(
                "SELECT extname FROM pg_extension"
                " WHERE extnamespace = 'public'::regnamespace"
            )
        )
        return [f'CREATE EXTENSION IF NOT EXISTS "{name}";' for name in names]


@pytest.fixture
def make_app(tmp_path, migrated):
    """Build an app on a throwaway instance folder, overriding the test mapping;
    close its database connections afterwards."""
    apps = []

    def build(**overrides):
        settings = {**test_settings(tmp_path), **overrides}
        database = tmp_path / "clinic.sqlite3"
        default = settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}"
        if default and not database.exists():
            shutil.copyfile(migrated, database)
        app = create_app(settings, instance_path=tmp_path / "instance")
        apps.append(app)
        with app.app_context():
            if settings["SQLALCHEMY_DATABASE_URI"] == TEST_DATABASE_URL:
                if len(apps) == 1:
                    # One shared server database: each test starts on a new schema.
                    fresh_schema(migrated)
            elif not default:
                upgrade()
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def start_smtp(smtp_port):
    """Start a real SMTP server on 127.0.0.1 (call it; tests may start it late)."""
    controllers = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp(start_smtp) -> Inbox:
    return start_smtp()


@pytest.fixture
def hanging_smtp():
    server = HangingSMTP()
    yield server
    server.stop()


@pytest.fixture
def live_site(make_app, smtp, smtp_port):
    """The app served over real HTTP, its links made from SITE_URL, and its email
    delivered to a real SMTP server; `deliver()` sends what the outbox holds."""
    from tests.helpers import free_port
    from tests.staff.http import LiveServer

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = make_app(SITE_URL=base, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    server = LiveServer(app, port)

    class Site:
        def __init__(self):
            self.app, self.base, self.inbox = app, base, smtp

        def deliver(self, expected: int) -> list:
            """Send the outbox and return the messages that arrived with it."""
            before = len(smtp.envelopes)
            with app.app_context():
                send_due()
            assert smtp.wait_for(before + expected)
            return smtp.envelopes[before:]

    yield Site()
    server.stop()


@pytest.fixture
def clock():
    """The clock stopped at MONDAY; tests move it with clock.move_to(...)."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ana(app):
    return add_practitioner(app)


@pytest.fixture
def server(app):
    """gunicorn with several processes and threads on the test's database."""
    port = free_port()
    env = os.environ | {
        "FLASK_SECRET_KEY": TEST_SECRET,
        "FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "FLASK_BOOKING_MIN_SECONDS": "0",
        "FLASK_SESSION_COOKIE_SECURE": "false",
        "FLASK_OUTBOX_SEND_IN_BACKGROUND": "false",
        "FLASK_RATELIMIT_ENABLED": "false",
    }
    process = start_gunicorn(
        env, "-w", "3", "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}"
    )
    yield f"http://127.0.0.1:{port}"
    stop(process)


@pytest.fixture
def mail_app(make_app, smtp_port):
    def build(**overrides):
        settings = {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "MAIL_TIMEOUT": 5,
            "MAIL_DATA_TIMEOUT": 5,
        }
        return make_app(**{**settings, **overrides})

    return build
