"""An article described for search engines (schema.org JSON-LD)."""

from clinic import identity
from clinic.blog.articles import Article
from clinic.seo import absolute


def article_data(article: Article) -> dict:
    """Describe an article as a schema.org MedicalWebPage with its citations."""
    clinic = identity.current()
    url = absolute(clinic, f"/blog/{article.slug}")
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "headline": article.title,
        "name": article.title,
        "description": article.description,
        "datePublished": article.published.isoformat(),
        "dateModified": article.updated.isoformat(),
        "lastReviewed": article.last_reviewed.isoformat(),
        "author": {"@type": "Organization", "name": article.author},
        "reviewedBy": {"@type": "Person", "name": article.reviewed_by},
        "publisher": {"@id": absolute(clinic, "/#clinic"), "name": clinic.name},
        "inLanguage": "en",
        "citation": [
            {
                "@type": "ScholarlyArticle",
                "name": ref.title,
                "url": ref.href,
                "isPartOf": ref.journal,
            }
            | ({"datePublished": str(ref.year)} if ref.year else {})
            for ref in article.references
        ],
    }
