"""Content files: a new file is a new page, and a malformed one stops start-up."""

from pathlib import Path

import pytest

from clinic.blog.articles import ARTICLES_DIR, load_articles
from clinic.content import ContentError, render
from clinic.treatments.catalog import GROUPS, load_treatments

GOOD_FRONT = """---
title: A new article
description: Something new.
published: 2027-01-05
revised: 2027-01-05
key_points:
  - Something new happened.
references:
  - key: one
    title: A study
    journal: J Test
    year: 2020
    doi: 10.1000/test
---
"""


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)


def test_a_new_markdown_file_is_a_new_article_listed_first(tmp_path):
    for path in ARTICLES_DIR.glob("*.md"):
        write(tmp_path, path.name, path.read_text())
    write(tmp_path, "new-one.md", GOOD_FRONT + "## Part\n\nA claim.[@one]\n")
    articles = load_articles(tmp_path)
    assert list(articles)[0] == "new-one"
    assert articles["new-one"].references[0].href == "https://doi.org/10.1000/test"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("A claim.[@missing]\n", "unknown references"),
        ("No citation at all.\n", "never cited"),
    ],
)
def test_citation_mistakes_stop_start_up(tmp_path, body, message):
    write(tmp_path, "bad.md", GOOD_FRONT + body)
    with pytest.raises(ContentError, match=message):
        load_articles(tmp_path)


def test_missing_front_matter_stops_start_up(tmp_path):
    write(
        tmp_path,
        "bad.md",
        GOOD_FRONT.replace("revised: 2027-01-05\n", "") + "Text.[@one]\n",
    )
    with pytest.raises(ContentError, match="revised"):
        load_articles(tmp_path)


def test_a_reference_without_doi_or_pubmed_stops_start_up(tmp_path):
    write(
        tmp_path,
        "bad.md",
        GOOD_FRONT.replace("    doi: 10.1000/test\n", "") + "Text.[@one]\n",
    )
    with pytest.raises(ContentError, match="no DOI, PubMed or url"):
        load_articles(tmp_path)


def test_citations_are_numbered_by_first_appearance():
    html, _, cited = render("B.[@b] A.[@a, @b] B again.[@b]")
    assert cited == ["b", "a"]
    assert html.count('href="#ref-1"') == 3
    assert html.count('href="#ref-2"') == 1


def test_catalogue_has_at_least_eight_treatments_in_every_group():
    treatments = load_treatments()
    assert len(treatments) >= 8
    assert {t.group for t in treatments.values()} == set(GROUPS)
    for t in treatments.values():
        assert t.treats and t.references and t.faq, t.slug


def test_a_treatment_in_an_unknown_group_stops_start_up(tmp_path):
    write(
        tmp_path,
        "odd.md",
        "---\ntitle: T\ngroup: spa\nsummary: s\ntreats: [x]\n"
        "faq: [{q: Why?, a: Because.}]\nupdated: 2026-01-01\n---\nBody\n",
    )
    with pytest.raises(ContentError, match="group must be one of"):
        load_treatments(tmp_path)
