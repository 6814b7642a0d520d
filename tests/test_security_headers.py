"""Security headers on every kind of response."""

import pytest

from tests.helpers import submit

PATHS = [
    "/",
    "/blog/medical-benefits-of-botox",
    "/consultation",
    "/nowhere",
    "/static/css/site.css",
    "/healthz",
    "/sitemap.xml",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_cached_pages_keep_their_headers_when_served_from_memory(client):
    client.get("/treatments/")
    again = client.get("/treatments/")
    assert "Content-Security-Policy" in again.headers
    assert again.headers["X-Content-Type-Options"] == "nosniff"


def test_redirect_after_a_request_carries_the_headers_too(client):
    response = submit(client)
    assert response.status_code == 303
    assert "Content-Security-Policy" in response.headers


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_no_page_needs_inline_script_or_style(client):
    for path in ["/", "/blog/medical-benefits-of-botox", "/consultation", "/privacy"]:
        page = client.get(path).text
        assert " style=" not in page, path
        assert "<style" not in page, path
        for chunk in page.split("<script")[1:]:
            # Structured data (not run), or a file of ours with nothing inline.
            attributes, _, body = chunk.partition(">")
            if attributes.lstrip().startswith('type="application/ld+json"'):
                continue
            assert attributes.lstrip().startswith('src="/static/'), path
            assert body.startswith("</script>"), path


def test_form_session_cookie_is_httponly_and_samesite(client):
    cookie = client.get("/consultation").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_in_production(tmp_path, monkeypatch):
    from clinic import create_app
    from tests.helpers import TEST_SECRET

    monkeypatch.setenv("FLASK_SECRET_KEY", TEST_SECRET)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(instance_path=tmp_path / "instance")
    page = app.test_client().get("/consultation", base_url="http://127.0.0.1:5000")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    # __Host-: this host only, HTTPS only, the whole site, no Domain to widen it.
    assert cookie.startswith("__Host-session=")
    assert "Path=/;" in cookie and "Domain" not in cookie


@pytest.mark.parametrize("bad", [False, True])
def test_the_form_and_its_errors_are_never_stored_by_a_cache(client, bad):
    if bad:
        answer = submit(client, first_name="Ana", email="not an address")
        assert answer.status_code == 400
    else:
        answer = client.get("/consultation")
    assert answer.headers["Cache-Control"] == "no-store"
