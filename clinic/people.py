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


def is_a_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and 3 <= len(name.strip()) <= 120
        and not NOT_A_NAME.search(name)
    )
