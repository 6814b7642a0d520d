"""What may stand on a public page as a person's name: a byline, a reviewer, a
clinician. A role or a stand-in ("Medical director", "Editorial team",
"Practitioner (development)") is not a person, and the site never presents one as
if it were."""

import re

NOT_A_NAME = re.compile(
    r"\b(team|director|editor|editorial|staff|tbd|todo|placeholder|example|"
    r"reviewer|author|clinician|practitioner|development)\b",
    re.IGNORECASE,
)


# Letters first, then letters, digits and the punctuation of titles and degrees.
NAME = re.compile(r"[^\W\d_](?:[^\W_]|[ .,'’()-])*")
EXAMPLE = "Dr. Ana Ruiz, MD"


def is_a_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and 3 <= len(name.strip()) <= 120
        and not NOT_A_NAME.search(name)
        and NAME.fullmatch(name.strip()) is not None
    )


def practitioner_name_problem(name: str | None, practitioner: bool) -> str | None:
    """What is wrong with the name patients would see for a member of staff, in
    words for the admin; None when nothing is. The team page, the practitioner's
    settings and `flask staff create` all ask this."""
    if practitioner and not name:
        return f"Give the name patients will see, e.g. {EXAMPLE}."
    if name and not is_a_name(name):
        return (
            f"Give the person's own name as patients will see it, e.g. {EXAMPLE}: "
            "not a role."
        )
    return None
