"""The second medical read, claim by claim: each page names its material risks, each
reference is what it says it is, and each page says only what its sources hold."""

import re
from types import SimpleNamespace

import pytest
from flask import render_template

from tests.helpers import page, parse_html, section_text, structured

ARTICLE = "/blog/medical-benefits-of-botox"


def words(html: str) -> str:
    """What a reader sees, in single spaces."""
    body = html.split("<body", 1)[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def risks(client, slug: str) -> str:
    return " ".join(section_text(page(client, slug), "risks").split())


def article_section(client, heading_id: str) -> str:
    html = client.get(ARTICLE).text
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    return words(html[start:end])


# --- every material risk is named -------------------------------------------------


def test_laser_resurfacing_names_burns_and_eye_injury_and_when_to_get_help(client):
    text = risks(client, "laser-skin-resurfacing")
    assert "Severe burns" in text and "injury to the eye itself" in text
    help_part = text.split("Get help at once if", 1)[1]
    assert "looks burned or blisters" in help_part
    assert "eye pain" in help_part


def test_hair_removal_burns_can_happen_in_any_hands(client):
    text = risks(client, "laser-hair-removal")
    assert "Burns, permanent changes in skin colour and scars can occur" in text
    assert "more likely in inexperienced hands" in text
    assert "In inexperienced hands, burns" not in text


def test_the_migraine_page_names_its_most_common_side_effects(client):
    text = risks(client, "botox-chronic-migraine")
    assert "Neck pain and headache were the most common side effects" in text


@pytest.mark.parametrize(
    "where", ["/treatments/botox-hyperhidrosis", f"{ARTICLE}#underarms"]
)
def test_sweating_treatment_names_injection_site_and_elsewhere_sweating(client, where):
    text = words(client.get(where.split("#")[0]).text)
    assert "pain or bleeding where the needle went in" in text
    assert "sweating elsewhere on the body" in text
    assert "3% to 10% of people" in text


# Where a source gives no frequency or severity, a page says neither.
UNGRADED = [
    "laser-skin-resurfacing",
    "laser-hair-removal",
    "microneedling",
    "chemical-peels",
    "lip-enhancement",
    "ipl-photofacial",
]


@pytest.mark.parametrize("slug", UNGRADED)
def test_no_common_or_mild_without_a_source_that_counts(client, slug):
    text = words(page(client, slug))
    assert "Common side effects" not in text
    assert not re.search(r"\bmild\b", text, re.I)


def test_fillers_say_mild_only_where_a_source_does(client):
    assert not re.search(r"\bmild\b", words(page(client, "dermal-fillers")), re.I)


# --- every reference is what it says ----------------------------------------------


@pytest.mark.parametrize(
    ("slug", "described"),
    [
        ("laser-skin-resurfacing", "Newer Mayo Clinic text on laser resurfacing"),
        ("laser-hair-removal", 'FDA "Laser Facts" on hair removal (2001)'),
        ("microneedling", "De Novo DEN160029 (SkinPen Precision) summary"),
        ("ipl-photofacial", "Review of laser and light treatment of melasma"),
        ("dermal-fillers", "Trial of a hyaluronic acid filler for under-eye hollows"),
    ],
)
def test_a_description_of_a_source_is_shown_in_brackets_not_as_a_title(
    client, slug, described
):
    html = page(client, slug)
    references = words(html.split('class="references"', 1)[1]).replace("&#34;", '"')
    assert f"[{described}" in references
    citations = [c for d in structured(html) for c in d.get("citation", [])]
    entry = next(c for c in citations if described in c.get("description", ""))
    assert "name" not in entry


def test_approval_years_cite_dated_announcements(client):
    html = client.get(ARTICLE).text
    status = re.search(
        r'id="chronic-migraine".*?<p class="status[^"]*">(.*?)</p>', html, re.S
    )
    cited = re.findall(r'href="#ref-(\d+)"', status.group(1))
    document = parse_html(html)
    items = document.findall(".//section[@class='references']/ol/li")
    texts = ["".join(item.itertext()) for item in items]
    assert any("15 October 2010" in texts[int(n) - 1] for n in cited)


def test_the_article_claims_no_more_than_its_citations(client):
    text = words(client.get(ARTICLE).text)
    assert "Every fact in it is cited" not in text
    assert "et al.." not in text
    assert ";pp." not in text


def test_the_botox_pages_rest_their_warnings_on_the_medication_guide(client):
    for slug in ("botox-chronic-migraine", "botox-hyperhidrosis"):
        text = words(page(client, slug))
        assert "ALS, myasthenia gravis or Lambert-Eaton syndrome" in text
        assert "itching, a rash, welts, wheezing or feeling faint" in text
        assert "Do not drive if you feel weak or dizzy" in text
        # Not in the Medication Guide as our sheet gives it.
        assert "bleeding problems" not in text
        assert "past surgery on your face" not in text
    migraine = words(page(client, "botox-chronic-migraine"))
    assert "No confirmed serious case of spread" not in migraine


# --- say only what holds ----------------------------------------------------------


def test_the_treatments_index_names_chronic_migraine(client):
    html = client.get("/treatments/").text
    description = re.search(r'<meta name="description" content="([^"]*)"', html)
    assert "chronic migraine" in description.group(1)


def test_an_unapproved_use_is_not_styled_as_approved(client):
    html = client.get(ARTICLE).text
    assert "not licensed for" not in html
    for status in re.findall(r'<p class="status ([^"]*)">(.*?)</p>', html, re.S):
        classes, text = status
        if text.lstrip().startswith("<strong>US status:</strong> Not approved"):
            assert "status-approved" not in classes


def test_the_bladder_trial_states_its_dose(client):
    assert "gave 57 patients 300 units" in words(client.get(ARTICLE).text)


def test_the_article_and_the_sweating_page_agree_on_palms(client):
    article = words(client.get(ARTICLE).text)
    sweating = words(page(client, "botox-hyperhidrosis"))
    for text in (article, sweating):
        assert "probably effective for sweaty palms" in text
        assert "Palm injections are painful" in text


def test_the_peel_page_keeps_sun_advice_for_every_depth(client):
    text = words(page(client, "chemical-peels"))
    assert "after a peel of any depth" in text
    assert "After a medium or deep peel that takes longer" in text


@pytest.mark.parametrize("slug", ["laser-skin-resurfacing", "laser-hair-removal"])
def test_laser_pages_say_who_may_be_advised_against_them(client, slug):
    text = words(page(client, slug))
    assert "isotretinoin" in text
    if slug == "laser-skin-resurfacing":
        assert "autoimmune disease or a weakened immune system" in text


def test_microneedling_lists_only_the_uses_of_the_device_named(make_app):
    plain = words(page(make_app().test_client(), "microneedling"))
    assert "Scars on the abdomen" not in plain
    assert "abdominal scars" not in plain
    assert "Ask us which device we use" in plain
    named = make_app(MICRONEEDLING_DEVICE="SkinPen Precision").test_client()
    text = words(page(named, "microneedling"))
    assert "The FDA-authorised uses of the device we use, SkinPen Precision" in text
    assert "Facial acne scars, in adults 22 and older" in text
    with pytest.raises(RuntimeError, match="MICRONEEDLING_DEVICE"):
        make_app(MICRONEEDLING_DEVICE="Any Pen")


def test_evidence_grading_is_claimed_only_where_pages_grade(client):
    assert "how strong the evidence is" not in words(client.get("/").text)


def test_the_privacy_notice_says_what_the_appointment_link_shows(client):
    text = words(client.get("/privacy").text)
    assert "the treatment you asked about and the clinician you will see" in text


def test_booking_emails_keep_their_lines_and_say_where_to_go(make_app):
    app = make_app(CLINIC_STREET="1 Main Street", CLINIC_CITY="Irvine")
    ana = SimpleNamespace(name="Dr. Ana Ruiz, MD")
    appointment = SimpleNamespace(minutes=30, practitioner=ana)
    with app.test_request_context():
        body = render_template(
            "email/appointment.txt",
            kind="appointment_confirmation",
            appointment=appointment,
            when="Monday, March 1, 2027 at 9:00 am PST",
            page_url="https://clinic.test/appointments/x",
            bring="A photo ID.",
            fee=None,
            cutoff=24,
        )
    lines = body.splitlines()
    assert "Where to go:" in lines
    assert "  1 Main Street" in lines
    assert any(line.strip().startswith("Directions and a map:") for line in lines)
    assert "What to bring: A photo ID." in lines
    assert not any("CareWhat" in line for line in lines)
