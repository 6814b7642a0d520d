"""The about page's parts: a link to a map of the clinic, and each clinician described
for search engines."""

from urllib.parse import urlencode

from clinic.identity import Clinic
from clinic.seo import absolute


def map_url(clinic: Clinic, configured: str | None) -> str | None:
    """The clinic's own map link if it set one, else an OpenStreetMap search for the
    address: a link the patient chooses to follow, never a map embedded in the page
    (which would send every visitor's address to a third party)."""
    if configured:
        return configured
    if not clinic.street:
        return None
    address = ", ".join(p for p in (clinic.street, clinic.locality_line) if p)
    return "https://www.openstreetmap.org/search?" + urlencode({"query": address})


def clinician_data(clinic: Clinic, name: str) -> dict:
    """A clinician as a schema.org Person working at the clinic."""
    return {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": name,
        "worksFor": {"@id": absolute(clinic, "/#clinic"), "name": clinic.name},
    }
