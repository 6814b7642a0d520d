"""The seed article: its seven areas, their status, citations and safety facts."""

import json
import re

import pytest

from clinic.blog.articles import load_articles
from tests.helpers import parse_html

ARTICLE = "/blog/medical-benefits-of-botox"

# Each of the seven areas of the original, with words its section must contain and
# the US status it must state.
AREAS = {
    "chronic-migraine": (
        ["chronic migraine", "episodic"],
        "FDA-approved (October 2010)",
    ),
    "dystonias-and-spasticity": (
        [
            "cervical dystonia",
            "blepharospasm",
            "limb spasticity",
            "are dystonias",
            "not a dystonia",
        ],
        "FDA-approved for blepharospasm (age 12 and over, 1989)",
    ),
    "excessive-sweating-hyperhidrosis": (
        ["underarm", "palms", "soles"],
        "FDA-approved (July 2004)",
    ),
    "overactive-and-neurogenic-bladder": (["overactive bladder"], "(2013)"),
    "cerebral-palsy-and-multiple-sclerosis": (["cerebral palsy", "MS"], "spasticity"),
    "achalasia-and-chronic-anal-fissure": (["achalasia", "anal fissure"], "Off-label"),
    "myofascial-pain-and-low-back-pain": (["myofascial", "low back pain"], "Off-label"),
}


@pytest.fixture(scope="module")
def article_html():
    from clinic import create_app
    from tests.helpers import TEST_SECRET

    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET})
    return app.test_client().get(ARTICLE, base_url="http://127.0.0.1:5000").text


@pytest.fixture(scope="module")
def sections(article_html) -> dict[str, str]:
    """Split the article body into its h2 sections, keyed by heading id."""
    parts = re.split(r'<h2 id="([^"]+)">', article_html)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize(("area", "expected"), AREAS.items())
def test_article_covers_each_area_and_states_its_us_status(sections, area, expected):
    words, status = expected
    assert area in sections, f"no section {area}"
    body = sections[area]
    status_paragraph = re.search(r'<p class="status[^"]*">(.*?)</p>', body, re.S).group(
        1
    )
    assert "US status" in status_paragraph
    assert status in text_of(status_paragraph)
    for word in words:
        assert word.lower() in text_of(body).lower(), word


def test_off_label_sections_say_the_evidence_is_weaker(sections):
    for area in (
        "achalasia-and-chronic-anal-fissure",
        "myofascial-pain-and-low-back-pain",
    ):
        status = re.search(r'<p class="status[^"]*">(.*?)</p>', sections[area], re.S)
        assert "status-offlabel" in sections[area]
        assert re.search(r"weaker|low-quality|inconclusive", status.group(1))


def test_article_reports_effect_sizes_without_overclaiming(article_html):
    text = text_of(article_html)
    for figure in (
        "9.0",
        "6.7",
        "−2.0",
        "94%",
        "36%",
        "2.65",
        "0.87",
        "62%",
        "27%",
        "55 of 75",
        "27 of 72",
        "11 of 15",
        "123 people",
    ):
        assert figure in text, figure
    for overclaim in ("in half", "cures migraine", "improves mobility."):
        assert overclaim not in text.lower()


def test_citations_are_numbered_in_order_and_each_has_a_reference(article_html):
    document = parse_html(article_html)
    numbers = [int(a.text) for sup in document.iter("sup") for a in sup.iter("a")]
    first_seen = list(dict.fromkeys(numbers))
    assert first_seen == list(range(1, len(first_seen) + 1))
    references = document.findall(".//section[@class='references']/ol/li")
    assert [li.get("id") for li in references] == [f"ref-{n}" for n in first_seen]


