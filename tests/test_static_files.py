"""Static assets: content-hashed URLs and a year-long immutable cache."""

import gzip
import hashlib
import shutil

from clinic import ROOT
from tests.helpers import parse_html


def asset_urls(client) -> list[str]:
    document = parse_html(client.get("/").text)
    urls = [link.get("href") for link in document.iter("link")]
    urls += [img.get("src") for img in document.iter("img")]
    return [url for url in urls if url and url.startswith("/static/")]


def test_static_urls_carry_a_hash_of_the_file(client):
    css = next(url for url in asset_urls(client) if "site.css" in url)
    content = (ROOT / "static/css/site.css").read_bytes()
    assert css == f"/static/css/site.css?v={hashlib.sha256(content).hexdigest()[:12]}"


def test_hashed_assets_are_cached_for_a_year(client):
    for url in asset_urls(client):
        with client.get(url) as response:
            assert response.status_code == 200, url
            cache = response.cache_control
            assert cache.max_age == 31536000 and cache.immutable and cache.public, url
            assert not cache.no_cache, url  # no-cache would force revalidation


def test_a_stale_or_missing_hash_is_not_cached_as_immutable(client):
    for url in ("/static/css/site.css?v=0123456789ab", "/static/css/site.css"):
        with client.get(url) as response:
            assert not response.cache_control.immutable


def test_unknown_static_file_is_404(client):
    with client.get("/static/css/nope.css") as response:
        assert response.status_code == 404


def test_css_and_svg_are_gzipped_when_the_client_accepts_it(client):
    import gzip

    for url, file in [
        ("/static/css/site.css", "static/css/site.css"),
        ("/static/img/hero.svg", "static/img/hero.svg"),
    ]:
        with client.get(url, headers={"Accept-Encoding": "gzip, br"}) as packed:
            assert packed.headers["Content-Encoding"] == "gzip", url
            assert "Accept-Encoding" in packed.headers["Vary"]
            assert gzip.decompress(packed.data) == (ROOT / file).read_bytes()
            assert int(packed.headers["Content-Length"]) == len(packed.data)
        with client.get(url) as plain:
            assert "Content-Encoding" not in plain.headers
            assert plain.headers["ETag"] != packed.headers["ETag"]


def test_unchanged_css_revalidates_with_304(client):
    with client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"}) as r:
        etag = r.headers["ETag"]
    with client.get(
        "/static/css/site.css",
        headers={"Accept-Encoding": "gzip", "If-None-Match": etag},
    ) as again:
        assert again.status_code == 304
        assert again.data == b""


def test_compress_static_writes_a_gz_beside_each_text_file(app, tmp_path):
    # On a copy: the checkout's static/ is the developer's.
    shutil.copytree(app.static_folder, tmp_path / "static")
    app.static_folder = str(tmp_path / "static")
    (tmp_path / "static" / "img" / "photo.png").write_bytes(b"\x89PNG not text")
    result = app.test_cli_runner().invoke(args=["compress-static"])
    assert result.exit_code == 0, result.output
    sources = sorted(
        p for p in (tmp_path / "static").rglob("*") if p.suffix in {".css", ".svg"}
    )
    assert len(sources) >= 4
    for source in sources:
        packed = source.with_name(source.name + ".gz")
        assert gzip.decompress(packed.read_bytes()) == source.read_bytes()
        # nginx's gzip_static serves the pair only if the times agree.
        assert packed.stat().st_mtime == source.stat().st_mtime
    assert not (tmp_path / "static" / "img" / "photo.png.gz").exists()
    # Run again after an edit: the .gz follows the file.
    sources[0].write_text("body { color: red }")
    app.test_cli_runner().invoke(args=["compress-static"])
    packed = sources[0].with_name(sources[0].name + ".gz")
    assert gzip.decompress(packed.read_bytes()) == b"body { color: red }"
