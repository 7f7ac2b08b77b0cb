"""Every page type the axe test visits, as data: who visits it, the URL pattern it covers, how
to reach the state it is checked in. `tests/test_axe_coverage.py` fails when a URL pattern of
the project is neither here nor in EXEMPT (with its reason), so a new page type needs a row.

A row's `path` gets the scene (tests/browser/axe_scene.py); its `act`, if any, then brings the
page into the state checked (answers chosen, a form sent with mistakes). `breaks` names a
function that raises while the page is visited, to see the 500 page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import Page, expect

from quizzes import roles
from quizzes.models import SelfTest
from quizzes.rules import pathway as pathway_rules

from .axe_scene import QUIZ_DONE, QUIZ_OPEN, Scene

# Who visits: how they get in (see test_axe.visitor_page) and the browser's language.
VISITORS = {
    "anonymous": "en-US",
    "patient_en": "en-US",
    "patient_es": "es-ES",
    "patient_done_en": "en-US",
    "patient_done_es": "es-ES",
    "trainee": "en-US",
    "clinician": "en-US",
    "educator": "en-US",
}


@dataclass(frozen=True)
class AxePage:
    visitor: str
    name: str
    url_name: str | None  # the URL pattern covered ("namespace:name"); None: no pattern matches
    path: Callable[[Scene], str]
    status: int = 200  # of the page as first loaded (after redirects)
    act: Callable[[Page, Scene], None] | None = None
    breaks: str | None = None  # "module.function" made to raise: the page is the 500 page


def url(name: str, *args) -> Callable[[Scene], str]:
    return lambda s: reverse(name, args=args)


# Acts: what a user does on the page before it is checked ------------------------------------------


def submit(page: Page, selector: str = "main [type=submit]") -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def send_empty(page: Page, scene: Scene) -> None:
    """Send the page's form as it is, past the browser's own checks: the server's messages show."""
    page.evaluate("() => document.querySelectorAll('main form').forEach(f => { f.noValidate = true; })")
    submit(page, "main form [type=submit]")


def fill_and_submit(**fields: str) -> Callable[[Page, Scene], None]:
    def act(page: Page, scene: Scene) -> None:
        for name, value in fields.items():
            page.fill(f"main [name={name}]", value)
        submit(page)

    return act


IMPORT_GIFT = """::axe-import-1:: Which scan measures bone density? {=A DXA scan ~An ultrasound of the heart ~A blood test}

::axe-import-2:: Kyphoplasty uses a small balloon. {T}
"""


def upload_questions(page: Page, scene: Scene) -> None:
    """Upload a small GIFT file for a new quiz: the preview shows (nothing is saved yet)."""
    page.set_input_files(
        "main [name=file]", {"name": "axe.gift", "mimeType": "text/plain", "buffer": IMPORT_GIFT.encode()}
    )
    page.select_option("main [name=file_format]", "gift")
    page.fill("main [name=new_quiz]", "axe-imported")
    submit(page)


def upload_and_confirm(page: Page, scene: Scene) -> None:
    upload_questions(page, scene)
    submit(page)


def choose_answers(count: int) -> Callable[[Page, Scene], None]:
    """Tick the first choice of the first `count` questions (the page stays, nothing is sent)."""

    def act(page: Page, scene: Scene) -> None:
        for n in range(count):
            page.locator("fieldset.question").nth(n).locator("input").first.check()

    return act


def send_with_one_answer(page: Page, scene: Scene) -> None:
    """Send a quiz with one answer: the page asks "Submit anyway?"."""
    choose_answers(1)(page, scene)
    page.locator("#submit-quiz").click()
    expect(page.locator("#unanswered-warning")).to_be_visible()


def choose_consent_choice(page: Page, scene: Scene) -> None:
    page.locator(".consent-choice input").first.check()


def answer_practice(page: Page, scene: Scene) -> None:
    choose_consent_choice(page, scene)
    submit(page)