def test_at_least_ten_distinct_studies_each_linked_to_doi_or_pubmed(article_html):
    document = parse_html(article_html)
    references = document.findall(".//section[@class='references']/ol/li")
    linked = [li for li in references if li.find("a") is not None]
    # The rest are announcements our sources name by date, cited as printed.
    for li in references:
        if li.find("a") is None:
            text = "".join(li.itertext()).strip()
            assert text.startswith("[") and re.search(r"\b(19|20)\d\d\b", text)
    hrefs = [li.find("a").get("href") for li in linked]
    studies = [
        link
        for link in hrefs
        if link.startswith(("https://doi.org/10.", "https://pubmed.ncbi.nlm.nih.gov/"))
    ]
    assert len(studies) >= 10
    # The rest: the prescribing information, cited for the approved uses.
    assert [h for h in hrefs if h not in studies] == [
        "https://dailymed.nlm.nih.gov/dailymed/search.cfm"
        "?labeltype=all&query=BOTOX+onabotulinumtoxinA"
    ]
    assert len(set(hrefs)) == len(linked)


def test_unverified_citation_fields_are_left_out(article_html):
    # From the fact sheet: fields marked FROM MEMORY-UNVERIFIED must not appear.
    for unverified in (
        "20487038",
        "27164716",
        "7862180",
        "332(12)",
        "338(4)",
        "50(6)",
        "Wein",
        "−8.4",
        "-8.4",
        "Glaser",
        "Dmochowski",
        "Yamauchi",
        "Cassetta",
        "Clapp",
        "Meunier",
    ):
        assert unverified not in article_html, unverified


def test_article_carries_boxed_warning_and_disclaimer(sections, article_html):
    warning = text_of(sections["safety-the-boxed-warning"])
    assert "boxed warning" in warning
    assert "distant spread of toxin effect" in warning
    for symptom in ("swallowing", "breathing", "double or blurred vision"):
        assert symptom in warning
    assert "children treated for spasticity" in warning
    assert "not medical advice" in text_of(article_html)


def byline(page: str) -> dict[str, str]:
    document = parse_html(page)
    return {
        div.find("dt").text: "".join(div.find("dd").itertext())
        for div in document.findall(".//dl[@class='byline']/div")
    }


def article_data(page: str) -> dict:
    document = parse_html(page)
    for script in document.findall(".//script[@type='application/ld+json']"):
        data = json.loads(script.text)
        if data.get("@type") == "MedicalWebPage":
            return data
    raise AssertionError("no MedicalWebPage")


def test_article_shows_author_date_reading_time_and_contents(article_html):
    shown = byline(article_html)
    assert shown["Written by"]
    revised = load_articles()["medical-benefits-of-botox"].revised
    assert shown["Updated"] == revised.strftime("%B %-d, %Y")
    assert re.fullmatch(r"\d+ minutes", shown["Reading time"])
    document = parse_html(article_html)
    toc = [a.get("href") for a in document.findall(".//nav[@class='toc']//a")]
    assert "#chronic-migraine" in toc and "#references" in toc
    assert len(toc) >= 9


def test_without_a_named_reviewer_the_article_claims_no_review(article_html):
    assert "Medically reviewed by" not in byline(article_html)
    assert "has not yet been medically reviewed" in article_html
    data = article_data(article_html)
    assert "reviewedBy" not in data and "lastReviewed" not in data
    assert data["author"]["@type"] == "Organization"


REVIEWED = {
    "author": "Sam Lee, RN",
    "reviewer": "Dr. Ana Ruiz, MD",
    "reviewed": "2026-12-07",
}


def test_a_named_reviewer_signs_off_on_a_date(make_app):
    app = make_app(ARTICLE_CREDITS={"medical-benefits-of-botox": REVIEWED})
    page = app.test_client().get(ARTICLE).text
    shown = byline(page)
    assert shown["Written by"] == "Sam Lee, RN"
    assert shown["Medically reviewed by"] == "Dr. Ana Ruiz, MD"
    assert shown["Last reviewed"] == "December 7, 2026"
    assert "not yet been medically reviewed" not in page
    data = article_data(page)
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr. Ana Ruiz, MD"}
    assert data["lastReviewed"] == "2026-12-07"
    assert data["author"] == {"@type": "Person", "name": "Sam Lee, RN"}


