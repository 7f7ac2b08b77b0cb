"""The question editor in a 1,280 px window: no sideways scrolling, every "Delete?" in view."""

from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.test_small_screens import OVERFLOW_JS

LONG = "A weakened vertebra that has partly collapsed, often after a minor fall or even a cough or a sneeze"


def test_the_question_editor_fits_a_1280_px_window(
    transactional_db, django_user_model, log_in, live_server, new_context, pytestconfig
):
    from quizzes.models import Choice, Question, Quiz

    admin = django_user_model.objects.create_superuser(username="editor", password="Calcium-Spine-2026!")
    quiz = Quiz.objects.create(slug="spine", title="Spine", audience="trainee")
    question = Question.objects.create(
        quiz=quiz,
        name="compression-fracture",
        kind="multiple",
        stem="Which of these describe a vertebral compression fracture? " * 3,
        explanation="Explained at length. " * 20,
        translations={"es": {"stem": "¿Qué describe una fractura por compresión vertebral? " * 3}},
    )
    for i, fraction in enumerate(["0.5", "0.5", "-0.5", "-0.5"], start=1):
        Choice.objects.create(
            question=question,
            position=i,
            text=f"{LONG} ({i})",
            fraction=Decimal(fraction),
            feedback="Feedback that explains why, in two or three sentences. " * 3,
            translations={"es": {"text": f"Una vértebra debilitada ({i})", "feedback": "Porque. " * 10}},
        )
    context = new_context(viewport={"width": 1280, "height": 800})
    log_in(context, admin)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/quizzes/question/{question.pk}/change/")
    shots = Path(pytestconfig.getoption("--output")).absolute()
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / "question-editor-1280.png", full_page=True)

    layout = page.evaluate(OVERFLOW_JS)
    assert layout["scrollWidth"] <= layout["clientWidth"] <= 1280, f"the editor scrolls sideways: {layout}"
    deletes = page.locator(".inline-deletelink, .delete input[type=checkbox]")
    assert deletes.count() == 4
    for n in range(4):
        box = deletes.nth(n).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, f"Delete {n} is off-screen: {box}"
    # The whole choice text is in its box, and the percentages read as percentages.
    expect(page.locator("textarea[name='choices-0-text']")).to_have_value(f"{LONG} (1)")
    expect(page.locator("input[name='choices-2-fraction']")).to_have_value("-50 %")
    text_box = page.locator("textarea[name='choices-0-text']")
    assert text_box.evaluate("el => el.scrollHeight <= el.clientHeight + 1"), "the choice text is cut off"
    spanish = page.locator("textarea[name='choices-0-text_es']").bounding_box()
    english = text_box.bounding_box()
    assert abs(spanish["y"] - english["y"]) < 5 and spanish["x"] > english["x"], "Spanish is not beside its English"