def stop_for_now(page: Page, scene: Scene) -> None:
    submit(page, "header [type=submit]")


def wrong_code(page: Page, scene: Scene) -> None:
    fill_and_submit(code="AAAA-AAAA")(page, scene)


def wrong_codes_until_paused(page: Page, scene: Scene) -> None:
    for _ in range(10):
        if page.locator("main [name=code]").count() == 0:
            return
        wrong_code(page, scene)
    raise AssertionError("ten wrong codes and still no pause")


def enrol_a_patient(page: Page, scene: Scene) -> None:
    page.fill("main [name=label]", "Axe patient, new")
    submit(page)


# Paths that need the scene ----------------------------------------------------------------------


def patient_link(visitor: str) -> Callable[[Scene], str]:
    return lambda s: reverse("quizzes:consent_link", args=[s.patients[visitor].token])


def first_lesson(s: Scene, visitor: str) -> str:
    return s.patients[visitor].record.content["lessons"][0]["slug"]


def a_later_step(visitor: str) -> Callable[[Scene], str]:
    """The last step of the first lesson with more than one (the first step is another row)."""

    def path(s: Scene) -> str:
        for lesson in s.patients[visitor].record.content["lessons"]:
            steps = len(pathway_rules.lesson_steps(lesson))
            if steps > 1:
                return reverse("quizzes:pathway_lesson_step", args=[lesson["slug"], steps])
        raise AssertionError("no lesson has more than one step")

    return path


def first_more(visitor: str) -> Callable[[Scene], str]:
    def path(s: Scene) -> str:
        for lesson in s.patients[visitor].record.content["lessons"]:
            for step in pathway_rules.lesson_steps(lesson):
                if step.more:
                    return reverse("quizzes:pathway_more", args=[lesson["slug"], step.more[0]["slug"]])
        raise AssertionError("the pathway has no optional part")

    return path


def staff_record(visitor: str) -> Callable[[Scene], str]:
    return lambda s: reverse("quizzes:patient_detail", args=[s.patients[visitor].record.enrolment_id])


def test_page(key: str, position: int | None = None) -> Callable[[Scene], str]:
    def path(s: Scene) -> str:
        base = reverse("quizzes:selftest_take", args=[s.tests[key].pk])
        return f"{base}?q={position}" if position else base

    return path


# The rows ---------------------------------------------------------------------------------------

ANONYMOUS = [
    AxePage("anonymous", "home", "quizzes:home", url("quizzes:home")),
    AxePage("anonymous", "patient lesson", "quizzes:lesson_detail", lambda s: s.patient_lesson.get_absolute_url()),
    AxePage("anonymous", "log in", "login", url("login")),
    AxePage("anonymous", "log in, wrong password", "login", url("login"), act=fill_and_submit(username="x", password="y")),
    AxePage("anonymous", "sign up, with mistakes", "signup", url("signup"), act=send_empty),
    AxePage("anonymous", "patient code", "quizzes:consent_code", url("quizzes:consent_code")),
    AxePage("anonymous", "patient code in Spanish", "quizzes:consent_code", lambda s: "/consent/?lang=es"),
    AxePage("anonymous", "patient code, wrong", "quizzes:consent_code", url("quizzes:consent_code"), act=wrong_code),
    AxePage("anonymous", "link that does not work", "quizzes:consent_link", url("quizzes:consent_link", "x" * 43), 403),
    AxePage("anonymous", "404", None, lambda s: "/no-such-page/", 404),
    AxePage("anonymous", "404 under the pathway", None, lambda s: "/consent/pathway/no/such/page/", 404),
    AxePage("anonymous", "500", "quizzes:home", url("quizzes:home"), 500, breaks="quizzes.learning.selectors.catalogue_list"),
    AxePage("anonymous", "admin log in", "admin:login", url("admin:login")),
    AxePage("anonymous", "patient code, paused", "quizzes:consent_code", url("quizzes:consent_code"), act=wrong_codes_until_paused),
]  # fmt: skip


