"""The seed article: its seven areas, their status, citations and safety facts."""

import re

import pytest

from tests.conftest import parse_html

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
    from tests.conftest import TEST_SECRET

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
    assert len(references) >= 10
    hrefs = set()
    for li in references:
        link = li.find("a").get("href")
        assert link.startswith(
            ("https://doi.org/10.", "https://pubmed.ncbi.nlm.nih.gov/")
        )
        hrefs.add(link)
    assert len(hrefs) == len(references)


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


def test_article_shows_author_reviewer_date_reading_time_and_contents(article_html):
    document = parse_html(article_html)
    byline = {
        div.find("dt").text: "".join(div.find("dd").itertext())
        for div in document.findall(".//dl[@class='byline']/div")
    }
    assert byline["Written by"]
    assert byline["Medically reviewed by"]
    assert byline["Last reviewed"] == "November 23, 2026"
    assert re.fullmatch(r"\d+ minutes", byline["Reading time"])
    toc = [a.get("href") for a in document.findall(".//nav[@class='toc']//a")]
    assert "#chronic-migraine" in toc and "#references" in toc
    assert len(toc) >= 9


def test_article_ends_with_a_call_to_action(article_html):
    document = parse_html(article_html)
    cta = document.find(".//aside[@class='cta']")
    assert cta.find(".//a[@class='button']").get("href") == "/consultation"


def test_treatment_pages_link_to_real_article_sections(client, sections):
    for slug in ("botox-chronic-migraine", "botox-hyperhidrosis"):
        page = client.get(f"/treatments/{slug}").text
        anchor = re.search(rf'href="{ARTICLE}#([^"]+)"', page).group(1)
        assert anchor in sections
