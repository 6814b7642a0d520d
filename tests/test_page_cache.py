"""Public pages are rendered once, then served from memory, compressed, revalidated."""

import gzip

import pytest


def test_flask_serves_a_stored_page_without_rendering_it_again(
    app, client, monkeypatch
):
    entered, calls = [], []
    app.before_request(lambda: entered.append(1))
    first = client.get("/treatments/")
    monkeypatch.setattr(
        "clinic.treatments.views.render_template", lambda *a, **k: calls.append(a) or ""
    )
    # Another Accept-Encoding: the replay layer in front has no copy of this
    # response, so the request reaches Flask and the page stored there.
    second = client.get("/treatments/", headers={"Accept-Encoding": "gzip"})
    assert len(entered) == 2 and calls == []
    assert gzip.decompress(second.data) == first.data


def test_query_strings_share_one_cached_page(app, client):
    client.get("/blog/medical-benefits-of-botox?utm_source=newsletter")
    client.get("/blog/medical-benefits-of-botox?utm_source=other&x=1")
    cached = [p for p in app.extensions["page_cache"] if "/blog/" in p]
    assert cached == ["http://localhost/blog/medical-benefits-of-botox"]


def test_unchanged_page_revalidates_with_304(client):
    first = client.get("/privacy")
    etag = first.headers["ETag"]
    again = client.get("/privacy", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert "stale-while-revalidate" in first.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path", ["/", "/blog/medical-benefits-of-botox", "/sitemap.xml"]
)
def test_page_is_gzipped_when_the_client_accepts_it(client, path):
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert packed.headers["ETag"] != plain.headers["ETag"]


def test_gzip_refused_with_zero_quality_gets_plain_bytes(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in response.headers


def test_unknown_pages_are_not_cached(app, client):
    client.get("/blog/not-a-real-article")
    assert not [p for p in app.extensions.get("page_cache", {}) if "not-a-real" in p]


def test_debug_mode_renders_every_time(make_app):
    app = make_app(DEBUG=True)
    app.test_client().get("/")
    assert app.extensions.get("page_cache", {}) == {}


def test_repeat_requests_are_answered_without_entering_flask(app, client):
    entered = []
    app.before_request(lambda: entered.append(1))
    first = client.get("/treatments/", headers={"Accept-Encoding": "gzip"})
    second = client.get(
        "/treatments/?utm_source=x", headers={"Accept-Encoding": "gzip"}
    )
    assert len(entered) == 1
    assert second.data == first.data
    assert second.headers.to_wsgi_list() == first.headers.to_wsgi_list()
    assert second.headers["Content-Security-Policy"].startswith("default-src 'self'")
    plain = client.get("/treatments/")
    assert "Content-Encoding" not in plain.headers and len(entered) == 2


def test_replayed_head_request_has_the_headers_and_no_body(client):
    client.get("/privacy")
    head = client.head("/privacy")
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) > 1000


def test_revalidation_still_reaches_the_app_after_a_replay(client):
    etag = client.get("/privacy").headers["ETag"]
    client.get("/privacy")
    assert client.get("/privacy", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", ["/", "/blog/", "/treatments/", "/privacy"])
def test_public_pages_read_no_session_and_set_no_cookie(client, path):
    for _ in range(2):
        answer = client.get(path)
        assert "Cookie" not in answer.headers.get("Vary", "")
        assert "Set-Cookie" not in answer.headers


def test_per_visitor_pages_are_never_replayed(app, client):
    entered = []
    app.before_request(lambda: entered.append(1))
    first = client.get("/consultation")
    second = client.get("/consultation")
    assert len(entered) == 2
    assert first.data != second.data  # a fresh one-time token each time


POISONS = {
    "script root": {"environ_overrides": {"SCRIPT_NAME": "/evil"}},
    "scheme": {"environ_overrides": {"wsgi.url_scheme": "https"}},
    "trusted other host": {"headers": {"Host": "127.0.0.1"}},
}


@pytest.mark.parametrize("path", ["/", "/treatments/", "/consultation"])
@pytest.mark.parametrize("poison", POISONS.values(), ids=POISONS)
def test_an_odd_request_never_shapes_the_page_others_get(client, path, poison):
    client.get(path, **poison)  # the first visitor: nothing is stored yet
    plain = client.get(path, headers={"Accept-Encoding": "gzip"})
    for encoding in ("gzip", ""):
        again = client.get(path, headers={"Accept-Encoding": encoding})
        assert again.status_code == 200
        packed = again.headers.get("Content-Encoding") == "gzip"
        text = gzip.decompress(again.data) if packed else again.data
        assert b"/evil" not in text and b"https://localhost" not in text
    assert client.get(path, headers={"Accept-Encoding": "gzip"}).data == plain.data or (
        path == "/consultation"  # a fresh token each time, the rest the same
    )
    if path == "/consultation":
        assert 'action="/consultation"' in client.get(path).text


@pytest.mark.parametrize("path", ["/", "/staff/leads", "/consultation", "/staff"])
def test_an_unknown_host_is_refused_and_never_echoed(client, path):
    answer = client.get(path, headers={"Host": "evil.example"})
    assert answer.status_code == 400
    assert "evil.example" not in answer.headers.get("Location", "")
    assert "evil.example" not in answer.text
    assert client.get("/").status_code == 200


def test_the_site_url_host_is_trusted_by_default(make_app):
    app = make_app(SITE_URL="https://www.clinic.test", TRUSTED_HOSTS=None)
    assert app.config["TRUSTED_HOSTS"] == ["www.clinic.test"]
    client = app.test_client()
    assert client.get("/", headers={"Host": "www.clinic.test"}).status_code == 200
    assert client.get("/", headers={"Host": "clinic.test"}).status_code == 400
