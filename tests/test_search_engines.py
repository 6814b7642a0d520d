"""Sitemap, robots.txt and the Atom feed."""

from xml.etree import ElementTree

from clinic.blog import articles
from clinic.treatments import catalog

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def sitemap_locations(client) -> dict[str, str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    return {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}


def test_sitemap_lists_every_public_page_with_lastmod(app, client):
    locations = sitemap_locations(client)
    site = "http://127.0.0.1:5000"
    expected = {
        f"{site}/",
        f"{site}/blog/",
        f"{site}/treatments/",
        f"{site}/privacy",
        f"{site}/consultation",
        f"{site}/blog/medical-benefits-of-botox",
    }
    with app.app_context():
        expected |= {f"{site}/treatments/{slug}" for slug in catalog.all()}
    assert set(locations) == expected
    assert all(len(lastmod) == 10 for lastmod in locations.values())


def test_every_sitemap_location_answers(client):
    for url in sitemap_locations(client):
        path = url.removeprefix("http://127.0.0.1:5000")
        assert client.get(path).status_code == 200, path


def test_sitemap_never_lists_the_staff_area(client):
    assert not [url for url in sitemap_locations(client) if "/staff" in url]


def test_robots_disallows_staff_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert "Disallow: /staff" in lines
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in lines


def test_feed_is_atom_with_one_entry_per_article(app, client):
    response = client.get("/blog/feed.xml")
    assert response.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated").endswith("Z")
    entries = root.findall(f"{ATOM}entry")
    with app.app_context():
        assert len(entries) == len(articles.all())
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "http://127.0.0.1:5000/blog/medical-benefits-of-botox"


def test_site_url_setting_drives_every_absolute_url(make_app):
    client = make_app(SITE_URL="https://clinic.example.com/").test_client()
    assert (
        "Sitemap: https://clinic.example.com/sitemap.xml"
        in client.get("/robots.txt").text
    )
    assert "https://clinic.example.com/blog/" in client.get("/sitemap.xml").text


def test_the_page_kinds_the_tests_visit_cover_every_kind_in_the_sitemap(client):
    from tests.helpers import PAGE_KINDS

    def kind(path: str) -> str:
        parts = path.strip("/").split("/")
        return parts[0] + ("/*" if len(parts) > 1 else "")

    listed = {
        kind(url.removeprefix("http://127.0.0.1:5000"))
        for url in sitemap_locations(client)
    }
    assert listed <= {kind(path) for path in PAGE_KINDS}
