"""The treatment catalogue: one Markdown file per treatment in catalog/, and the one
way other modules read it: `all()`, `get(slug)` and `by_group()`.

A treatment page must say what a patient needs to decide, so a file missing a
section (risks, US regulatory status...), a cited source or its FAQ stops start-up,
as an article with a broken citation does."""

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from flask import Flask, current_app
from markupsafe import Markup

from clinic.content import (
    ContentError,
    Document,
    Reference,
    cited_references,
    load_folder,
)

CATALOG_DIR = Path(__file__).parent / "catalog"
GROUPS = {
    "medical": "Medical treatments",
    "cosmetic": "Cosmetic injectables",
    "skin-laser": "Skin and laser",
}
REQUIRED = ("title", "group", "summary", "treats", "updated", "faq")
# The page's own headings (##), each with something under it.
SECTIONS = (
    "Who it is for",
    "Who should not have it",
    "What happens",
    "Downtime",
    "Results and how long they last",
    "Risks",
    "US regulatory status",
)
# Under "Risks" (###): the everyday side effects, the serious, and when to get help.
# "Common" only where a source gives a frequency; "expected" where it says all have
# them.
RISK_PARTS = (
    ("Common side effects", "Side effects", "Expected effects"),
    "Serious",
    "Get help",
)
# Sections whose every claim matters most: each cites at least one source.
MUST_CITE = ("Risks", "US regulatory status")
FAQ_MIN = 2


@dataclass(frozen=True)
class Treatment:
    slug: str
    title: str
    group: str
    summary: str
    treats: list[str]
    updated: date
    html: Markup
    references: list[Reference]
    faq: list[tuple[str, str]]
    order: int = 0
    featured: bool = False
    # How long its consultation takes; None: APPOINTMENT_MINUTES.
    consultation_minutes: int | None = None
    device: str | None = None  # the device the clinic uses, where uses depend on it

    @property
    def group_name(self) -> str:
        return GROUPS[self.group]


# What the FDA authorised each microneedling device for, as our fact sheet gives it:
# a page lists the uses of the device the clinic names, never the whole class's.
DEVICE_USES = {
    "SkinPen Precision": [
        "Facial acne scars, in adults 22 and older",
        "Wrinkles of the neck, in skin types II to IV, in adults 22 and older",
    ],
}


def register(app: Flask) -> None:
    """Load the catalogue once, when the app is built; a price set for no known
    treatment is a typo that would silently show nothing, so it stops start-up."""
    treatments = load_treatments()
    device = app.config["MICRONEEDLING_DEVICE"]
    if device is not None and device not in DEVICE_USES:
        raise RuntimeError(
            f"MICRONEEDLING_DEVICE {device!r} is not one whose uses we know: "
            f"{', '.join(DEVICE_USES)}"
        )
    if "microneedling" in treatments:
        treatments["microneedling"] = replace(
            treatments["microneedling"],
            treats=DEVICE_USES.get(device, []),
            device=device,
        )
    app.extensions["treatments"] = treatments
    unknown = sorted(
        set(app.config["TREATMENT_PRICES"]) - set(app.extensions["treatments"])
    )
    if unknown:
        raise RuntimeError(f"TREATMENT_PRICES names no treatment: {', '.join(unknown)}")


def all() -> dict[str, Treatment]:
    """Every treatment, in catalogue order."""
    return current_app.extensions["treatments"]


def get(slug: str | None) -> Treatment | None:
    return all().get(slug) if slug else None


def featured() -> list[Treatment]:
    return [t for t in all().values() if t.featured]


def load_treatments(folder: Path = CATALOG_DIR) -> dict[str, Treatment]:
    """Load every treatment in display order, refusing any that is incomplete."""
    treatments = sorted(
        (to_treatment(doc) for doc in load_folder(folder)),
        key=lambda t: (list(GROUPS).index(t.group), t.order, t.title),
    )
    return {t.slug: t for t in treatments}


