"""deploy/nginx.conf, run by Debian's nginx in front of an upstream that is down:
the visitor gets the site's own page with the clinic's phone number (502), and no
nginx version anywhere."""

import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import free_port
from tests.services import start_when_ready, stop

ROOT = Path(__file__).parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture
def nginx(make_app, tmp_path):
    if not os.path.exists(NGINX):
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail("nginx is required here (apt-get install nginx)")
        pytest.skip("no nginx (apt-get install nginx)")
    app = make_app(CLINIC_PHONE="(714) 555-0199")
    shutil.copytree(ROOT / "static", tmp_path / "static")
    app.static_folder = str(tmp_path / "static")
    assert app.test_cli_runner().invoke(args=["error-pages"]).exit_code == 0
    port, dead = free_port(), free_port()  # nothing listens on `dead`
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    for name, value in {
        "@ROOT@": str(tmp_path),
        "@LISTEN@": f"127.0.0.1:{port}",
        "@UPSTREAM@": f"127.0.0.1:{dead}",
        "@CACHE@": str(tmp_path / "cache"),
    }.items():
        site = site.replace(name, value)
    (tmp_path / "clinic.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"""
user root;
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log stderr notice;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    include {tmp_path}/clinic.conf;
}}
"""
    )
    # nginx says when its worker starts (on stderr, at notice level): then it
    # has bound the port and answers.
    process = start_when_ready(
        [NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        "start worker process",
        "stderr",
    )
    yield f"http://127.0.0.1:{port}"
    stop(process)


def test_a_dead_upstream_gets_the_sites_own_page(nginx):
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(nginx + "/consultation", timeout=10)
    with answer.value as error:
        assert error.code == 502
        page = error.read().decode()
        assert error.headers["Server"] == "nginx"  # no version
    assert "We will be back in a few minutes" in page
    assert "(714) 555-0199" in page
    # The page's own styles come from nginx too.
    with urllib.request.urlopen(nginx + "/static/css/site.css", timeout=10) as css:
        assert css.status == 200
