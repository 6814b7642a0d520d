"""How long /staff/password-reset takes for an address with an account and one
without, interleaved, in one app process on a throwaway SQLite file: the two must
not tell apart which addresses are staff.

    .venv/bin/python -m bench.reset_timing [--rounds 300]
"""

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from clinic import create_app
from clinic.accounts import users

KNOWN, UNKNOWN = "desk@clinic.test", "nobody@clinic.test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    rounds = parser.parse_args().rounds
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "RATELIMIT_ENABLED": False,
            "OUTBOX_SEND_IN_BACKGROUND": False,
            "SESSION_COOKIE_SECURE": False,
            "TRUSTED_HOSTS": ["localhost"],
        },
        instance_path=folder / "instance",
    )
    with app.app_context():
        upgrade()
        users.create(KNOWN, "correct horse battery staple")
    client = app.test_client()
    page = client.get("/staff/password-reset").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    times = {KNOWN: [], UNKNOWN: []}
    for _ in range(rounds):
        for email in (KNOWN, UNKNOWN):
            start = time.perf_counter()
            answer = client.post(
                "/staff/password-reset", data={"csrf_token": token, "email": email}
            )
            times[email].append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200, answer.status_code
    for email, found in times.items():
        found.sort()
        print(
            f"{'account' if email == KNOWN else 'no account':10}  "
            f"median {statistics.median(found):6.2f} ms  "
            f"p90 {found[int(len(found) * 0.9)]:6.2f} ms  ({len(found)} requests)"
        )


if __name__ == "__main__":
    main()