def test_a_review_older_than_the_last_revision_no_longer_counts(make_app):
    stale = {**REVIEWED, "reviewed": "2026-12-02"}
    app = make_app(ARTICLE_CREDITS={"medical-benefits-of-botox": stale})
    page = app.test_client().get(ARTICLE).text
    assert "Medically reviewed by" not in byline(page)
    assert "revised after its last medical review" in page
    assert "reviewedBy" not in article_data(page)


@pytest.mark.parametrize(
    ("credits", "message"),
    [
        ({"no-such-article": REVIEWED}, "names no article"),
        (
            {"medical-benefits-of-botox": {**REVIEWED, "reviewer": "Medical director"}},
            "not a person",
        ),
        (
            {"medical-benefits-of-botox": {**REVIEWED, "author": "Editorial team"}},
            "not a person",
        ),
        ({"medical-benefits-of-botox": {"reviewer": "Dr. Ana Ruiz, MD"}}, "both"),
        (
            {"medical-benefits-of-botox": {**REVIEWED, "reviewed": "02/12/2026"}},
            "YYYY-MM-DD",
        ),
        (
            {"medical-benefits-of-botox": {**REVIEWED, "reviewed": "2999-01-01"}},
            "future",
        ),
        ({"medical-benefits-of-botox": {**REVIEWED, "signed": "yes"}}, "only"),
    ],
)
def test_a_byline_nobody_stands_behind_stops_start_up(make_app, credits, message):
    with pytest.raises(RuntimeError, match=message):
        make_app(ARTICLE_CREDITS=credits)


def test_key_points_come_first(article_html):
    document = parse_html(article_html)
    box = document.find(".//aside[@class='key-points']")
    points = ["".join(li.itertext()) for li in box.findall(".//li")]
    assert len(points) >= 4
    text = " ".join(points)
    for fact in (
        "off-label",
        "two fewer headache days",
        "strongest warning",
        "swallowing",
    ):
        assert fact in text, fact


def test_article_ends_with_a_call_to_action(article_html):
    document = parse_html(article_html)
    cta = document.find(".//aside[@class='cta']")
    assert cta.find(".//a[@class='button']").get("href") == "/consultation"
    said = " ".join("".join(cta.itertext()).split())
    assert "chronic migraine and severe underarm sweating" in said
    assert "specialists" in said


def test_a_patient_can_book_from_the_middle_of_the_article(article_html, sections):
    middle = parse_html(article_html).find(".//p[@class='inline-cta']")
    assert middle.find(".//a").get("href") == "/consultation"
    order = list(sections)
    assert 2 <= order.index("excessive-sweating-hyperhidrosis") <= len(order) - 3


@pytest.mark.parametrize(
    ("section", "slug"),
    [
        ("chronic-migraine", "botox-chronic-migraine"),
        ("excessive-sweating-hyperhidrosis", "botox-hyperhidrosis"),
    ],
)
def test_sections_link_to_the_matching_treatment_page(client, sections, section, slug):
    assert f'href="/treatments/{slug}"' in str(sections[section])


def test_treatment_pages_link_to_real_article_sections(client, sections):
    for slug in ("botox-chronic-migraine", "botox-hyperhidrosis"):
        page = client.get(f"/treatments/{slug}").text
        anchor = re.search(rf'href="{ARTICLE}#([^"]+)"', page).group(1)
        assert anchor in sections


def test_no_page_claims_a_medical_review_nobody_gave(client):
    from tests.helpers import PAGE_KINDS

    for path in [*PAGE_KINDS, "/blog/feed.xml"]:
        said = client.get(path).text.lower()
        claims = said.replace("not yet been medically reviewed", "").replace(
            "revised after its last medical review", ""
        )
        assert "medically reviewed" not in claims, path
        assert "reviewedby" not in claims and "lastreviewed" not in claims, path
