"""Every public page answers, is well-formed HTML and can be read by search engines."""

import json

import pytest

from tests.helpers import parse_html

PUBLIC_PAGES = {
    "/": "Treatments explained with the evidence",
    "/blog/": "Scientific Studies: Medical Benefits of Botox",
    "/blog/medical-benefits-of-botox": "Chronic migraine",
    "/treatments/": "Skin and laser",
    "/treatments/botox-chronic-migraine": "Get help at once if",
    "/treatments/laser-hair-removal": "Downtime",
    "/privacy": "What we collect",
    "/consultation": "Book a consultation",
}


@pytest.mark.parametrize(("path", "text"), PUBLIC_PAGES.items())
def test_public_page_shows_its_key_content(client, path, text):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert text in response.text


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_well_formed_html(client, path):
    document = parse_html(client.get(path).text)
    assert len(document.findall(".//h1")) == 1
    assert document.find(".//main[@id='main']") is not None
    assert document.find(".//a[@class='skip-link']").get("href") == "#main"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_canonical_url_and_link_preview_tags(client, path):
    document = parse_html(client.get(path).text)
    head = document.find("head")
    canonical = head.find("link[@rel='canonical']").get("href")
    assert canonical == f"http://127.0.0.1:5000{path}"
    props = {
        m.get("property") or m.get("name"): m.get("content") for m in head.iter("meta")
    }
    for key in (
        "description",
        "og:title",
        "og:description",
        "og:url",
        "og:type",
        "twitter:card",
        "twitter:title",
    ):
        assert props.get(key), f"{path} lacks {key}"
    assert props["og:url"] == canonical


def test_titles_and_descriptions_are_unique_per_page(client):
    titles, descriptions = set(), set()
    for path in PUBLIC_PAGES:
        head = parse_html(client.get(path).text).find("head")
        titles.add(head.find("title").text)
        descriptions.add(head.find("meta[@name='description']").get("content"))
    assert len(titles) == len(PUBLIC_PAGES)
    assert len(descriptions) == len(PUBLIC_PAGES)


def test_canonical_url_ignores_host_header_and_query_string(client):
    # A trusted host on another port: an untrusted one is refused (test_page_cache).
    response = client.get("/treatments/?utm_source=x", headers={"Host": "localhost:81"})
    head = parse_html(response.text).find("head")
    assert head.find("link[@rel='canonical']").get("href") == (
        "http://127.0.0.1:5000/treatments/"
    )


def structured_data(client, path) -> list[dict]:
    document = parse_html(client.get(path).text)
    scripts = document.findall(".//script[@type='application/ld+json']")
    return [json.loads(script.text) for script in scripts]


def test_home_describes_the_clinic_as_a_medical_clinic(client):
    (clinic,) = [
        d for d in structured_data(client, "/") if d["@type"] == "MedicalClinic"
    ]
    assert clinic["name"] == "Visage Laser and Skin Care"
    assert clinic["telephone"] == "+17147776625"
    days = [spec["dayOfWeek"] for spec in clinic["openingHoursSpecification"]]
    assert "https://schema.org/Monday" in days
    assert "https://schema.org/Sunday" not in days


def test_article_is_a_medical_web_page_with_citations(client):
    data = structured_data(client, "/blog/medical-benefits-of-botox")
    (page,) = [d for d in data if d["@type"] == "MedicalWebPage"]
    assert page["author"]["name"]
    assert page["datePublished"] == "2026-11-23"
    assert len(page["citation"]) >= 10
    (crumbs,) = [d for d in data if d["@type"] == "BreadcrumbList"]
    names = [item["name"] for item in crumbs["itemListElement"]]
    assert names == [
        "Home",
        "Articles",
        "Scientific Studies: Medical Benefits of Botox",
    ]


def test_treatment_page_has_breadcrumbs(client):
    data = structured_data(client, "/treatments/microneedling")
    (crumbs,) = [d for d in data if d["@type"] == "BreadcrumbList"]
    assert crumbs["itemListElement"][-1]["item"] == (
        "http://127.0.0.1:5000/treatments/microneedling"
    )


@pytest.mark.parametrize(
    "path", ["/blog/no-such-article", "/treatments/no-such-treatment", "/nowhere"]
)
def test_unknown_page_is_a_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    parse_html(response.text)


def test_unexpected_error_is_a_friendly_500(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "kaboom" not in response.text


def test_method_not_allowed_is_a_page_of_the_site(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "Method Not Allowed" in response.text


def test_phone_is_a_tel_link_in_header_and_footer(client):
    document = parse_html(client.get("/privacy").text)
    for region in ("header", "footer"):
        links = document.find(f".//{region}").findall(".//a[@href='tel:+17147776625']")
        assert links, f"no tel: link in {region}"


def test_every_treatment_call_to_action_links_to_the_consultation_form(client):
    document = parse_html(client.get("/treatments/dermal-fillers").text)
    hrefs = {a.get("href") for a in document.iter("a")}
    assert "/consultation?treatment=dermal-fillers" in hrefs


def test_consultation_names_the_preselected_treatment(client):
    response = client.get("/consultation?treatment=ipl-photofacial")
    assert "IPL photofacial" in response.text


def test_pages_without_a_form_set_no_cookie(client):
    # The consultation form is the one page that needs a per-visitor CSRF session.
    for path in set(PUBLIC_PAGES) - {"/consultation"}:
        assert "Set-Cookie" not in client.get(path).headers, path


def test_public_pages_load_nothing_from_another_origin(client):
    for path in PUBLIC_PAGES:
        document = parse_html(client.get(path).text)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in document.iter(tag):
                url = element.get(attr) or ""
                if tag == "link" and element.get("rel") == "canonical":
                    continue
                assert not url.startswith(("http:", "https:", "//")), (path, url)
