"""When gunicorn is down or hung, nginx shows the site's own page with the clinic's
phone number: `flask error-pages` writes it where deploy/nginx.conf looks for it."""

import shutil
from pathlib import Path

from tests.services import nginx_lines

ROOT = Path(__file__).parent.parent


def test_error_pages_writes_the_unavailable_page(make_app, tmp_path, monkeypatch):
    app = make_app(CLINIC_PHONE="(714) 555-0199", SITE_URL="https://clinic.example")
    shutil.copytree(ROOT / "static", tmp_path / "static")
    app.static_folder = str(tmp_path / "static")
    result = app.test_cli_runner().invoke(args=["error-pages"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "static" / "errors" / "unavailable.html").read_text()
    assert "We will be back in a few minutes" in page
    assert "(714) 555-0199" in page and 'href="tel:+17145550199"' in page
    assert "{{" not in page and "{%" not in page
    # Its styles are static files nginx serves itself, from the same folder.
    assert "/static/css/site.css" in page


def test_nginx_answers_a_dead_upstream_with_that_page():
    lines = nginx_lines()
    assert "error_page 502 504 /static/errors/unavailable.html;" in lines
    assert "location /static/ {" in lines
