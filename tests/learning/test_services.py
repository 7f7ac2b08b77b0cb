import random
from decimal import Decimal

import pytest

from quizzes.learning import services
from quizzes.models import Attempt, Choice, Question, Response
from tests.factories import QuestionFactory, QuizFactory, UserFactory, multiple_question

pytestmark = pytest.mark.django_db


def right_answers(attempt):
    """Choice ids with a positive fraction, by position, read from the attempt's snapshots."""
    return {
        r.position: frozenset(c["id"] for c in r.snapshot["choices"] if Decimal(c["fraction"]) > 0)
        for r in attempt.responses.all()
    }


def test_start_freezes_every_question_with_its_shuffled_order():
    quiz = QuizFactory(questions=5, shuffle_questions=True, shuffle_choices=True)
    attempt = services.attempt_get_or_start(user=UserFactory(), quiz=quiz, rng=random.Random(3))
    responses = list(Response.objects.filter(attempt=attempt).order_by("position"))
    assert [r.position for r in responses] == [1, 2, 3, 4, 5]
    assert {r.question_id for r in responses} == set(quiz.questions.values_list("id", flat=True))
    first = responses[0]
    stored_order = [c["id"] for c in first.snapshot["choices"]]
    assert sorted(stored_order) == sorted(first.question.choices.values_list("id", flat=True))


def test_reopening_resumes_the_same_attempt_in_the_same_order():
    quiz = QuizFactory(questions=4)
    user = UserFactory()
    first = services.attempt_get_or_start(user=user, quiz=quiz)
    again = services.attempt_get_or_start(user=user, quiz=quiz)
    assert again.pk == first.pk
    assert [r.snapshot for r in again.responses.all()] == [
        r.snapshot for r in Response.objects.filter(attempt=first).order_by("position")
    ]
    assert Attempt.objects.count() == 1


def test_open_attempt_from_an_older_quiz_version_is_replaced():
    quiz = QuizFactory(questions=2)
    user = UserFactory()
    quiz.refresh_from_db()
    old = services.attempt_get_or_start(user=user, quiz=quiz)
    QuestionFactory(quiz=quiz)
    quiz.refresh_from_db()  # as the next request would load it
    new = services.attempt_get_or_start(user=user, quiz=quiz)
    assert new.pk != old.pk
    assert new.responses.count() == 3
    assert not Attempt.objects.filter(pk=old.pk).exists()


def test_submit_scores_and_stores_each_mark():
    quiz = QuizFactory(questions=3, pass_mark=60)
    multiple_question(quiz)
    user = UserFactory()
    attempt = services.attempt_get_or_start(user=user, quiz=quiz)
    answers = right_answers(attempt)
    # Get one single-answer question wrong, and half of the multiple-answer one right.
    multi = next(r for r in attempt.responses.all() if r.snapshot["kind"] == "multiple")
    single = next(r for r in attempt.responses.all() if r.snapshot["kind"] == "single")
    answers[multi.position] = frozenset(sorted(answers[multi.position])[:1])
    answers[single.position] = frozenset({c["id"] for c in single.snapshot["choices"] if c["text"] == "Wrong A"})

    result = services.attempt_submit(attempt=attempt, answers=answers)

    result.refresh_from_db()
    assert result.score == Decimal("62.50")  # (1 + 1 + 0 + 0.5) / 4
    assert result.passed is True
    assert result.submitted_at is not None
    marks = dict(Response.objects.filter(attempt=attempt).values_list("position", "mark"))
    assert marks[single.position] == 0
    assert marks[multi.position] == Decimal("0.5")


def test_submitting_twice_keeps_the_first_result():
    quiz = QuizFactory(questions=2)
    user = UserFactory()
    attempt = services.attempt_get_or_start(user=user, quiz=quiz)
    services.attempt_submit(attempt=attempt, answers=right_answers(attempt))
    services.attempt_submit(attempt=attempt, answers={})
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert Attempt.objects.count() == 1


def test_stored_result_survives_question_edits_and_deletion():
    quiz = QuizFactory(questions=2)
    user = UserFactory()
    attempt = services.attempt_get_or_start(user=user, quiz=quiz)
    services.attempt_submit(attempt=attempt, answers=right_answers(attempt))
    question = quiz.questions.first()
    original_stem = question.stem
    question.stem = "Rewritten later"
    question.save()
    Choice.objects.filter(question=question).update(text="changed")
    quiz.questions.exclude(pk=question.pk).delete()

    attempt.refresh_from_db()
    responses = list(Response.objects.filter(attempt=attempt))
    assert attempt.score == 100
    assert original_stem in [r.snapshot["stem"] for r in responses]
    assert all("changed" not in str(r.snapshot) for r in responses)
    assert sum(r.question_id is None for r in responses) == 1


def test_lesson_view_is_recorded_once_per_learner(django_user_model):
    from quizzes.models import LessonProgress
    from tests.factories import LessonFactory

    user = UserFactory()
    lesson = LessonFactory()
    services.lesson_record_view(user=user, lesson=lesson)
    services.lesson_record_view(user=user, lesson=lesson)
    assert LessonProgress.objects.filter(user=user, lesson=lesson).count() == 1


def test_true_false_choices_keep_their_order():
    quiz = QuizFactory(shuffle_choices=True)
    QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.TRUEFALSE,
        choices=[("True", Decimal(1), ""), ("False", Decimal(0), "")],
    )
    for seed in range(5):
        attempt = services.attempt_get_or_start(user=UserFactory(), quiz=quiz, rng=random.Random(seed))
        assert [c["text"] for c in attempt.responses.all()[0].snapshot["choices"]] == ["True", "False"]
