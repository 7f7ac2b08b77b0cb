"""Browser tests: real Chromium (Debian's package) driven by Playwright against live_server.

Playwright cannot download its own browser here, so it is pointed at the system Chromium.
Without one, these tests are skipped with a loud reason, unless REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure: CI must never skip them silently.
"""

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.browser.selftest_bank import bank, trainee  # noqa: F401 - fixtures for the self-test tests

# Sync Playwright keeps an event loop running in the test thread, so every ORM call from a
# test (and pytest-django's teardown flush) would raise SynchronousOnlyOperation without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
MISSING_REASON = "Chromium not found: browser tests SKIPPED; apt-get install chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _in_this_directory(item) -> bool:
    return HERE in Path(item.path).resolve().parents


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not _in_this_directory(item):
            continue
        item.add_marker(pytest.mark.browser)
        if CHROMIUM is None and not REQUIRE_BROWSER:
            item.add_marker(pytest.mark.skip(reason=MISSING_REASON))


def pytest_terminal_summary(terminalreporter):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if MISSING_REASON in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} {MISSING_REASON}", red=True, bold=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:
        # Only reached with REQUIRE_BROWSER=1; otherwise the tests were skipped at collection.
        pytest.fail(f"REQUIRE_BROWSER=1 but {MISSING_REASON.split(':')[0]} (apt-get install chromium)", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# A small patient lesson and the quiz that checks it. Texts are unique across the page so a
# test can pick an answer by its label whatever order the shuffle gave.
LESSON_SECTIONS = [
    (
        "what-is-osteoporosis",
        "What is osteoporosis?",
        "Osteoporosis makes bones thin and fragile, so they break more easily.\n\n"
        "A **DXA scan** measures how dense your bones are.",
    ),
    (
        "spine-fractures",
        "Spine fractures and kyphoplasty",
        "A weak vertebra can collapse: a compression fracture.\n\n"
        "Kyphoplasty makes a space in the broken bone with a small balloon and fills it with bone cement.",
    ),
]

# stem -> (kind, section slug, explanation, [(choice text, fraction, feedback)])
QUESTIONS = {
    "What does osteoporosis do to your bones?": (
        "single",
        "what-is-osteoporosis",
        "Thin bones are the hallmark: bone mass drops faster than the body rebuilds it.",
        [
            ("It makes them thin and fragile", "1", ""),
            ("It makes them heavier", "0", "Heavier is the opposite: bone mass goes down."),
            ("It only affects your teeth", "0", "Teeth are not bones; osteoporosis affects the skeleton."),
        ],
    ),
    "Which test measures bone density?": (
        "single",
        "what-is-osteoporosis",
        "Dual-energy X-ray absorptiometry compares your bone density with a healthy young adult's.",
        [
            ("A DXA scan", "1", ""),
            ("A blood sugar test", "0", "A blood sugar test checks for diabetes, not bone density."),
            ("An eye examination", "0", "Eye examinations say nothing about your bones."),
        ],
    ),
    "What is kyphoplasty used for?": (
        "single",
        "spine-fractures",
        "Bone cement is put into a broken vertebra after a balloon makes a space.",
        [
            ("Treating a painful spine compression fracture", "1", ""),
            ("Replacing a worn hip joint", "0", "Hip replacement is a different operation."),
            ("Setting a broken wrist", "0", "A broken wrist is usually treated with a cast."),
        ],
    ),
    "Which of these help keep bones strong?": (
        "multiple",
        "what-is-osteoporosis",
        "Bones respond to load, and they need calcium and vitamin D as building material.",
        [
            ("Weight-bearing exercise", "0.5", ""),
            ("Enough calcium and vitamin D", "0.5", ""),
            ("Smoking", "-0.5", "Smoking speeds up bone loss."),
        ],
    ),
}

PASS_MARK = 60


@pytest.fixture
def patient_quiz(transactional_db):
    """A patient lesson with two sections and a shuffled four-question quiz that checks it."""
    from quizzes.models import Audience, Choice, Lesson, LessonSection, Question, Quiz

    lesson = Lesson.objects.create(
        slug="bone-health-basics",
        title="Bone health basics",
        audience=Audience.PATIENT,
        summary="Why bones get weak and what can be done about a spine fracture.",
    )
    sections = {
        slug: LessonSection.objects.create(lesson=lesson, slug=slug, title=title, body=body, position=i)
        for i, (slug, title, body) in enumerate(LESSON_SECTIONS, start=1)
    }
    quiz = Quiz.objects.create(
        slug="bone-health-check",
        title="Bone health check",
        audience=Audience.PATIENT,
        pass_mark=PASS_MARK,
        shuffle_questions=True,
        shuffle_choices=True,
    )
    quiz.lessons.add(lesson)
    for position, (stem, (kind, section, explanation, choices)) in enumerate(QUESTIONS.items(), start=1):
        question = Question.objects.create(
            quiz=quiz,
            name=f"q{position}",
            position=position,
            kind=kind,
            stem=stem,
            explanation=explanation,
            section=sections[section],
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text=text, fraction=Decimal(fraction), feedback=feedback)
            for i, (text, fraction, feedback) in enumerate(choices, start=1)
        )
    return quiz


@pytest.fixture
def learner(transactional_db, django_user_model):
    from quizzes import roles

    user = django_user_model.objects.create_user(username="learner", password="Calcium-Spine-2026!")
    roles.role_assign(user=user, role=roles.TRAINEE)
    return user


@pytest.fixture
def log_in(live_server):
    """Log a user in to a browser context by handing it a session cookie (no form round trip)."""
    from django.conf import settings
    from django.test import Client

    def _log_in(context, user):
        client = Client()
        client.force_login(user, backend="quizzes.backends.ModelBackend")
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    return _log_in