def patient_rows(visitor: str) -> list[AxePage]:
    """The pathway part-way through the check, a wrong answer just given; last, "Stop for now"."""
    rows = [
        ("pathway home", "quizzes:pathway_home", url("quizzes:pathway_home"), 200, None),
        ("go on (to the check)", "quizzes:pathway_resume", url("quizzes:pathway_resume"), 200, None),
        ("lesson (its first step)", "quizzes:pathway_lesson", lambda s: reverse("quizzes:pathway_lesson", args=[first_lesson(s, visitor)]), 200, None),
        ("lesson step", "quizzes:pathway_lesson_step", a_later_step(visitor), 200, None),
        ("more about this", "quizzes:pathway_more", first_more(visitor), 200, None),
        ("practice question", "quizzes:pathway_practice", url("quizzes:pathway_practice", 1), 200, None),
        ("practice question answered", "quizzes:pathway_practice", url("quizzes:pathway_practice", 1), 200, answer_practice),
        ("check question, a choice picked", "quizzes:pathway_check", url("quizzes:pathway_check"), 200, choose_consent_choice),
        ("feedback on a wrong answer", "quizzes:pathway_feedback", lambda s: reverse("quizzes:pathway_feedback", args=[s.patients[visitor].wrong_answer]), 200, None),
        ("404 in the pathway", "quizzes:pathway_lesson", url("quizzes:pathway_lesson", "no-such-lesson"), 404, None),
        ("404 under the pathway", None, lambda s: "/consent/pathway/no/such/page/", 404, None),
        ("403 (a learner page)", "quizzes:my_results", url("quizzes:my_results"), 403, None),
        ("stop for now", "quizzes:pathway_leave", url("quizzes:pathway_home"), 200, stop_for_now),
    ]  # fmt: skip
    pages = [AxePage(visitor, name, url_name, path, status, act) for name, url_name, path, status, act in rows]
    pages.insert(-1, AxePage(visitor, "500 in the pathway", "quizzes:pathway_home", url("quizzes:pathway_home"), 500, breaks="quizzes.consent.selectors.pathway_overview"))  # fmt: skip
    return pages


def patient_done_rows(visitor: str) -> list[AxePage]:
    return [
        AxePage(visitor, "signed in by link", "quizzes:consent_link", patient_link(visitor)),
        AxePage(visitor, "the ending", "quizzes:pathway_done", url("quizzes:pathway_done")),
        AxePage(visitor, "pathway home, finished", "quizzes:pathway_home", url("quizzes:pathway_home")),
    ]


TRAINEE = [
    AxePage("trainee", "home", "quizzes:home", url("quizzes:home")),
    AxePage("trainee", "trainee lesson", "quizzes:lesson_detail", lambda s: s.trainee_lesson.get_absolute_url()),
    AxePage("trainee", "quiz, answers chosen", "quizzes:quiz_take", url("quizzes:quiz_take", QUIZ_OPEN), act=choose_answers(3)),
    AxePage("trainee", "quiz, submit anyway?", "quizzes:quiz_take", url("quizzes:quiz_take", QUIZ_OPEN), act=send_with_one_answer),
    AxePage("trainee", "quiz already submitted", "quizzes:quiz_take", url("quizzes:quiz_take", QUIZ_DONE)),
    AxePage("trainee", "quiz result", "quizzes:attempt_result", lambda s: s.attempt.get_absolute_url()),
    AxePage("trainee", "my results", "quizzes:my_results", url("quizzes:my_results")),
    AxePage("trainee", "self-test builder", "quizzes:selftest_new", url("quizzes:selftest_new")),
    AxePage("trainee", "self-test builder, with mistakes", "quizzes:selftest_new", url("quizzes:selftest_new"), act=send_empty),
    AxePage("trainee", "self-test, tutor, answer checked", "quizzes:selftest_take", test_page(SelfTest.Mode.TUTOR, 1)),
    AxePage("trainee", "self-test, tutor, flagged question", "quizzes:selftest_take", test_page(SelfTest.Mode.TUTOR, 2)),
    AxePage("trainee", "self-test, timed", "quizzes:selftest_take", test_page(SelfTest.Mode.TIMED, 1)),
    AxePage("trainee", "self-test, finish?", "quizzes:selftest_finish", lambda s: reverse("quizzes:selftest_finish", args=[s.tests[SelfTest.Mode.TIMED].pk])),
    AxePage("trainee", "self-test, discard?", "quizzes:selftest_discard", lambda s: reverse("quizzes:selftest_discard", args=[s.tests[SelfTest.Mode.TIMED].pk])),
    AxePage("trainee", "self-test review", "quizzes:selftest_review", lambda s: reverse("quizzes:selftest_review", args=[s.tests["finished"].pk])),
    AxePage("trainee", "progress", "quizzes:progress", url("quizzes:progress")),
    AxePage("trainee", "spaced review", "quizzes:review_queue", url("quizzes:review_queue")),
    AxePage("trainee", "log out?", "logout", url("logout")),
    AxePage("trainee", "403 (a staff page)", "quizzes:patient_list", url("quizzes:patient_list"), 403),
    AxePage("trainee", "404 (someone else's result)", "quizzes:attempt_result", url("quizzes:attempt_result", 999999), 404),
]  # fmt: skip

