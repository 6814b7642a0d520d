"""Staff-area helpers: accounts, sign-in, and leads put straight into the database
(the consultation form has its own tests)."""

import re
import secrets
from datetime import UTC, date, datetime, timedelta

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
