"""What the tests share that is not a fixture: the settings every test app gets,
the consultation form filled in as a browser would, SMTP servers on 127.0.0.1, and
small readers of pages and rows."""

import asyncio
import email
import email.policy
import json
import os
import re
import socket
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import html5lib
from sqlalchemy import select

from clinic import ROOT
from clinic.extensions import db
from clinic.models import OutboxEmail
from clinic.outbox.delivery import send_due

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
# The suite runs on a fresh SQLite file per test, or on this PostgreSQL database.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

# One page of each kind the public sees, for the tests that visit them all
# (test_search_engines checks it against the sitemap, so it cannot fall behind).
PAGE_KINDS = [
    "/",
    "/blog/",
    "/blog/medical-benefits-of-botox",
    "/treatments/",
    "/treatments/botox-chronic-migraine",
    "/treatments/laser-hair-removal",
    "/consultation",
    "/consultation/thanks",
    "/privacy",
    "/about",
    "/no-such-page",
]


def all_rows(app, model) -> list:
    """Every row of a model, oldest first, detached so tests can read it freely."""
    with app.app_context():
        found = db.session.scalars(select(model).order_by(model.id)).all()
        for row in found:
            db.session.expunge(row)
        return found


def parse_html(text: str):
    """Parse a page strictly, failing on any HTML parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(text)


# --- the consultation form -------------------------------------------------------


def next_open_day(days_ahead: int = 7) -> date:
    """A weekday the default hours open on (Mon-Sat), a little in the future."""
    day = datetime.now(ZoneInfo("America/Los_Angeles")).date() + timedelta(days_ahead)
    while day.weekday() == 6:
        day += timedelta(days=1)
    return day


def hidden_fields(page: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'name="(csrf_token|form_token)" type="hidden" value="([^"]*)"', page
        )
    )


def valid_form(**overrides) -> dict[str, str]:
    data = {
        "first_name": "Ana",
        "last_name": "García",
        "email": "ana@example.com",
        "phone": "(714) 555-0123",
        "treatment": "botox-chronic-migraine",
        "preferred_date": next_open_day().isoformat(),
        "preferred_time": "morning",
        "contact_method": "phone",
        "message": "",
        "consent": "y",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def open_form(client, query: str = "", headers=None) -> dict[str, str]:
    """GET the form as a browser would and return its hidden tokens."""
    page = client.get(f"/consultation{query}", headers=headers or {})
    assert page.status_code == 200
    return hidden_fields(page.text)


def submit(client, tokens=None, **overrides):
    """Fill in and send the form; None for a field leaves it out."""
    tokens = tokens if tokens is not None else open_form(client)
    return client.post("/consultation", data={**tokens, **valid_form(**overrides)})


# --- SMTP servers ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it is given, and lets a test
    wait for the messages it expects."""

    def __init__(self):
        self.envelopes = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        self.keep(envelope)
        return "250 OK"

    def keep(self, envelope) -> None:
        with self.arrived:
            self.envelopes.append(envelope)
            self.arrived.notify_all()

    def wait_for(self, count: int, timeout: float = 60) -> bool:
        """Wait until `count` messages have arrived; False if they never do."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.envelopes) >= count, timeout)


class HangingSMTP:
    """Accepts connections and never says a word, like a wedged mail server."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connected = threading.Event()
        self.client_gave_up = threading.Event()
        self.held: list[socket.socket] = []
        self.stopping = False
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        self.sock.settimeout(0.2)
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.held.append(conn)
            self.connected.set()
            threading.Thread(target=self.hold, args=(conn,), daemon=True).start()

    def hold(self, conn):
        with conn:
            conn.settimeout(None)
            try:
                if conn.recv(1) == b"":
                    self.client_gave_up.set()
            except OSError:
                pass

    def stop(self):
        """Stop listening and hang up on everyone still waiting for a greeting."""
        self.stopping = True
        self.sock.close()
        for conn in self.held:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def run_send(app, **kwargs):
    with app.app_context():
        return send_due(**kwargs)


class StallingInbox(Inbox):
    """Accepts mail, but holds every DATA until released: a sender caught mid-send."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.stalled = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.stalled.set()
        # Wait on the event in a thread, leaving the server's loop free.
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        self.keep(envelope)
        return "250 OK"


def outbox_command(app, smtp_port: int, *args: str, **settings: str):
    """Start `flask outbox ...` in its own process, on the test's database and SMTP."""
    env = os.environ | {
        "FLASK_SECRET_KEY": TEST_SECRET,
        "FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(smtp_port),
        "FLASK_CLINIC_NOTIFY_EMAIL": app.config["CLINIC_NOTIFY_EMAIL"],
        "FLASK_MAIL_TIMEOUT": str(app.config["MAIL_TIMEOUT"]),
        "FLASK_MAIL_DATA_TIMEOUT": str(app.config["MAIL_DATA_TIMEOUT"]),
    }
    env |= {f"FLASK_{key}": value for key, value in settings.items()}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "clinic", "outbox", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def parsed(envelope) -> email.message.EmailMessage:
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def rows(app) -> list[OutboxEmail]:
    return all_rows(app, OutboxEmail)


def page(client, slug: str):
    response = client.get(f"/treatments/{slug}")
    assert response.status_code == 200
    return response.text


def structured(text: str) -> list[dict]:
    document = parse_html(text)
    scripts = document.findall(".//script[@type='application/ld+json']")
    return [json.loads(script.text) for script in scripts]


def section_text(text: str, section_id: str) -> str:
    match = re.search(
        rf'<section class="part part-{section_id}">(.*?)</section>', text, re.S
    )
    assert match, f"no {section_id} section"
    return re.sub(r"<[^>]+>", " ", match.group(1))
