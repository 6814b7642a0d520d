"""What the submission benches share: a throwaway database, the app under gunicorn,
and forms fetched the way a browser fetches them."""

import contextlib
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
TOKENS = re.compile(r'name="(csrf_token|form_token)" type="hidden" value="([^"]*)"')


def add_database_option(parser, note: str = "") -> None:
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to make a throwaway database on "
        f"(default: a throwaway SQLite file{note})",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def throwaway_database(server_url: str | None, folder: Path):
    """A fresh SQLite file, or a fresh database on the PostgreSQL server named, so a
    run never counts another run's rows; the PostgreSQL one is dropped afterwards."""
    if not server_url:
        yield f"sqlite:///{folder}/clinic.sqlite3"
        return
    name = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(server_url)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def app_environment(database: str, smtp_port: int) -> dict[str, str]:
    return os.environ | {
        "FLASK_SECRET_KEY": secrets.token_hex(32),
        "FLASK_SQLALCHEMY_DATABASE_URI": database,
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(smtp_port),
        "FLASK_MAIL_TIMEOUT": "10",
        "FLASK_RATELIMIT_ENABLED": "false",  # one client address sends everything
        "FLASK_BOOKING_MIN_SECONDS": "0",
        "FLASK_SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback
    }


def flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a `flask --app clinic` command in the checkout."""
    return subprocess.run(
        [Path(sys.executable).parent / "flask", "--app", "clinic", *args],
        env=env,
        cwd=ROOT,
        check=check,
        capture_output=True,
        text=True,
    )


def start_gunicorn(env: dict, port: int, workers: int, stderr=None) -> subprocess.Popen:
    """Migrate the database, then serve the app and wait until it answers."""
    flask(env, "db", "upgrade")
    server = subprocess.Popen(
        [
            Path(sys.executable).parent / "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--max-requests",
            "0",  # gunicorn.conf.py recycles workers; measure a steady state
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
        stderr=stderr,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def open_day() -> str:
    day = date.today() + timedelta(days=8)
    while day.weekday() == 6:
        day += timedelta(days=1)
    return day.isoformat()


def fetch_form(base: str, i: int, day: str) -> tuple[str, str]:
    """GET the form as a browser would; return its cookie and the filled-in body."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/consultation", timeout=30).read().decode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    form = dict(TOKENS.findall(page)) | {
        "first_name": "Bench",
        "last_name": f"Client {i}",
        "email": f"bench-{i}@example.com",
        "phone": "(714) 555-0123",
        "treatment": "laser-hair-removal",
        "preferred_date": day,
        "preferred_time": "morning",
        "contact_method": "email",
        "consent": "y",
        "website": "",
    }
    return cookie, urllib.parse.urlencode(form)


def new_folder(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
