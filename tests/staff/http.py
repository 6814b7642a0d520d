"""A live app on 127.0.0.1 and a small cookie-keeping HTTP client, for the journeys
that follow links from real emails over real HTTP."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email import message_from_bytes, policy

from werkzeug.serving import make_server


@dataclass
class Answer:
    status: int
    text: str
    url: str


class Visitor:
    """One browser's worth of cookies; follows redirects as a browser does."""

    def __init__(self, base: str, address: str = "127.0.0.1"):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def open(self, url: str, data: dict | None = None) -> Answer:
        if url.startswith("/"):
            url = self.base + url
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return Answer(response.status, response.read().decode(), response.url)
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(), error.url)

    get = open

    def post(self, url: str, data: dict) -> Answer:
        return self.open(url, data)

    def token(self, url: str) -> str:
        page = self.get(url)
        found = re.search(
            r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page.text
        )
        assert found, f"no CSRF token on {url}"
        return found.group(1)


class LiveServer:
    def __init__(self, app, port: int):
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


def text_of(envelope) -> str:
    message = message_from_bytes(envelope.content, policy=policy.default)
    return message.get_body(preferencelist=("plain",)).get_content()


def subject_of(envelope) -> str:
    return message_from_bytes(envelope.content, policy=policy.default)["Subject"]


def link_in(envelope, base: str) -> str:
    found = re.search(re.escape(base) + r"/staff/[\w/.-]+", text_of(envelope))
    assert found, text_of(envelope)
    return found.group(0)
