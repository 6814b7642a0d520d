"""A real browser (Debian's Chromium through Playwright) against the app over HTTP."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# The same offline flags as ../shared/tools/lib/chromium.mjs: without them Chromium
# tries Google hosts at every start on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_app(make_app):
    """Serve a fresh app on 127.0.0.1 over real HTTP for the length of a test."""
    app = make_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(5)


@pytest.fixture
def open_page(chromium, live_app):
    """Open pages in a fresh browser context; JavaScript on unless told otherwise."""
    contexts = []

    def open_(path="/", javascript=True, width=1280, height=800, bypass_csp=False):
        context = chromium.new_context(
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            bypass_csp=bypass_csp,
        )
        contexts.append(context)
        page = context.new_page()
        page.foreign_requests = []
        page.on(
            "request",
            lambda r: (
                r.url.startswith(live_app.config["LIVE_URL"])
                or r.url.startswith("data:")
                or page.foreign_requests.append(r.url)
            ),
        )
        page.goto(live_app.config["LIVE_URL"] + path)
        return page

    yield open_
    for context in contexts:
        context.close()
