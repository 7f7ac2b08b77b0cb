"""`manage.py simulate_attempts`: realistic attempts through the real services, reproducible."""

from __future__ import annotations

import io
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from quizzes.analysis import selectors
from quizzes.models import Attempt, Response
from quizzes.rules import simulation
from tests.factories import QuizFactory

pytestmark = pytest.mark.django_db


def simulate(quiz, learners=30, seed=7) -> str:
    out = io.StringIO()
    call_command("simulate_attempts", "--quiz", quiz.slug, "--learners", str(learners), "--seed", str(seed), stdout=out)
    return out.getvalue()


def answers_of(quiz) -> list[tuple]:
    rows = Response.objects.filter(attempt__quiz=quiz).order_by("attempt__user__username", "position")
    return list(rows.values_list("attempt__user__username", "question_id", "chosen", "mark"))


def test_simulated_attempts_are_finished_and_graded_like_real_ones():
    quiz = QuizFactory(questions=6)

    text = simulate(quiz)

    assert "Stored 30 simulated attempts" in text
    attempts = Attempt.objects.filter(quiz=quiz)
    assert attempts.count() == 30
    assert not attempts.filter(submitted_at__isnull=True).exists()
    assert Response.objects.filter(attempt__quiz=quiz, mark__isnull=True).count() == 0
    assert get_user_model().objects.get(username="sim-7-00001").groups.filter(name="trainee").exists()
    scores = {a.score for a in attempts}
    assert len(scores) > 1  # abilities differ


def test_the_same_seed_gives_the_same_answers():
    quiz = QuizFactory(questions=5)
    simulate(quiz, seed=3)
    first = answers_of(quiz)
    Attempt.objects.filter(quiz=quiz).delete()

    simulate(quiz, seed=3)

    assert answers_of(quiz) == first
    Attempt.objects.filter(quiz=quiz).delete()
    simulate(quiz, seed=4)
    assert answers_of(quiz) != first


def test_simulated_data_discriminates_in_the_item_analysis():
    quiz = QuizFactory(questions=10)
    simulate(quiz, learners=120, seed=1)

    result = selectors.item_analysis(quiz=quiz)

    assert result.stats.quiz.attempts == 120
    discriminations = [q.discrimination for q in result.stats.questions]
    assert all(d is not None for d in discriminations)
    assert sum(discriminations) / len(discriminations) > 10  # abler learners do better on most questions


def test_model_probability_rises_with_ability_and_never_drops_below_guessing():
    model = simulation.item_model("single", "medium", [(1, 1), (2, 0), (3, 0), (4, 0)], random.Random(0))
    assert model.guessing == 0.25
    low, mid, high = (simulation.p_correct(model, t) for t in (-4, 0, 4))
    assert 0.25 <= low < mid < high <= 1


def test_unknown_quiz_is_an_error():
    with pytest.raises(CommandError, match="No quiz"):
        call_command("simulate_attempts", "--quiz", "nope", "--learners", "3")