CLINICIAN = [
    AxePage("clinician", "patient list", "quizzes:patient_list", url("quizzes:patient_list")),
    AxePage("clinician", "patient list, every status", "quizzes:patient_list", lambda s: reverse("quizzes:patient_list") + "?status="),
    AxePage("clinician", "enrol a patient, with mistakes", "quizzes:patient_new", url("quizzes:patient_new"), act=send_empty),
    AxePage("clinician", "access sheet of a new patient", "quizzes:patient_new", url("quizzes:patient_new"), act=enrol_a_patient),
    AxePage("clinician", "record awaiting sign-off", "quizzes:patient_detail", staff_record("patient_done_en")),
    AxePage("clinician", "Spanish record", "quizzes:patient_detail", staff_record("patient_done_es")),
    AxePage("clinician", "record under way", "quizzes:patient_detail", staff_record("patient_en")),
    AxePage("clinician", "revoke access?", "quizzes:patient_revoke", lambda s: reverse("quizzes:patient_revoke", args=[s.patients["patient_en"].record.enrolment_id])),
]  # fmt: skip

EDUCATOR = [
    AxePage("educator", "statistics list", "quizzes:quiz_stats_list", url("quizzes:quiz_stats_list")),
    AxePage("educator", "quiz statistics", "quizzes:quiz_statistics", url("quizzes:quiz_statistics", QUIZ_DONE)),
    AxePage("educator", "import questions", "quizzes:import_upload", url("quizzes:import_upload")),
    AxePage("educator", "import questions, with mistakes", "quizzes:import_upload", url("quizzes:import_upload"), act=send_empty),
    AxePage("educator", "import questions, preview", "quizzes:import_upload", url("quizzes:import_upload"), act=upload_questions),
    AxePage("educator", "import questions, done", "quizzes:import_confirm", url("quizzes:import_upload"), act=upload_and_confirm),
    AxePage("educator", "consent check statistics", "quizzes:consent_check_stats", url("quizzes:consent_check_stats", "kyphoplasty")),
    AxePage("educator", "admin index", "admin:index", url("admin:index")),
    AxePage("educator", "admin app index", "admin:app_list", url("admin:app_list", "quizzes")),
    AxePage("educator", "admin password change", "admin:password_change", url("admin:password_change")),
    AxePage("educator", "admin password changed", "admin:password_change_done", url("admin:password_change_done")),
]  # fmt: skip

