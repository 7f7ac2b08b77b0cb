"""Every URL pattern, as every role, against objects owned by A and by B: the status expected in
each cell is data (tests/access_matrix.py, whose docstring gives the format).

A pattern without a line fails `test_every_url_pattern_has_a_line`, by name, so nobody adds a
page without deciding who may see it. Each request runs in a savepoint that is rolled back, so
every cell starts from the same site (tests/world.py).
"""

from __future__ import annotations

import pytest
from django.contrib import admin

from tests import access_matrix
from tests.access import ROWS, lines, request, request_parts, url_patterns
from tests.world import world_fixture

pytestmark = pytest.mark.django_db
world = world_fixture()


def test_every_url_pattern_has_a_line():
    covered = {pattern for pattern, _obj, _cells in ROWS}
    missing = sorted(url_patterns() - covered)
    assert not missing, (
        "URL patterns with no line in tests/access_matrix.py (decide who may see them and add one): "
        + ", ".join(missing)
    )


def test_every_line_names_a_url_pattern_that_exists():
    stale = sorted({pattern for pattern, _obj, _cells in ROWS} - url_patterns())
    assert not stale, f"Lines in tests/access_matrix.py for patterns that no longer exist: {stale}"


def test_every_registered_model_admin_has_a_line():
    listed = {line[0] for line in lines(access_matrix.ADMIN_MODELS)}
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert listed == registered


@pytest.mark.parametrize(("pattern", "obj", "expected"), ROWS, ids=[f"{p} {o}" for p, o, _ in ROWS])
def test_access(world, pattern, obj, expected):
    path, body = request_parts(world, pattern, obj)
    actual, problems = {}, []
    for role in access_matrix.ROLES:
        cell = []
        for method in ("GET", "POST"):
            status, changed = request(world, role, method, path, body)
            cell.append(status)
            if changed:
                problems.append(f"{role} {method} {path} was refused ({status}) but changed stored rows")
            # In the admin, a POST may be refused for what deleting would take along, not the object.
            if status == "403" and "@" in obj and not (obj.startswith("admin@") and method == "POST"):
                missing_path, _ = request_parts(world, pattern, obj, owner_override="missing")
                missing, _ = request(world, role, method, missing_path, body)
                if missing != "403":
                    problems.append(f"{role} {method} {path}: 403, but {missing} for an object that does not exist")
        actual[role] = tuple(cell)
    if actual != expected:
        line = "  ".join(f"{g}/{p}" if g != p else g for g, p in actual.values())
        problems.append(f"statuses differ from the matrix; as the site answers now:\n{pattern}  {obj}  {line}")
    assert not problems, "\n".join(problems)
