"""Fixtures for the staff area: accounts and signed-in clients, and the site over
real HTTP with its email."""

import pytest

from tests.staff.helpers import ADMIN, STAFF, create_account, sign_in


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
