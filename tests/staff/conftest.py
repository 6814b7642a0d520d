"""Fixtures for the staff area: accounts, signed-in clients and leads put straight
into the database (the consultation form has its own tests)."""

import re
import secrets
from datetime import UTC, date, datetime, timedelta

import pytest

from clinic.extensions import db
from clinic.models import Lead, OutboxEmail
from clinic.outbox.queue import enqueue_lead_emails
from clinic.staff import accounts

PASSWORD = "correct horse battery staple"
STAFF = "desk@clinic.test"
ADMIN = "owner@clinic.test"


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def create_account(app, email: str, admin: bool = False, password: str = PASSWORD):
    with app.app_context():
        return accounts.create(email, password, is_admin=admin).id


def sign_in(client, email: str, password: str = PASSWORD, next_: str | None = None):
    """Sign in through the form, as a browser would; return the POST's response."""
    page = client.get("/staff/login")
    data = {"csrf_token": csrf_token(page.text), "email": email, "password": password}
    if next_ is not None:
        data["next"] = next_
    return client.post("/staff/login", data=data)


def add_lead(app, emails: bool = True, **fields) -> int:
    """Store a lead as the form would, with its emails owed unless it is spam."""
    now = datetime.now(UTC)
    values = {
        "submission_token": secrets.token_urlsafe(16),
        "first_name": "Ana",
        "last_name": "García",
        "email": "ana@example.com",
        "phone": "+17145550123",
        "treatment": "botox-chronic-migraine",
        "preferred_date": date.today() + timedelta(days=7),
        "preferred_time": "morning",
        "contact_method": "phone",
        "message": "",
        "consent_at": now,
        "privacy_version": "1",
        "created_at": now,
    }
    values.update(fields)
    with app.app_context():
        lead = Lead(**values)
        db.session.add(lead)
        db.session.flush()
        if emails and lead.status != "spam":
            enqueue_lead_emails(lead.id)
        db.session.commit()
        return lead.id


def lead_emails(app, lead_id: int) -> list[OutboxEmail]:
    with app.app_context():
        found = db.session.scalars(
            db.select(OutboxEmail)
            .where(OutboxEmail.lead_id == lead_id)
            .order_by(OutboxEmail.id)
        ).all()
        for row in found:
            db.session.expunge(row)
        return found


@pytest.fixture
def staff_id(app):
    return create_account(app, STAFF)


@pytest.fixture
def admin_id(app):
    return create_account(app, ADMIN, admin=True)


@pytest.fixture
def staff_client(app, staff_id):
    client = app.test_client()
    assert sign_in(client, STAFF).status_code == 303
    return client


@pytest.fixture
def admin_client(app, admin_id):
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 303
    return client


@pytest.fixture
def live_site(make_app, smtp, smtp_port):
    """The app served over real HTTP, its links made from SITE_URL, and its email
    delivered to a real SMTP server; `deliver()` sends what the outbox holds."""
    from clinic.outbox.delivery import send_due
    from tests.conftest import free_port
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