def to_treatment(doc: Document) -> Treatment:
    """Check a treatment's front matter."""
    meta = doc.meta
    missing = [field for field in REQUIRED if not meta.get(field)]
    if missing:
        raise ContentError(f"{doc.slug}: front matter lacks {', '.join(missing)}")
    if not isinstance(meta["updated"], date):
        raise ContentError(f"{doc.slug}: updated must be a YYYY-MM-DD date")
    if meta["group"] not in GROUPS:
        raise ContentError(f"{doc.slug}: group must be one of {', '.join(GROUPS)}")
    minutes = meta.get("consultation_minutes")
    if minutes is not None and (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not 5 <= minutes <= 240
    ):
        raise ContentError(f"{doc.slug}: consultation_minutes must be 5 to 240")
    check_sections(doc)
    fields = {
        k: meta[k]
        for k in ("title", "group", "summary", "treats", "updated", "order", "featured")
        if k in meta
    }
    return Treatment(
        slug=doc.slug,
        html=sectioned(doc.html),
        references=cited_references(doc),
        faq=questions(doc),
        consultation_minutes=minutes,
        **fields,
    )


def check_sections(doc: Document) -> None:
    """Every section a patient needs is there, in the rendered page."""
    sections = {}
    for part in re.split(r"<h2[^>]*>", str(doc.html))[1:]:
        heading, _, body = part.partition("</h2>")
        sections[re.sub(r"<[^>]+>", "", heading).strip()] = body
    missing = [name for name in SECTIONS if not sections.get(name, "").strip()]
    if missing:
        raise ContentError(f"{doc.slug}: page lacks sections {missing}")
    risk_heads = re.findall(r"<h3[^>]*>(.*?)</h3>", sections["Risks"])
    absent = [
        part
        for part in RISK_PARTS
        if not any(h.startswith(part) for h in risk_heads)  # str or tuple: any of
    ]
    if absent:
        raise ContentError(f"{doc.slug}: Risks lacks {absent} (### headings)")
    uncited = [name for name in MUST_CITE if 'class="cite"' not in sections[name]]
    if uncited:
        raise ContentError(f"{doc.slug}: sections cite no source {uncited}")


def sectioned(html: Markup) -> Markup:
    """Wrap each ## part in a <section> named after its heading, so that a page's
    risks and regulatory status can be set apart on screen and in print."""
    head, *parts = re.split(r"(?=<h2[^>]*>)", str(html))
    wrapped = [
        f'<section class="part part-{m.group(1)}">{part}</section>\n'
        for part in parts
        if (m := re.match(r'<h2 id="([\w-]+)"', part))
    ]
    if len(wrapped) != len(parts):
        raise ContentError("every ## heading needs an id")
    return Markup(head + "".join(wrapped))


def questions(doc: Document) -> list[tuple[str, str]]:
    """The page's FAQ: at least FAQ_MIN questions, each with its answer."""
    faq = doc.meta["faq"]
    if not isinstance(faq, list) or len(faq) < FAQ_MIN:
        raise ContentError(f"{doc.slug}: faq needs {FAQ_MIN} or more questions")
    pairs = []
    for item in faq:
        q, a = (item.get("q"), item.get("a")) if isinstance(item, dict) else (0, 0)
        if not (isinstance(q, str) and q.strip().endswith("?") and isinstance(a, str)):
            raise ContentError(f"{doc.slug}: each faq entry needs q (a question) and a")
        pairs.append((q.strip(), " ".join(a.split())))
    return pairs


def by_group(
    treatments: dict[str, Treatment] | None = None,
) -> list[tuple[str, list[Treatment]]]:
    """Group treatments (the whole catalogue unless given) for display, keeping the
    catalogue order."""
    treatments = all() if treatments is None else treatments
    groups = [
        (name, [t for t in treatments.values() if t.group == key])
        for key, name in GROUPS.items()
    ]
    return [(name, items) for name, items in groups if items]
