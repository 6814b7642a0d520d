"""Measure every public page as a visitor's browser sees it and print a table.

Usage: python bench/lighthouse.py [BASE_URL]   (default http://127.0.0.1:5000)

Runs ../shared/tools lighthouse.sh (mobile and desktop), weight.sh and axe.sh against a
server you have started, e.g. with gunicorn. Needs the tools installed once with
../shared/tools/install.sh.
"""

import json
import subprocess
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "shared" / "tools"
PAGES = [
    "/",
    "/blog/",
    "/blog/medical-benefits-of-botox",
    "/treatments/",
    "/treatments/botox-chronic-migraine",
    "/treatments/laser-hair-removal",
    "/consultation",
    "/privacy",
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


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
    for path in PAGES:
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
