"""The treatment catalogue: one Markdown file per treatment in catalog/, and the one
way other modules read it: `all()`, `get(slug)` and `by_group()`."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Flask, current_app
from markupsafe import Markup

from clinic.content import ContentError, Document, load_folder

CATALOG_DIR = Path(__file__).parent / "catalog"
GROUPS = {
    "medical": "Medical treatments",
    "cosmetic": "Cosmetic injectables",
    "skin-laser": "Skin and laser",
}
REQUIRED = (
    "title",
    "group",
    "summary",
    "treats",
    "session",
    "downtime",
    "results",
    "updated",
)


@dataclass(frozen=True)
class Treatment:
    slug: str
    title: str
    group: str
    summary: str
    treats: list[str]
    session: str
    downtime: str
    results: str
    updated: date
    html: Markup
    regulatory: str = ""
    order: int = 0
    featured: bool = False
    # How long its consultation takes; None: APPOINTMENT_MINUTES.
    consultation_minutes: int | None = None

    @property
    def group_name(self) -> str:
        return GROUPS[self.group]


def register(app: Flask) -> None:
    """Load the catalogue once, when the app is built."""
    app.extensions["treatments"] = load_treatments()


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
    optional = ("regulatory", "order", "featured", "consultation_minutes")
    fields = {k: meta[k] for k in (*REQUIRED, *optional) if k in meta}
    return Treatment(slug=doc.slug, html=doc.html, **fields)


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
