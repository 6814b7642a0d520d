"""The package's layers, read from its source: domains apart from the screens, an
outbox that knows no feature, shared modules that import no feature, and no view
module that leans on another."""

import ast
from pathlib import Path

import pytest

from clinic import ROOT
from clinic.accounts import second_factor, users
from clinic.appointments import availability, changes
from clinic.leads import workflow
from clinic.refusals import Refusal

PACKAGE = ROOT / "clinic"
FEATURES = (
    "clinic.leads",
    "clinic.accounts",
    "clinic.appointments",
    "clinic.booking",
    "clinic.staff",
    "clinic.treatments",
    "clinic.blog",
    "clinic.pages",
)
SHARED = sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, str, bool]]:
    """Each (module, name, at top level) that a file imports."""
    tree = ast.parse(path.read_text())
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, "", id(node) in top) for a in node.names]
    return found


def targets(path: Path) -> set[str]:
    """The clinic modules a file imports, names that are modules included."""
    named = set()
    for module, name, _ in imports(path):
        named.add(module)
        named.add(f"{module}.{name}")
    return {n for n in named if n.startswith("clinic")}


def reaches(path: Path, packages) -> list[str]:
    return sorted(
        t
        for t in targets(path)
        if any(t == p or t.startswith(p + ".") for p in packages)
    )


def files(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


@pytest.mark.parametrize("package", ["clinic.leads", "clinic.accounts"])
def test_a_domain_neither_reads_the_request_nor_renders_a_page(package):
    for path in files(package):
        used = {(m, n) for m, n, _ in imports(path)}
        assert ("flask", "request") not in used, path
        assert ("flask", "render_template") not in used, path
        assert not reaches(path, ["clinic.staff", "clinic.booking"]), path


def test_the_outbox_imports_no_feature():
    for path in files("clinic.outbox"):
        assert reaches(path, FEATURES) == [], path


@pytest.mark.parametrize("path", SHARED, ids=lambda p: p.name)
def test_a_shared_module_imports_no_feature(path):
    assert reaches(path, FEATURES) == []


def test_no_view_module_imports_another():
    views = {
        module_name(p)
        for p in files("clinic")
        if p.name == "views.py" or p.name.endswith("_views.py")
    }
    for path in files("clinic"):
        if module_name(path) in views:
            assert targets(path) & views == set(), path


def test_every_import_is_at_the_top_of_its_module():
    # An import inside a function is how a cycle hides.
    for path in files("clinic"):
        late = [m for m, _, top in imports(path) if not top and m.startswith("clinic")]
        assert late == [], path


def test_every_refusal_carries_its_status():
    refusals = [
        users.AccountError,
        second_factor.CodeRefused,
        availability.NotBookable,
        changes.TimeTaken,
        changes.TooManyBookings,
        changes.TooLate,
        changes.Unchangeable,
        workflow.Conflict,
    ]
    for refusal in refusals:
        assert issubclass(refusal, Refusal), refusal
        assert refusal.status in (400, 409, 429), refusal
    assert changes.TooLate("x").status == 409
    assert second_factor.CodeRefused("x", status=429).status == 429


def test_no_view_touches_the_database_itself():
    # It calls one service, which commits its own work with its activity record.
    for path in files("clinic"):
        if not (path.name == "views.py" or path.name.endswith("_views.py")):
            continue
        source = path.read_text()
        assert "db.session" not in source, path
        assert ("sqlalchemy", "select") not in {(m, n) for m, n, _ in imports(path)}


def test_tests_share_helpers_through_helper_modules():
    # Importing a conftest or a test module runs its fixtures and tests twice over.
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for module, _, _ in imports(path):
            last = module.rsplit(".", 1)[-1]
            assert not (module.startswith("tests") and last == "conftest"), path
            assert not (module.startswith("tests") and last.startswith("test_")), path
