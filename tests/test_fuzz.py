"""Random input to every page and form, as every role: never a server error, and a request the
access matrix refuses to a role changes no stored row, whatever its body.

Bodies are drawn by hypothesis: the fields each form reads, missing, repeated or joined by
others, holding huge strings, any unicode (control characters and NUL too), negative and huge
numbers, other people's ids and values of the wrong type; often on top of a valid body, so
that the fuzzing reaches past the first check. GET requests get the same as query strings.
Each example runs in a savepoint that is rolled back (tests/world.py), so examples never see
each other. The whole file takes well under a minute.
"""

from __future__ import annotations

import os

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.models import Attempt, Choice, RecordEvent, SelfTest
from tests import access_matrix
from tests.access import REFUSALS, ROWS, request, request_parts
from tests.world import world_fixture

pytestmark = pytest.mark.django_db
world = world_fixture()

# Every field a form of the site reads, so drawn bodies hit them.
FIELDS = [
    "attempt", "action", "confirm_unanswered", "q1", "q2", "q3", "q99", "q0", "q-1", "position", "goto", "flag",
    "topics", "count", "pool", "mode", "seconds_per_question", "code", "ask", "choice", "label", "pathway",
    "planned_date", "language", "expires_days", "note", "username", "password", "password1", "password2", "next",
    "q", "status", "lang", "source", "attempts", "post", "_selected_action",
]  # fmt: skip
ODD_VALUES = [
    "", " ", "\x00", "a\x00b", "\x00" * 50, "\r\n", "\x1b[2J", "\u202e", "\ufeff", "\U0001d54f", "\u0661\u0662", "\uff11", "x" * 100_000,
    "-1", "0", "1.5", "1e309", "NaN", "-9223372036854775809", "9223372036854775808", "9" * 40, "[]", "{}",
    "null", "true", "on", "start", "check", "finish", "next", "prev", "tutor", "timed", "all", "es", "en",
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "2026-02-30",
]  # fmt: skip


def _values(world):
    ids = [
        *Attempt.objects.values_list("pk", flat=True),
        *SelfTest.objects.values_list("pk", flat=True),
        *RecordEvent.objects.values_list("pk", flat=True),
        *Choice.objects.values_list("pk", flat=True)[:10],
        *(t.pk for t in world.topics),
    ]
    return st.one_of(
        st.sampled_from(ODD_VALUES),
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(ids).map(str),
    )


def bodies(world, valid: dict):
    """A body: sometimes the valid one with fields changed, added or dropped, sometimes anything."""
    value = _values(world)
    fields = st.dictionaries(
        st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=12)),
        st.lists(value, max_size=3),
        max_size=6,
    )
    base = st.sampled_from([{}, {k: v if isinstance(v, list) else [v] for k, v in valid.items()}])
    dropped = st.sets(st.sampled_from(sorted(valid) or [""]), max_size=2)
    return st.builds(
        lambda b, drop, extra: {k: v for k, v in b.items() if k not in drop} | extra, base, dropped, fields
    )


def _fuzz_rows():
    """The matrix's lines for the site's own pages (the admin is Django's and is fuzzed below)."""
    return [row for row in ROWS if not row[0].startswith("admin") or row[0].startswith("admin:auth_user_pass")]


# Suppressed deliberately: the function-scoped fixtures (`db`, `world` is module-scoped) hold no
# state between examples, since every example runs in a savepoint that is rolled back.
# FUZZ_EXAMPLES=200 for a long run; the default keeps the file under a minute on two cores.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.mark.parametrize(("pattern", "obj", "expected"), _fuzz_rows(), ids=[f"{p} {o}" for p, o, _ in _fuzz_rows()])
def test_random_input_never_breaks_a_page_or_changes_what_a_role_may_not(world, pattern, obj, expected):
    path, valid = request_parts(world, pattern, obj)

    @FUZZ
    @given(
        role=st.sampled_from(access_matrix.ROLES), method=st.sampled_from(["GET", "POST"]), body=bodies(world, valid)
    )
    def run(role, method, body):
        refused = expected[role][method == "POST"] in REFUSALS
        status, changed = request(world, role, method, path, body, query=body, check=refused)
        assert not changed, f"{role} {method} {path} ({status}) changed stored rows it may not: {body!r:.300}"

    run()


ADMIN_FORMS = ["topic", "lesson", "lessonsection", "quiz", "question", "pathway"]


@pytest.mark.parametrize("view", ["add", "change"])
@pytest.mark.parametrize("model", ADMIN_FORMS)
def test_random_input_to_the_admin_content_forms_never_breaks_them(world, model, view):
    """As the educator, who may edit content there (what others get is pinned by the matrix)."""
    first = apps.get_model("quizzes", model).objects.order_by("pk").first()
    url = reverse(f"admin:quizzes_{model}_{view}", args=[first.pk] if view == "change" else [])
    fields = ["title", "slug", "body", "stem", "name", "explanation", "translations", "position", "kind",
              "audience", "summary", "pass_mark", "quiz", "lesson", "topic", "section", "item_check_allow",
              "choices-TOTAL_FORMS", "choices-INITIAL_FORMS", "choices-0-text", "choices-0-fraction",
              "sections-TOTAL_FORMS", "sections-INITIAL_FORMS", "questions-TOTAL_FORMS", "questions-INITIAL_FORMS",
              "steps-TOTAL_FORMS", "steps-INITIAL_FORMS", "check_quiz", "max_rounds", "is_published"]  # fmt: skip
    json_values = st.sampled_from(['{"es": {"title": "\\u0000"}}', '{"es": "\\ud800"}', '"\\u0000"', "[1e999]", "{"])
    value = st.one_of(_values(world), json_values)
    body = st.dictionaries(st.sampled_from(fields), st.lists(value, min_size=1, max_size=2), max_size=10)

    @FUZZ
    @given(body=body)
    def run(body):
        request(world, "educator", "POST", url, body)

    run()
