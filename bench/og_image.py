"""Render static/img/og.png, the picture link previews show (1200 x 630), from the
clinic's name and tagline in configuration, with Debian's Chromium: not a benchmark,
but a tool like the others here. Run it again after renaming the clinic:

    .venv/bin/python -m bench.og_image
"""

import base64
import html
from pathlib import Path

from playwright.sync_api import sync_playwright

from clinic import ROOT, create_app

WIDTH, HEIGHT = 1200, 630
OUT = ROOT / "static/img/og.png"

CARD = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; width: {w}px; height: {h}px; }}
body {{ display: flex; align-items: center; gap: 48px; padding: 0 72px;
  box-sizing: border-box; background: #f7f4ef; color: #1c2a30;
  font-family: "DejaVu Sans", sans-serif; border-top: 18px solid #0e5460; }}
.text {{ flex: 1; }}
.name {{ font-family: "DejaVu Serif", serif; font-size: 66px; line-height: 1.1;
  color: #093a43; margin: 24px 0 20px; }}
.tagline {{ font-size: 30px; color: #a64b25; text-transform: uppercase;
  letter-spacing: .06em; margin: 0; }}
.promise {{ font-size: 34px; line-height: 1.35; margin: 28px 0 0; color: #4b5a60; }}
.art {{ width: 380px; height: 326px; }}
</style></head><body>
<div class="text">
  <p class="tagline">{tagline}</p>
  <p class="name">{name}</p>
  <p class="promise">Treatments explained with the evidence, delivered with care.</p>
</div>
<img class="art" src="data:image/svg+xml;base64,{art}">
</body></html>"""


def main() -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "og-image-only"})
    art = base64.b64encode((ROOT / "static/img/hero.svg").read_bytes()).decode()
    card = CARD.format(
        w=WIDTH,
        h=HEIGHT,
        name=html.escape(app.config["CLINIC_NAME"]),
        tagline=html.escape(app.config["CLINIC_TAGLINE"]),
        art=art,
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.set_content(card)
        page.screenshot(path=str(OUT), type="png")
        browser.close()
    print(f"{Path(OUT).relative_to(ROOT)}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
