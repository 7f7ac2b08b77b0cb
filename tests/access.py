"""How the access matrix (tests/access_matrix.py) is read and run: the URL patterns of the
project, what each object of a line means (URL arguments and a POST's body), and one request
made in a savepoint that is rolled back. Used by tests/test_access_matrix.py and tests/test_fuzz.py.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import URLResolver, get_resolver, reverse

from quizzes.consent.forms import ask_token
from quizzes.models import ConsentRecord
from tests import access_matrix
from tests.consent.factories import chosen_for, next_ask, shown_values
from tests.world import MISSING_PK, MISSING_SLUG, isolated

REFUSALS = {"login", "admin-login", "code", "400", "403", "404", "405", "429"}
REDIRECTS = {"login": "/accounts/login/", "admin-login": "/admin/login/", "code": "/consent/"}


# The URL patterns ------------------------------------------------------------------------------


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name
        else:
            yield prefix + str(entry.pattern)


def url_patterns() -> set[str]:
    """Every pattern of the project's URLconf, included ones too: its name, or its route."""
    return set(_walk(get_resolver()))


# The matrix as data -----------------------------------------------------------------------------


def _cell(text: str) -> tuple[str, str]:
    """A cell as (GET, POST): "200/405" is ("200", "405"), "403" is ("403", "403")."""
    get, _, post = text.partition("/")
    return get, post or get


def lines(table: str):
    """The words of each line of a table, without blank lines and comments."""
    for line in table.strip().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.split()


def matrix_rows() -> list[tuple[str, str, dict]]:
    """(pattern, object, {role: (GET status, POST status)}) for every line, admin rules expanded."""
    rows = []
    for pattern, obj, *cells in lines(access_matrix.MATRIX):
        assert len(cells) == len(access_matrix.ROLES), f"{pattern} {obj}: {len(cells)} cells"
        rows.append((pattern, obj, dict(zip(access_matrix.ROLES, map(_cell, cells), strict=True))))
    others = _cell(access_matrix.ADMIN_OTHERS)
    for label, *cells in lines(access_matrix.ADMIN_MODELS):
        assert len(cells) == len(access_matrix.ADMIN_VIEWS), f"{label}: {len(cells)} cells"
        app, model = label.split(".")
        for view, cell in zip(access_matrix.ADMIN_VIEWS, cells, strict=True):
            pattern = f"admin/{app}/{model}/<path:object_id>/" if view == "object" else f"admin:{app}_{model}_{view}"
            expected = {role: others for role in access_matrix.ROLES} | {"educator": _cell(cell)}
            rows.append((pattern, f"admin@{label}", expected))
    return rows


ROWS = matrix_rows()


# What each object means: URL arguments, and the body of a POST -------------------------------


def _owned(kind: str, key: str):
    def kwargs(w, owner):
        return {key: MISSING_PK if owner == "missing" else w.objects[f"{kind}@{owner}"].pk}

    return kwargs


def _admin_object(w, label):
    model = {m._meta.label_lower: m for m in admin.site._registry}[label]
    return {"object_id": model._default_manager.order_by("pk").values_list("pk", flat=True)[0]}


OBJECTS = {
    "-": lambda w, owner: {},
    "attempt": _owned("attempt", "pk"),
    "selftest": _owned("selftest", "pk"),
    "done_selftest": _owned("done_selftest", "pk"),
    "enrolment": _owned("enrolment", "pk"),
    "event": _owned("event", "pk"),
    "open_attempt": lambda w, owner: {"slug": w.open_quiz.slug},
    "code": lambda w, owner: {},
    "check": lambda w, owner: {},
    "token": lambda w, owner: {"token": MISSING_SLUG if owner == "missing" else w.secrets[f"token@{owner}"]},
    "quiz": lambda w, owner: {"slug": w.quiz.slug},
    "lesson": lambda w, owner: {"slug": w.lesson.slug},
    "chart": lambda w, owner: {"name": "topic-scores"},
    "stats_chart": lambda w, owner: {"slug": w.quiz.slug, "name": "scores"},
    "export": lambda w, owner: {"slug": w.quiz.slug, "export": "results"},
    "question": lambda w, owner: {"object_id": w.quiz.questions.order_by("pk").first().pk},
    "pathway": lambda w, owner: {"slug": w.pathway.slug},
    "pathway_lesson": lambda w, owner: {"slug": w.pathway.steps.first().lesson.slug},
    "pathway_step": lambda w, owner: {"slug": w.pathway.steps.first().lesson.slug, "number": 1},
    "pathway_more": lambda w, owner: {"slug": w.pathway.steps.first().lesson.slug, "section": "more-1"},
    "practice": lambda w, owner: {"number": 1},
    "quiz_on_site": lambda w, owner: {
        "content_type_id": ContentType.objects.get_for_model(w.quiz).pk,
        "object_id": w.quiz.pk,
    },
    "trainee_user": lambda w, owner: {"id": w.users["trainee_a"].pk},
    "app_quizzes": lambda w, owner: {"app_label": "quizzes"},
    "app_auth": lambda w, owner: {"app_label": "auth"},
}


