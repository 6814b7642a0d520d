"""Public-page throughput against the framework floor.

Usage: python bench/pages.py [-d 5] [-c 20] [--workers 2]

Starts the app under gunicorn, captures every page its sitemap lists (as a browser
asking for gzip gets it), then starts the floor (bench/floor_app.py: a bare Flask
app returning those same bytes and headers from memory) under the same gunicorn
settings, and measures both with wrk (Debian package). Target (DESIGN.md): the app
serves each page that carries nothing per-visitor at no less than 0.8x the floor's
requests per second. A page whose bytes differ between two fetches (the consultation
form, with its one-time tokens) is measured and shown too, apart from the target.
"""

import argparse
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

from common import add_database_option, new_folder, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "ETag", "Cache-Control", "Vary")


def start(module: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--max-requests",
            "0",  # gunicorn.conf.py recycles workers; measure a steady state
            "--log-level",
            "warning",
            module,
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/").close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{module} did not start")


def fetch(url: str) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        headers = {k: v for k, v in response.headers.items() if k in KEPT_HEADERS}
        return response.read(), headers


def capture(base: str) -> tuple[dict, set[str]]:
    """Every sitemap page's bytes and headers, and which pages are per-visitor."""
    with urllib.request.urlopen(f"{base}/sitemap.xml") as response:
        root = ElementTree.fromstring(response.read())
    paths = [urlsplit(loc.text).path for loc in root.iter() if loc.tag.endswith("loc")]
    pages, per_visitor = {}, set()
    for path in paths:
        body, headers = fetch(base + path)
        if fetch(base + path)[0] != body:
            per_visitor.add(path)
        pages[path] = {"body": body.hex(), "headers": headers}
    return pages, per_visitor


def requests_per_second(base: str, path: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "-H",
            "Accept-Encoding: gzip",
            base + path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", type=int, default=5, help="seconds per page and server")
    parser.add_argument("-c", type=int, default=20, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    add_database_option(parser, "; public pages never query it")
    args = parser.parse_args()
    command = [Path(__file__).name, *sys.argv[1:]]
    print("$ python bench/" + " ".join(shlex.quote(a) for a in command))
    if shutil.which("wrk") is None:
        sys.exit("bench/pages.py needs wrk: apt-get install wrk")
    work = new_folder("bench-pages-")
    with throwaway_database(args.database_url, work) as database:
        return measure(args, work, database)


def measure(args, work: Path, database: str) -> int:
    """Serve the app, capture its pages for the floor, measure both; report."""
    env = os.environ | {
        "FLASK_SECRET_KEY": secrets.token_hex(32),
        "FLASK_SQLALCHEMY_DATABASE_URI": database,
        "FLOOR_PAGES": str(work / "pages.json"),
        "PYTHONPATH": str(ROOT / "bench"),
    }
    app_port, floor_port = 8751, 8752
    app_server = start("wsgi:app", app_port, args.workers, env)
    try:
        app_base = f"http://127.0.0.1:{app_port}"
        pages, per_visitor = capture(app_base)
        (work / "pages.json").write_text(json.dumps(pages))
        floor_server = start("floor_app:app", floor_port, args.workers, env)
        try:
            rows = compare(args, pages, app_base, f"http://127.0.0.1:{floor_port}")
        finally:
            floor_server.terminate()
            floor_server.wait(30)
    finally:
        app_server.terminate()
        app_server.wait(30)
    print(
        f"database: {database.split(':')[0]}, "
        f"gunicorn workers: {args.workers}, wrk: {args.c} connections, "
        f"{args.d} s per page, Accept-Encoding: gzip"
    )
    return 0 if report(rows, per_visitor) >= 0.8 else 1


def compare(args, pages, app_base: str, floor_base: str) -> list[tuple]:
    """Requests per second for each page from the app and from the floor."""
    return [
        (
            path,
            requests_per_second(app_base, path, args.d, args.c),
            requests_per_second(floor_base, path, args.d, args.c),
        )
        for path in pages
    ]


def report(rows: list[tuple], per_visitor: set[str]) -> float:
    """Print the table; return the lowest ratio over pages shared by everyone."""
    print(f"| {'page':38} | {'app req/s':>9} | {'floor req/s':>11} | ratio |")
    print(f"|{'-' * 40}|{'-' * 11}|{'-' * 13}|-------|")
    for path, ours, floor in rows:
        mark = " (per-visitor)" if path in per_visitor else ""
        print(
            f"| {path + mark:38} | {ours:9.0f} | {floor:11.0f} | {ours / floor:5.2f} |"
        )
    worst = min(ours / floor for path, ours, floor in rows if path not in per_visitor)
    print(f"RESULT: lowest ratio {worst:.2f} over shared pages (target at least 0.80)")
    for path, ours, floor in rows:
        if path in per_visitor:
            print(f"per-visitor page {path}: {ours / floor:.2f} of the floor")
    return worst


if __name__ == "__main__":
    sys.exit(main())
