"""Structured data (JSON-LD) and absolute URLs for search engines and link previews."""

from flask import request

from clinic.identity import SCHEMA_DAYS, Clinic


def absolute(clinic: Clinic, path: str) -> str:
    """Make an absolute URL on the configured site, never from the Host header."""
    return f"{clinic.site_url}{path}"


def canonical(clinic: Clinic) -> str:
    """Return the canonical URL of the current page, without its query string."""
    return absolute(clinic, request.path)


def clinic_data(clinic: Clinic) -> dict:
    """Describe the clinic as a schema.org MedicalClinic."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "@id": absolute(clinic, "/#clinic"),
        "name": clinic.name,
        "url": absolute(clinic, "/"),
        "telephone": clinic.tel,
        "email": clinic.email,
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": SCHEMA_DAYS[o.day],
                "opens": o.opens.strftime("%H:%M"),
                "closes": o.closes.strftime("%H:%M"),
            }
            for o in clinic.hours
            if o.opens is not None
        ],
    }
    address = {
        "streetAddress": clinic.street,
        "addressLocality": clinic.city,
        "addressRegion": clinic.region,
        "postalCode": clinic.postal_code,
        "addressCountry": clinic.country,
    }
    data["address"] = {"@type": "PostalAddress"} | {
        k: v for k, v in address.items() if v
    }
    return data


def breadcrumbs(clinic: Clinic, trail: list[tuple[str, str]]) -> dict:
    """Describe a page's place in the site as a schema.org BreadcrumbList."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "name": name,
                "item": absolute(clinic, path),
            }
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }
