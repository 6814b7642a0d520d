"""Measure every public page as a visitor's browser sees it and print a table.

Usage: python bench/lighthouse.py [BASE_URL]   (default http://127.0.0.1:5000)

Runs ../shared/tools lighthouse.sh (mobile and desktop), weight.sh and axe.sh on every
page the server's sitemap lists, against a server you have started, e.g. with
gunicorn. Needs the tools installed once with ../shared/tools/install.sh.
"""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

TOOLS = Path(__file__).resolve().parents[2] / "shared" / "tools"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def sitemap_paths(base: str) -> list[str]:
    """Every page the sitemap lists, as paths on the server being measured."""
    with urllib.request.urlopen(f"{base}/sitemap.xml", timeout=10) as response:
        root = ElementTree.fromstring(response.read())
    locations = root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    return [urlsplit(loc.text).path for loc in locations]


def run(script: str, *args: str) -> dict:
    out = subprocess.run(
        [str(TOOLS / script), *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def scores(url: str, mode: str) -> str:
    result = run("lighthouse.sh", url, mode)
    return "/".join(str(result[c]) for c in CATEGORIES)


def main() -> None:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000").rstrip("/")
    print(f"$ python bench/lighthouse.py {base}")
    print("Lighthouse scores are performance/accessibility/best-practices/seo.")
    header = (
        f"| {'page':36} | {'mobile':15} | {'desktop':15} | {'KB':>5} "
        "| req | foreign | axe |"
    )
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for path in sitemap_paths(base):
        url = base + path
        weight = run("weight.sh", url)
        axe = run("axe.sh", url)
        print(
            f"| {path:36} | {scores(url, 'mobile'):15} | {scores(url, 'desktop'):15} "
            f"| {weight['bytes'] / 1024:5.1f} | {weight['requests']:3} "
            f"| {len(weight['foreign']):7} | {axe['violations']:3} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