def _check_answer(w, owner):
    """The answer patient `owner`'s check asks for now, right, as their page would send it."""
    record = ConsentRecord.objects.get(pk=w.objects[f"record@{owner}"].pk)
    ask = next_ask(record)
    right = chosen_for(record.content, ask.question, right=True)
    return {"ask": ask_token(record.pk, ask), "choice": shown_values(record, ask, right)}


BODIES = {
    "login": lambda w, obj: {"username": "trainee_a", "password": "trainee_a-password-1"},
    "signup": lambda w, obj: {
        "username": "newcomer",
        "password1": "a-new-password-77",
        "password2": "a-new-password-77",
    },
    "quizzes:quiz_take": lambda w, obj: (
        {"action": "start"}
        if obj == "quiz"
        else {"attempt": w.objects[obj].pk if obj in w.objects else MISSING_PK, "q1": "1", "confirm_unanswered": "on"}
    ),
    "quizzes:selftest_new": lambda w, obj: {
        "topics": [t.pk for t in w.topics],
        "count": 2,
        "pool": "all",
        "mode": "tutor",
        "seconds_per_question": 60,
    },
    "quizzes:selftest_take": lambda w, obj: {"position": 1, "q1": "1"},
    "quizzes:quiz_save": lambda w, obj: {
        "attempt": w.objects[obj].pk if obj in w.objects else MISSING_PK,
        "q1": ["", "1"],
    },
    "quizzes:consent_code": lambda w, obj: {"code": w.secrets["code@A"]},
    "quizzes:pathway_check": lambda w, obj: _check_answer(w, "A"),
    "quizzes:patient_new": lambda w, obj: {
        "label": "Someone new",
        "pathway": w.pathway.pk,
        "language": "en",
        "expires_days": 7,
    },
    "quizzes:patient_signoff": lambda w, obj: {"note": "Talked it through."},
}
ADMIN_BODIES = {
    "delete": lambda pk: {"post": "yes"},
    "changelist": lambda pk: {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
}


def request_parts(w, pattern: str, obj: str, owner_override: str | None = None):
    """The path to request and the body to post for a line."""
    if obj.startswith("/"):
        return obj, {}
    kind, _, owner = obj.partition("@")
    if kind == "admin":
        kwargs = {"object_id": MISSING_PK} if owner_override == "missing" else _admin_object(w, owner)
        if pattern.startswith("admin:"):
            view = pattern.rsplit("_", 1)[-1]
            path = reverse(pattern, kwargs=kwargs if view not in ("changelist", "add") else {})
        else:  # the old address of an object, a redirect to its change page
            view, path = "object", "/" + pattern.replace("<path:object_id>", str(kwargs["object_id"]))
        body = ADMIN_BODIES.get(view, lambda pk: {})(kwargs["object_id"])
        return path, body
    owner = owner_override or owner
    kwargs = OBJECTS[kind](w, owner)
    body_of = BODIES.get(pattern)
    return reverse(pattern, kwargs=kwargs), (body_of(w, f"{kind}@{owner}" if owner else kind) if body_of else {})


# Running a cell ----------------------------------------------------------------------------------


def stored_rows() -> list:
    """Every row a user could change (the app's tables, users and their groups), as stored."""
    user_model = get_user_model()
    models = [*apps.get_app_config("quizzes").get_models(), user_model, user_model.groups.through]
    rows = []
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)} ORDER BY 1")  # noqa: S608
            rows.append(cursor.fetchall())
    return rows


def _status(response) -> str:
    if response.status_code == 302:
        location = response["Location"]
        for name, prefix in REDIRECTS.items():
            if location.startswith(prefix) and (name != "code" or location == prefix):
                return name
    return str(response.status_code)


def request(w, role, method, path, body, *, query=None, check=False):
    """One request as `role`, undone afterwards: its status (as the matrix writes it) and whether
    it changed stored rows when it was refused (or, with `check`, at all)."""
    client = w.client(role)
    with isolated():
        before = stored_rows()
        response = client.get(path, query) if method == "GET" else client.post(path, body)
        status = _status(response)
        changed = (check or status in REFUSALS) and stored_rows() != before
    return status, changed
