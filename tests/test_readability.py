"""The article reads plainly: key points a 12-year-old can follow (US grade 7 or
under), the whole article at grade 9 or under, and no sentence over 35 words.

Measured with textstat 0.7.3 (Flesch-Kincaid grade), which works offline."""

import re
from html import unescape

import pytest
import textstat

from clinic.blog.articles import load_articles

KEY_POINTS_GRADE = 7
ARTICLE_GRADE = 9
LONGEST_SENTENCE = 35


def blocks(html: str) -> list[str]:
    """The text of each paragraph, list item and heading, without citation marks."""
    html = re.sub(r'<sup class="cite">.*?</sup>', "", str(html))
    found = re.findall(r"<(p|li|h2|h3|td|th)\b[^>]*>(.*?)</\1>", html, re.S)
    texts = [unescape(re.sub(r"<[^>]+>", " ", inner)) for _, inner in found]
    return [" ".join(t.split()) for t in texts if t.strip()]


def as_sentences(texts: list[str]) -> str:
    """Join blocks into running text, ending each (a heading, a list item) as a
    sentence so that one never runs into the next."""
    return " ".join(t if t[-1] in ".?!:" else t + "." for t in texts)


def sentences(texts: list[str]) -> list[str]:
    return [
        s
        for text in texts
        for s in re.split(r"(?<=[.?!:;])\s+(?=[A-Z(\"“])", text)
        if s.strip()
    ]


@pytest.fixture(scope="module")
def article():
    return load_articles()["medical-benefits-of-botox"]


def test_key_points_read_at_grade_seven_or_under(article):
    assert len(article.key_points) >= 4
    grade = textstat.flesch_kincaid_grade(as_sentences(article.key_points))
    assert grade <= KEY_POINTS_GRADE, grade


def test_the_article_reads_at_grade_nine_or_under(article):
    grade = textstat.flesch_kincaid_grade(as_sentences(blocks(article.html)))
    assert grade <= ARTICLE_GRADE, grade


def test_no_sentence_in_the_article_runs_over_35_words(article):
    texts = blocks(article.html) + article.key_points
    long = [s for s in sentences(texts) if len(s.split()) > LONGEST_SENTENCE]
    assert not long, long


def test_the_measure_can_tell_hard_prose_from_plain():
    hard = (
        "Pharmacological antagonism of presynaptic acetylcholine exocytosis "
        "necessitates individualised consideration of contraindications."
    )
    plain = "The shot makes the muscle relax. It wears off in a few months."
    assert textstat.flesch_kincaid_grade(as_sentences([hard])) > ARTICLE_GRADE
    assert textstat.flesch_kincaid_grade(as_sentences([plain])) <= KEY_POINTS_GRADE
