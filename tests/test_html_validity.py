"""Every public page is valid HTML by the Nu Html Checker (vnu.jar, on Java)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from clinic import ROOT
from tests.conftest import PAGE_KINDS, submit

DEFAULT_JAR = ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"


@pytest.fixture(scope="module")
def vnu_jar() -> Path:
    jar = Path(os.environ.get("VNU_JAR", DEFAULT_JAR))
    if not jar.is_file() or shutil.which("java") is None:
        reason = (
            f"no Nu Html Checker at {jar} or no java "
            "(npm install --prefix .tools vnu-jar; apt-get install default-jre)"
        )
        if os.environ.get("REQUIRE_VNU"):
            pytest.fail(reason)
        pytest.skip(reason)
    return jar


def test_every_public_page_and_the_form_errors_are_valid_html(
    vnu_jar, client, tmp_path
):
    files = []
    for n, path in enumerate(PAGE_KINDS):
        files.append(tmp_path / f"page{n}.html")
        files[-1].write_text(client.get(path).text)
    files.append(tmp_path / "form-errors.html")
    files[-1].write_text(submit(client, email="bad", consent=None).text)
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(vnu_jar),
            "--errors-only",
            "--format",
            "text",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
