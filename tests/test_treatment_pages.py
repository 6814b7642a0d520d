"""Treatment pages a clinic can stand behind: every page states who it suits, its
risks and its US regulatory status with sources, and a page missing one never
starts."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from clinic.content import ContentError
from clinic.treatments.catalog import CATALOG_DIR, SECTIONS, load_treatments
from tests.helpers import page, parse_html, section_text, structured

SLUGS = sorted(p.stem for p in CATALOG_DIR.glob("*.md"))
MIGRAINE = CATALOG_DIR / "botox-chronic-migraine.md"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_has_the_sections_a_patient_needs(client, slug):
    text = page(client, slug)
    for heading in (*SECTIONS, "Questions patients ask", "References"):
        assert f">{heading}</h2>" in text, heading
    risks = section_text(text, "risks")
    assert re.search(r"(Common side|Side|Expected) effects", risks)
    for part in ("Serious", "Get help at once if"):
        assert part in risks, part
    status = section_text(text, "us-regulatory-status")
    assert re.search(
        r"FDA-approved|FDA-cleared|Not FDA-approved|off-label|Class II", status
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_every_reference_is_cited_and_links_to_a_well_formed_address(client, slug):
    document = parse_html(page(client, slug))
    items = document.findall(".//section[@class='references']/ol/li")
    assert items
    for n, item in enumerate(items, start=1):
        assert item.get("id") == f"ref-{n}"
        link = item.find("a")
        if link is None:
            # An announcement cited as printed: described in brackets, and dated.
            text = "".join(item.itertext())
            assert text.strip().startswith("[") and re.search(r"\b(19|20)\d\d\b", text)
            continue
        href = link.get("href")
        parts = urlsplit(href)
        assert parts.scheme == "https" and "." in parts.netloc, href
        assert not re.search(r"\s", href)
    cited = {
        a.get("href")
        for a in document.iter("a")
        if a.get("aria-label", "").startswith("Reference ")
    }
    assert cited == {f"#ref-{n}" for n in range(1, len(items) + 1)}


BOTOX = ("anti-wrinkle-injections", "botox-chronic-migraine", "botox-hyperhidrosis")
FILLERS = ("dermal-fillers", "lip-enhancement")
LIGHT = ("laser-hair-removal", "laser-skin-resurfacing", "ipl-photofacial")


@pytest.mark.parametrize("slug", BOTOX)
def test_every_botox_page_carries_the_boxed_warning_and_what_to_do(client, slug):
    risks = " ".join(section_text(page(client, slug), "risks").split())
    assert "Boxed warning" in risks
    assert "deaths have been reported" in risks
    assert re.search(r"swallowing, speaking or breathing", risks)


@pytest.mark.parametrize("slug", FILLERS)
def test_filler_pages_name_the_blood_vessel_risk(client, slug):
    risks = " ".join(section_text(page(client, slug), "risks").split())
    for harm in ("blindness", "stroke", "death of skin", "vision"):
        assert harm in risks, harm


@pytest.mark.parametrize("slug", LIGHT)
def test_light_and_laser_pages_name_pigment_changes(client, slug):
    risks = " ".join(section_text(page(client, slug), "risks").split()).lower()
    assert "darker skin" in risks or "skin colour" in risks
    assert "burn" in risks or "scar" in risks


UNSUPPORTED = (
    "medical-grade",
    "enlarged pores",
    "better results",
    "permanent hair removal",
    "safe for all skin types",
    "risk-free",
    "guaranteed results",
    "we guarantee",
)


@pytest.mark.parametrize("slug", SLUGS)
def test_no_page_makes_a_claim_the_facts_do_not_support(client, slug):
    text = page(client, slug).lower()
    for claim in UNSUPPORTED:
        assert claim not in text, claim


@pytest.mark.parametrize("slug", SLUGS)
def test_structured_data_describes_the_page_and_its_questions(client, slug):
    found = {item["@type"]: item for item in structured(page(client, slug))}
    faq = found["FAQPage"]
    assert len(faq["mainEntity"]) >= 2
    for question in faq["mainEntity"]:
        assert question["@type"] == "Question" and question["name"].endswith("?")
        answer = question["acceptedAnswer"]
        assert answer["@type"] == "Answer" and len(answer["text"]) > 20
    medical = found["MedicalWebPage"]
    assert medical["url"].endswith(f"/treatments/{slug}")
    for citation in medical["citation"]:
        assert citation.get("url", "https://").startswith("https://")
        assert citation.get("name") or citation.get("description")


def copy_catalog(tmp_path: Path, change) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    for path in CATALOG_DIR.glob("*.md"):
        (folder / path.name).write_text(path.read_text())
    target = folder / MIGRAINE.name
    target.write_text(change(target.read_text()))
    return folder


def without_section(heading: str):
    def change(text: str) -> str:
        start = text.index(f"\n## {heading}\n")
        end = text.find("\n## ", start + 1)
        return text[:start] + (text[end:] if end != -1 else "\n")

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (without_section("Risks"), "lacks sections .*Risks"),
        (without_section("US regulatory status"), "lacks sections .*US regulatory"),
        (without_section("Who should not have it"), "lacks sections"),
        (lambda t: t.replace("### Get help at once if", "### Afterwards"), "Get help"),
        (lambda t: t.replace("### Serious risks", "### Other"), "Serious"),
        (
            lambda t: re.sub(
                r"(## US regulatory status\n\n[^\n]*\n[^\n]*\n[^\n]*)\[@botox-label\]",
                r"\1",
                t,
            ),
            "cite no source",
        ),
        (lambda t: re.sub(r"faq:\n(  - q:.*\n(    .*\n)+)+", "faq: []\n", t), "faq"),
        (
            lambda t: t.replace(
                "url: https://aarhuslaserbotox.com", "url: http://aarhuslaserbotox.com"
            ),
            "not a plain https link",
        ),
        (
            lambda t: t.replace("doi: 10.1001/jama.2009.780", "doi: jama.2009.780"),
            "DOI",
        ),
    ],
    ids=[
        "no risks",
        "no status",
        "no contraindications",
        "no when-to-get-help",
        "no serious risks",
        "uncited status",
        "no faq",
        "http reference",
        "malformed doi",
    ],
)
def test_an_incomplete_treatment_page_stops_start_up(tmp_path, change, message):
    folder = copy_catalog(tmp_path, change)
    assert (folder / MIGRAINE.name).read_text() != MIGRAINE.read_text()
    with pytest.raises(ContentError, match=message):
        load_treatments(folder)


def test_a_price_shows_only_where_the_clinic_sets_one(make_app):
    app = make_app(TREATMENT_PRICES={"dermal-fillers": "$650 a syringe"})
    client = app.test_client()
    assert "Price: $650 a syringe" in page(client, "dermal-fillers")
    assert "Price:" not in page(client, "lip-enhancement")


@pytest.mark.parametrize(
    "price", ["from $650", "As low as $400", "$400 and up", "$300+", "starting at $99"]
)
def test_a_price_that_is_not_the_price_stops_start_up(make_app, price):
    # California B&P §651(c): no "from", "as low as" or "and up".
    with pytest.raises(RuntimeError, match="exact price"):
        make_app(TREATMENT_PRICES={"dermal-fillers": price})
    with pytest.raises(RuntimeError, match="CONSULTATION_FEE"):
        make_app(CONSULTATION_FEE=price)


def test_a_price_for_no_known_treatment_stops_start_up(make_app):
    with pytest.raises(RuntimeError, match="lip-filers"):
        make_app(TREATMENT_PRICES={"lip-filers": "$500"})
