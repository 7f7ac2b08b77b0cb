"""Self-test services: drawing a test from the bank, finishing it, progress."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Audience, QuestionProgress, SelfTest
from quizzes.rules.taking import DEADLINE_GRACE
from quizzes.selftest import services
from quizzes.selftest.services import (
    EmptyPool,
)
from tests.factories import UserFactory
from tests.selftest.helpers import (
    answer,
    first_item,
    make_bank,
    new_test,
    right_id,
    wrong_id,
)

pytestmark = pytest.mark.django_db


pytestmark = pytest.mark.django_db

# Drawing ----------------------------------------------------------------------------------------


def test_draw_takes_each_question_at_most_once(user, topics):
    test = new_test(user, topics, count=10)
    ids = list(test.items.values_list("question_id", flat=True))
    assert len(ids) == len(set(ids)) == 10


def test_draw_gives_fewer_questions_when_the_pool_is_smaller(user, topics):
    test = new_test(user, topics, count=50)
    assert test.items.count() == 10


def test_draw_keeps_to_the_chosen_topics(user, topics):
    test = new_test(user, topics[:1], count=10)
    assert set(test.items.values_list("topic_id", flat=True)) == {topics[0].id}
    assert list(test.topics.all()) == [topics[0]]


def test_draw_leaves_out_patient_questions(user):
    patient_topics, _ = make_bank(topics=1, audience=Audience.PATIENT)
    with pytest.raises(EmptyPool):
        new_test(user, patient_topics)


def test_choices_are_shuffled_per_test_and_the_order_is_stored(user, bank):
    topics, _questions = bank
    test = new_test(user, topics, count=10, rng=random.Random(3))
    orders = [[c["id"] for c in item.snapshot["choices"]] for item in test.items.all()]
    in_position = [sorted(order) for order in orders]
    assert orders != in_position  # at least one question shows its choices shuffled
    for item in test.items.all():
        assert sorted(c["id"] for c in item.snapshot["choices"]) == sorted(
            item.question.choices.values_list("id", flat=True)
        )


def test_timed_test_gets_a_deadline_from_its_size(user, topics):
    before = timezone.now()
    test = new_test(user, topics, count=4, mode=SelfTest.Mode.TIMED, seconds=30)
    assert before + timedelta(seconds=120) <= test.deadline <= timezone.now() + timedelta(seconds=120)


def test_tutor_test_has_no_deadline(user, topics):
    assert new_test(user, topics).deadline is None


def test_unused_pool_leaves_out_questions_already_answered(user, bank):
    topics, questions = bank
    QuestionProgress.objects.create(user=user, question=questions[0], times_seen=1)
    test = new_test(user, topics, count=10, pool=SelfTest.Pool.UNUSED)
    assert questions[0].id not in set(test.items.values_list("question_id", flat=True))
    assert test.items.count() == 9


def test_incorrect_pool_holds_only_questions_last_answered_wrong(user, bank):
    topics, questions = bank
    QuestionProgress.objects.create(user=user, question=questions[0], times_seen=1, last_correct=False)
    QuestionProgress.objects.create(user=user, question=questions[1], times_seen=1, last_correct=True)
    test = new_test(user, topics, count=10, pool=SelfTest.Pool.INCORRECT)
    assert list(test.items.values_list("question_id", flat=True)) == [questions[0].id]


def test_flagged_pool_holds_only_flagged_questions(user, bank):
    topics, questions = bank
    QuestionProgress.objects.create(user=user, question=questions[3], flagged=True)
    test = new_test(user, topics, count=10, pool=SelfTest.Pool.FLAGGED)
    assert list(test.items.values_list("question_id", flat=True)) == [questions[3].id]


def test_pools_are_per_trainee(user, bank):
    topics, questions = bank
    QuestionProgress.objects.create(user=UserFactory(), question=questions[0], flagged=True)
    with pytest.raises(EmptyPool, match="not flagged"):
        new_test(user, topics, pool=SelfTest.Pool.FLAGGED)


def test_empty_pool_raises_with_a_message_and_creates_nothing(user, topics):
    with pytest.raises(EmptyPool, match="no wrongly answered"):
        new_test(user, topics, pool=SelfTest.Pool.INCORRECT)
    assert not SelfTest.objects.exists()


# Finishing --------------------------------------------------------------------------------------


def test_finishing_marks_scores_and_records_timed_answers(user, topics):
    test = new_test(user, topics, count=4, mode=SelfTest.Mode.TIMED)
    items = list(test.items.order_by("position"))
    answer(user, test, 1, [right_id(items[0])])
    answer(user, test, 2, [wrong_id(items[1])])
    now = timezone.now()
    test = services.selftest_finish(user=user, test_id=test.pk, now=now)
    assert test.score == 25
    assert test.finished_at == now
    right = QuestionProgress.objects.get(user=user, question=items[0].question)
    wrong = QuestionProgress.objects.get(user=user, question=items[1].question)
    assert (right.times_seen, right.times_correct, right.last_correct, right.box) == (1, 1, True, 0)
    assert (wrong.times_seen, wrong.times_correct, wrong.last_correct, wrong.box) == (1, 0, False, 1)
    assert wrong.last_answered_at == now
    assert wrong.due_at == now + timedelta(days=1)
    # Unanswered questions score 0 but stay unseen.
    assert not QuestionProgress.objects.filter(question__in=[items[2].question, items[3].question]).exists()
    assert [i.mark for i in test.items.order_by("position")] == [1, 0, 0, 0]


def test_finishing_twice_changes_nothing(user, topics):
    test = new_test(user, topics, count=2, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    first = services.selftest_finish(user=user, test_id=test.pk)
    second = services.selftest_finish(user=user, test_id=test.pk, now=timezone.now() + timedelta(hours=1))
    assert second.finished_at == first.finished_at
    assert QuestionProgress.objects.get(user=user, question=item.question).times_seen == 1


def test_finishing_a_tutor_test_does_not_record_answers_twice(user, topics):
    test = new_test(user, topics, count=2)
    item = first_item(test)
    answer(user, test, 1, [right_id(item)])
    test = services.selftest_finish(user=user, test_id=test.pk)
    assert test.score == 50
    assert QuestionProgress.objects.get(user=user, question=item.question).times_seen == 1


def test_progress_adds_up_over_tests(user, bank):
    topics, _questions = bank
    for correct in (False, True):
        test = new_test(user, topics[:1], count=5, mode=SelfTest.Mode.TIMED)
        for item in test.items.all():
            answer(user, test, item.position, [right_id(item) if correct else wrong_id(item)])
        services.selftest_finish(user=user, test_id=test.pk)
    rows = QuestionProgress.objects.filter(user=user)
    assert rows.count() == 5
    assert {(p.times_seen, p.times_correct, p.last_correct) for p in rows} == {(2, 1, True)}
    # Right, but not yet due: still in box 1.
    assert {p.box for p in rows} == {1}


def test_finish_if_expired_finishes_only_expired_tests(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    assert not services.selftest_finish_if_expired(user=user, test=test)
    later = test.deadline + DEADLINE_GRACE + timedelta(seconds=1)
    assert services.selftest_finish_if_expired(user=user, test=test, now=later)
    test.refresh_from_db()
    assert test.finished_at == later
