"""The core path's pure rules: lesson steps, where to resume, and how long it takes."""

from quizzes.rules import pathway as core


def section(slug, body="One two three.", optional=False):
    return {"slug": slug, "title": slug.title(), "body_html": f"<p>{body}</p>", "optional": optional}


LESSON = {
    "slug": "l1",
    "title": "Lesson one",
    "sections": [section("a"), section("a-more", optional=True), section("b"), section("c")],
}


def test_a_lesson_has_one_step_per_required_section_and_optional_parts_go_with_the_one_before():
    steps = core.lesson_steps(LESSON)

    assert [(s.number, s.section["slug"], [m["slug"] for m in s.more]) for s in steps] == [
        (1, "a", ["a-more"]),
        (2, "b", []),
        (3, "c", []),
    ]


def test_content_frozen_before_the_flag_has_every_section_as_a_step():
    old = {"slug": "l", "title": "L", "sections": [{"slug": "x", "title": "X", "body_html": ""}] * 2}
    assert len(core.lesson_steps(old)) == 2


def test_resume_at_the_furthest_step_reached_in_the_first_lesson_not_read():
    second = {**LESSON, "slug": "l2"}

    assert core.resume_at([LESSON, second], set(), set()) == core.Resume("l1", 1)
    assert core.resume_at([LESSON, second], {("l1", "a"), ("l1", "b")}, set()) == core.Resume("l1", 2)
    assert core.resume_at([LESSON, second], {("l1", "c")}, {"l1"}) == core.Resume("l2", 1)
    assert core.resume_at([LESSON, second], set(), {"l1", "l2"}) == core.Resume(None)


def test_core_size_counts_required_reading_and_round_one_questions_only():
    content = {
        "lessons": [LESSON],
        "questions": [
            {"name": "q1", "point": "p", "critical": True, "stem": "Is it so?", "choices": [{"text": "Yes"}]},
            {"name": "q2", "point": "p", "critical": False, "stem": "Sibling", "choices": [{"text": "No"}]},
            {"name": "q3", "point": "", "critical": False, "practice": True, "stem": "Practice", "choices": []},
        ],
    }

    size = core.core_size(content, confirmation_words=3)

    # Title 2 + three required sections of 1 + 3 words; q1: 3 + 1 + 3. The optional part, the
    # sibling and the practice question are not counted.
    assert (size.words, size.questions, size.lessons) == (2 + 3 * 4 + 7, 1, 1)
    assert size.minutes == 5


def test_minutes_are_rounded_up_to_five_at_100_words_a_minute():
    assert core.CoreSize(words=1450, lessons=3, questions=10).minutes == 15
    assert core.CoreSize(words=1501, lessons=3, questions=10).minutes == 20
    assert not core.CoreSize(words=2001, lessons=3, questions=10).within_budget
    assert not core.CoreSize(words=100, lessons=3, questions=13).within_budget