# The educator's ModelAdmins: a changelist, an add form and a change form (with its inlines) each;
# the history and delete pages once, for questions.
EDUCATOR_MODELS = sorted(
    f"{model._meta.app_label}_{model._meta.model_name}"
    for model in admin.site._registry
    if f"view_{model._meta.model_name}" in roles.ROLE_PERMISSIONS[roles.EDUCATOR]
)
ADMIN_ONCE = {"quizzes_question": ["history", "delete", "preview", "versions"]}


def admin_change(kind: str, key: str) -> Callable[[Scene], str]:
    def path(s: Scene) -> str:
        model = next(m for m in admin.site._registry if f"{m._meta.app_label}_{m._meta.model_name}" == key)
        # The object with the most inline rows is the hardest page: the question bank, the longest lesson.
        obj = model.objects.order_by("pk").last() if key != "quizzes_quiz" else model.objects.get(slug=QUIZ_DONE)
        return reverse(f"admin:{key}_{kind}", args=[obj.pk])

    return path


for _key in EDUCATOR_MODELS:
    EDUCATOR += [
        AxePage("educator", f"admin {_key} list", f"admin:{_key}_changelist", url(f"admin:{_key}_changelist")),
        AxePage("educator", f"admin {_key} add", f"admin:{_key}_add", url(f"admin:{_key}_add")),
        AxePage("educator", f"admin {_key} change", f"admin:{_key}_change", admin_change("change", _key)),
    ]
    EDUCATOR += [
        AxePage("educator", f"admin {_key} {kind}", f"admin:{_key}_{kind}", admin_change(kind, _key))
        for kind in ADMIN_ONCE.get(_key, [])
    ]

PAGES: list[AxePage] = [
    *ANONYMOUS,
    *patient_rows("patient_en"),
    *patient_rows("patient_es"),
    *patient_done_rows("patient_done_en"),
    *patient_done_rows("patient_done_es"),
    *TRAINEE,
    *CLINICIAN,
    *EDUCATOR,
]

# URL patterns with no row, and why (tests/test_axe_coverage.py) ---------------------------------

EXEMPT = {
    "healthz": "JSON for load balancers and monitoring, not a page",
    "quizzes:progress_chart": "an SVG image inside the progress page, which is checked",
    "quizzes:quiz_statistics_chart": "an SVG image inside the quiz statistics page, which is checked",
    "quizzes:patient_pdf": "a PDF download, not a web page",
    "quizzes:quiz_save": "POST only: the quiz page's script saves answers here (JSON)",
    "quizzes:quiz_export_csv": "a CSV download (results, responses), not a web page",
    "quizzes:patient_signoff": "POST only: redirects to the record page, which is checked",
    "quizzes:patient_lockout_lift": "POST only: redirects to the record page, which is checked",
    "admin:logout": "POST only: redirects to the home page, which is checked",
    "admin:autocomplete": "JSON for the autocomplete boxes (checked on the question and pathway forms)",
    "admin:jsi18n": "Django's JavaScript catalogue",
    "admin:view_on_site": "redirects to the object's own page",
    "admin/(?P<url>.*)$": "Django's catch-all: a redirect to the log-in page or the 404 page",
}
ADMIN_MODEL_PAGE = re.compile(r"^admin:(?P<model>\w+?)_(?P<kind>changelist|add|change|history|delete)$")
ADMIN_REDIRECT = re.compile(r"^admin/\w+/\w+/<path:object_id>/$")


def exemption(name: str) -> str | None:
    """Why the URL pattern `name` (or its route, if unnamed) has no row; None if it needs one."""
    if name in EXEMPT:
        return EXEMPT[name]
    if ADMIN_REDIRECT.match(name):
        return "redirects to the change form"
    page = ADMIN_MODEL_PAGE.match(name)
    if page is None:
        return None
    if page["model"] not in EDUCATOR_MODELS:
        return "not open to educators: records and accounts a superuser looks at, in Django's own pages"
    if page["kind"] in {"history", "delete"} and page["kind"] not in ADMIN_ONCE.get(page["model"], []):
        return "the same admin template for every model, checked once (for questions)"
    return None
