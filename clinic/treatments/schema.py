"""A treatment page described for search engines (schema.org JSON-LD)."""

from clinic import identity
from clinic.seo import absolute
from clinic.treatments.catalog import Treatment


def treatment_data(treatment: Treatment) -> dict:
    """The page as a MedicalWebPage about the procedure, citing its sources."""
    clinic = identity.current()
    url = absolute(clinic, f"/treatments/{treatment.slug}")
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": treatment.title,
        "description": treatment.summary,
        "dateModified": treatment.updated.isoformat(),
        "publisher": {"@id": absolute(clinic, "/#clinic"), "name": clinic.name},
        "inLanguage": "en",
        "about": {"@type": "MedicalProcedure", "name": treatment.title},
        "citation": [
            {
                "@type": "CreativeWork",
                ("description" if ref.described else "name"): ref.title,
            }
            | ({"url": ref.href} if ref.href else {})
            for ref in treatment.references
        ],
    }


def faq_data(treatment: Treatment) -> dict:
    """The page's questions as a FAQPage, as search engines document it."""
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": question,
                "acceptedAnswer": {"@type": "Answer", "text": answer},
            }
            for question, answer in treatment.faq
        ],
    }
