"""Fixtures for booking real times: a practitioner, a clock fixed on a known Monday,
and gunicorn serving the test's database."""

import os

import pytest
import time_machine

from tests.appointments.helpers import MONDAY, add_practitioner
from tests.helpers import TEST_SECRET, free_port
from tests.services import start_gunicorn, stop


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
