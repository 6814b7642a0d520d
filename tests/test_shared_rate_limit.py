"""Rate limits count per server, not per process: two app processes (separate
gunicorns) share one count through the default SQLite file, and through Redis."""

import http.cookiejar
import os
import secrets
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.helpers import TEST_SECRET, free_port, hidden_fields, valid_form
from tests.services import start_gunicorn, stop

REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_server(app, **settings) -> tuple[subprocess.Popen, str]:
    """Run the app in its own gunicorn process on the test's database."""
    port = free_port()
    env = (
        os.environ
        | {
            "FLASK_SECRET_KEY": TEST_SECRET,
            "FLASK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "FLASK_BOOKING_MIN_SECONDS": "0",
            "FLASK_SESSION_COOKIE_SECURE": "false",
            "FLASK_OUTBOX_SEND_IN_BACKGROUND": "false",
            "FLASK_RATELIMIT_ENABLED": "true",
        }
        | {f"FLASK_{key}": value for key, value in settings.items()}
    )
    server = start_gunicorn(env, "-w", "1", "-b", f"127.0.0.1:{port}")
    return server, f"http://127.0.0.1:{port}"


def send_form(base: str, email: str) -> int:
    """Fetch the form and send it back over HTTP; return the status code."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect
    )
    with opener.open(f"{base}/consultation", timeout=10) as page:
        tokens = hidden_fields(page.read().decode())
    body = urllib.parse.urlencode({**tokens, **valid_form(email=email)}).encode()
    try:
        with opener.open(f"{base}/consultation", body, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as answer:
        answer.close()
        return answer.code


@pytest.fixture
def two_servers(make_app):
    app = make_app()  # a migrated database for both servers
    servers = []

    def start(**settings):
        servers.extend([start_server(app, **settings), start_server(app, **settings)])
        return [base for _, base in servers[-2:]]

    yield start
    for server, _ in servers:
        stop(server)


@pytest.mark.skipif(not redis_answers(), reason="no Redis answers on 127.0.0.1:6379")
def test_two_app_servers_share_one_limit_through_redis(two_servers):
    first, second = two_servers(
        BOOKING_RATE_LIMIT="2 per minute",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        # A fresh prefix per run, so earlier runs' counters do not count here.
        RATELIMIT_KEY_PREFIX=f"test-{secrets.token_hex(4)}",
    )
    assert send_form(first, "a@example.com") == 303
    assert send_form(second, "b@example.com") == 303
    # One stored request on each server: together they have used up the limit.
    assert send_form(first, "c@example.com") == 429
    assert send_form(second, "d@example.com") == 429


def test_processes_on_one_server_share_the_default_limit(two_servers, tmp_path):
    # The default storage, in a file of the test's own rather than the checkout's
    # instance folder, where counts would outlive the run.
    counters = tmp_path / "rate-limits.sqlite3"
    first, second = two_servers(
        BOOKING_RATE_LIMIT="2 per minute",
        RATELIMIT_STORAGE_URI=f"sqlite-file://{counters}",
    )
    assert send_form(first, "a@example.com") == 303
    assert send_form(second, "b@example.com") == 303
    assert send_form(first, "c@example.com") == 429
    assert send_form(second, "d@example.com") == 429


def test_the_default_storage_is_a_file_in_the_instance_folder(make_app):
    app = make_app(RATELIMIT_STORAGE_URI=None)
    path = f"{app.instance_path}/rate-limits.sqlite3"
    assert app.config["RATELIMIT_STORAGE_URI"] == f"sqlite-file://{path}"


def test_memory_storage_would_count_per_process(two_servers):
    # Why memory:// is no longer the default: each process counts alone.
    first, second = two_servers(
        BOOKING_RATE_LIMIT="1 per minute", RATELIMIT_STORAGE_URI="memory://"
    )
    assert send_form(first, "a@example.com") == 303
    assert send_form(second, "b@example.com") == 303
