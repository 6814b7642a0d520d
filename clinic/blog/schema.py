"""An article described for search engines (schema.org JSON-LD)."""

from clinic import identity
from clinic.blog.articles import Article
from clinic.seo import absolute


def article_data(article: Article) -> dict:
    """Describe an article as a schema.org MedicalWebPage with its citations."""
    clinic = identity.current()
    url = absolute(clinic, f"/blog/{article.slug}")
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "headline": article.title,
        "name": article.title,
        "description": article.description,
        "datePublished": article.published.isoformat(),
        "dateModified": article.updated.isoformat(),
        "author": (
            {"@type": "Person", "name": article.author}
            if article.author
            else {
                "@type": "Organization",
                "@id": absolute(clinic, "/#clinic"),
                "name": clinic.name,
            }
        ),
        "publisher": {"@id": absolute(clinic, "/#clinic"), "name": clinic.name},
        "inLanguage": "en",
        "citation": [
            {
                "@type": "ScholarlyArticle",
                ("description" if ref.described else "name"): ref.title,
                "isPartOf": ref.journal,
            }
            | ({"url": ref.href} if ref.href else {})
            | ({"datePublished": str(ref.year)} if ref.year else {})
            for ref in article.references
        ],
    }
    if article.reviewed:  # claim a review only when a named clinician signed off
        data["reviewedBy"] = {"@type": "Person", "name": article.review.reviewer}
        data["lastReviewed"] = article.review.on.isoformat()
    return data
