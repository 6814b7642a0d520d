"""The article as deployed: through deploy/nginx.conf in front of gunicorn (with
gunicorn.conf.py), against the same nginx serving the same page as a file, measured
in turn in one run with wrk. Target (issue 17): at least 0.5x the file.

Usage: python bench/deployed.py [-d 5] [-c 64] [--rounds 3]
Needs Debian's nginx and wrk: apt-get install nginx-light wrk
"""

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    ROOT,
    app_environment,
    flask,
    free_port,
    new_folder,
    throwaway_database,
)
from bench.pages import requests_per_second  # noqa: E402

ARTICLE = "/blog/medical-benefits-of-botox"


def nginx_conf(folder: Path, app_port: int, site_port: int, file_port: int) -> Path:
    """The committed site configuration, filled in, beside a file server."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    for name, value in {
        "@ROOT@": str(ROOT),
        "@LISTEN@": f"127.0.0.1:{site_port}",
        "@UPSTREAM@": f"127.0.0.1:{app_port}",
        "@CACHE@": str(folder / "cache"),
    }.items():
        site = site.replace(name, value)
    (folder / "clinic.conf").write_text(site)
    main = f"""
user root;
worker_processes auto;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    include {folder}/clinic.conf;
    server {{
        listen 127.0.0.1:{file_port};
        root {folder}/files;
        gzip_static on;
        keepalive_requests 10000;
        location / {{ default_type text/html; }}
    }}
}}
"""
    path = folder / "nginx-main.conf"
    path.write_text(main)
    return path


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def fetch(url: str, gzip: bool = False) -> tuple[bytes, dict]:
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
        return r.read(), dict(r.headers)


def run(args) -> dict:
    folder = new_folder("clinic-deployed-")
    app_port, site_port, file_port = free_port(), free_port(), free_port()
    processes = []
    try:
        with throwaway_database(None, folder) as database:
            env = app_environment(database, free_port()) | {
                "GUNICORN_BIND": f"127.0.0.1:{app_port}",
                "FLASK_TRUSTED_PROXIES": "1",
                "FLASK_SITE_URL": f"http://127.0.0.1:{site_port}",
            }
            flask(env, "db", "upgrade")
            flask(env, "compress-static")
            gunicorn = Path(sys.executable).parent / "gunicorn"
            processes.append(
                subprocess.Popen(
                    [gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"],
                    cwd=ROOT,
                    env=env,
                    stderr=subprocess.DEVNULL,
                )
            )
            wait_for(f"http://127.0.0.1:{app_port}/healthz")
            # The page as a file: the very bytes the app serves, plain and gzipped.
            (folder / "files").mkdir()
            page = folder / "files" / "article.html"
            page.write_bytes(fetch(f"http://127.0.0.1:{app_port}{ARTICLE}")[0])
            gz = fetch(f"http://127.0.0.1:{app_port}{ARTICLE}", gzip=True)[0]
            (folder / "files" / "article.html.gz").write_bytes(gz)
            conf = nginx_conf(folder, app_port, site_port, file_port)
            processes.append(subprocess.Popen(["nginx", "-c", conf]))
            site = f"http://127.0.0.1:{site_port}"
            files = f"http://127.0.0.1:{file_port}"
            wait_for(f"{files}/article.html")
            fetch(f"{site}{ARTICLE}", gzip=True)  # the first visitor fills the cache
            body, headers = fetch(f"{site}{ARTICLE}", gzip=True)
            assert body == gz, "nginx served other bytes than the app"
            site_rps, file_rps = [], []
            for _ in range(args.rounds):
                site_rps.append(requests_per_second(site, ARTICLE, args.d, args.c))
                file_rps.append(
                    requests_per_second(files, "/article.html", args.d, args.c)
                )
            return {
                "cache": headers.get("X-Cache"),
                "cache_control": headers.get("Cache-Control"),
                "site": site_rps,
                "file": file_rps,
            }
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


def report(args, figures: dict) -> float:
    print(f"$ python {shlex.join(sys.argv)}")
    print(f"{os.cpu_count()} cores; wrk: {args.c} connections, {args.d} s per run")
    print(
        f"article through nginx: X-Cache {figures['cache']}, "
        f"Cache-Control {figures['cache_control']}"
    )
    for n, (site, file) in enumerate(
        zip(figures["site"], figures["file"], strict=True), 1
    ):
        print(
            f"round {n}: site {site:,.0f} req/s, file {file:,.0f} req/s, "
            f"ratio {site / file:.2f}"
        )
    ratio = statistics.median(figures["site"]) / statistics.median(figures["file"])
    print(f"median ratio {ratio:.2f} (target >= 0.5)")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("-c", type=int, default=64, help="wrk connections")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None:
            sys.exit(f"bench/deployed.py needs {tool}: apt-get install nginx-light wrk")
    return 0 if report(args, run(args)) >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
