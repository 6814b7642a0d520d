"""gunicorn as deployed (gunicorn.conf.py) believes no client about the script root,
the path or the scheme: a header from a local address cannot move the links of the
pages every later visitor is served from memory."""

import http.client
import os
from contextlib import closing

import pytest

from tests.helpers import TEST_SECRET, free_port
from tests.services import start_gunicorn, stop

HOSTILE_HEADERS = {
    "SCRIPT_NAME": "/evil",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Ssl": "on",
    "X-Forwarded-Host": "evil.example",
}


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    tmp_path, port = tmp_path_factory.mktemp("gunicorn"), free_port()
    env = os.environ | {
        "FLASK_SECRET_KEY": TEST_SECRET,
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'clinic.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    server = start_gunicorn(env, "-c", "gunicorn.conf.py")
    yield port
    stop(server)


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, str]:
    with closing(http.client.HTTPConnection("127.0.0.1", port, timeout=30)) as conn:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        answer = conn.getresponse()
        return answer.status, answer.read().decode()


@pytest.mark.parametrize("path", ["/", "/consultation"])
def test_forwarded_headers_from_a_local_client_change_no_link(gunicorn, path):
    status, first = get(gunicorn, path, HOSTILE_HEADERS)
    assert status == 200
    for page in (first, get(gunicorn, path)[1]):
        assert "/evil" not in page and "evil.example" not in page
        assert 'href="/blog/' in page or 'action="/consultation"' in page
