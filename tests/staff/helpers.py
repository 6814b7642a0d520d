"""Staff-area helpers: accounts, sign-in, and leads put straight into the database
(the consultation form has its own tests)."""

import os
import re
import secrets
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pyotp
from sqlalchemy import inspect

from clinic import ROOT
from clinic.accounts import users
from clinic.extensions import db
from clinic.models import (
    Lead,
    OutboxEmail,
)
from clinic.outbox.queue import enqueue_lead_emails
from tests.helpers import TEST_SECRET

PASSWORD = "correct horse battery staple"
STAFF = "desk@clinic.test"
ADMIN = "owner@clinic.test"


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def create_account(app, email: str, admin: bool = False, password: str = PASSWORD):
    with app.app_context():
        return users.create(email, password, is_admin=admin).id


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


def old_lead(app, status: str, days: int = 800, **fields) -> int:
    return add_lead(
        app,
        status=status,
        created_at=datetime.now(UTC) - timedelta(days=days),
        **fields,
    )


def every_stored_value(app) -> str:
    """Every value in every table, as one text to search."""
    with app.app_context():
        names = inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            return "\n".join(
                repr(tuple(row))
                for name in names
                for row in connection.execute(db.text(f'SELECT * FROM "{name}"'))
            )


def enrol(client) -> tuple[str, list[str]]:
    """Set up two-step sign-in from the page, as a person with a phone would."""
    page = client.get("/staff/two-step")
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page.text)
    secret = secret.group(1).replace(" ", "")
    answer = client.post(
        "/staff/two-step",
        data={"csrf_token": csrf_token(page.text), "code": pyotp.TOTP(secret).now()},
    )
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", answer.text)
    assert len(codes) == 10, answer.text
    return secret, codes


def enrolled(app, email: str = STAFF, admin: bool = False):
    create_account(app, email, admin=admin)
    client = app.test_client()
    sign_in(client, email)
    secret, codes = enrol(client)
    return secret, codes


def give_code(client, code: str, field: str = "code", address: str | None = None):
    page = client.get("/staff/login/code")
    extra = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    return client.post(
        "/staff/login/code",
        data={"csrf_token": csrf_token(page.text), field: code},
        **extra,
    )


def staff_command(app, *args: str, stdin: str = "", debug: bool = False):
    """Run `flask staff ...` with its input piped in, as from a script."""
    flags = ["--debug"] if debug else []
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "clinic", *flags, "staff", *args],
        cwd=ROOT,
        env=flask_env(app),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def flask_env(app, **settings) -> dict[str, str]:
    env = os.environ | {
        # Under test: the cheapest Argon2 parameters, as in the app fixture.
        "FLASK_TESTING": "true",
        "FLASK_SECRET_KEY": TEST_SECRET,
        "FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    return env | {f"FLASK_{key}": value for key, value in settings.items()}
