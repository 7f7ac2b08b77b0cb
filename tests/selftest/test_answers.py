"""Saving answers and flags: the deadline, refusals, the cached answer sheet, tutor locks."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction

from quizzes.models import QuestionProgress, SelfTest, SelfTestItem
from quizzes.rules.taking import DEADLINE_GRACE
from quizzes.selftest import selectors, services
from quizzes.selftest.services import (
    AnswerLocked,
    DeadlinePassed,
    InvalidAnswer,
    SelfTestClosed,
)
from tests.factories import UserFactory
from tests.selftest.helpers import (
    answer,
    first_item,
    new_test,
    right_id,
    wrong_id,
)

pytestmark = pytest.mark.django_db


pytestmark = pytest.mark.django_db

# Answering --------------------------------------------------------------------------------------


def test_timed_answer_is_stored_and_can_change_until_the_end(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    answer(user, test, 1, [right_id(item)])
    item.refresh_from_db()
    assert item.chosen == [right_id(item)]
    assert item.answered_at is not None
    assert item.mark is None  # marked at the end
    assert not QuestionProgress.objects.filter(user=user, times_seen__gt=0).exists()


def test_saving_the_same_timed_answer_again_keeps_the_moment_it_was_chosen(user, topics):
    """The page saves a choice as it is made, and "Next" sends it again on the way out: the
    answer's time stays when it was chosen, not when the trainee left the question."""
    from django.utils import timezone

    from quizzes.selftest.answers import selftest_answer

    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    chosen_at = timezone.now()
    selftest_answer(user=user, test_id=test.pk, position=1, chosen=[wrong_id(item)], now=chosen_at)
    later = chosen_at + timedelta(seconds=40)
    selftest_answer(user=user, test_id=test.pk, position=1, chosen=[wrong_id(item)], now=later)
    item.refresh_from_db()
    assert item.answered_at == chosen_at
    selftest_answer(user=user, test_id=test.pk, position=1, chosen=[right_id(item)], now=later)
    item.refresh_from_db()
    assert (item.chosen, item.answered_at) == ([right_id(item)], later)


def test_timed_answer_can_be_cleared(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [right_id(item)])
    answer(user, test, 1, [])
    item.refresh_from_db()
    assert item.chosen == []
    assert item.answered_at is None


def test_answer_within_the_grace_is_stored(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [right_id(item)], now=test.deadline + DEADLINE_GRACE)
    item.refresh_from_db()
    assert item.chosen == [right_id(item)]


def test_answer_after_deadline_and_grace_is_refused_and_not_stored(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    with pytest.raises(DeadlinePassed, match="too late"):
        answer(user, test, 1, [right_id(item)], now=test.deadline + DEADLINE_GRACE + timedelta(seconds=1))
    item.refresh_from_db()
    assert item.chosen == []
    assert item.answered_at is None


def test_answer_naming_another_questions_choice_is_refused(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    other = first_item(test, 2)
    with pytest.raises(InvalidAnswer, match="not one of this question"):
        answer(user, test, 1, [right_id(other)])
    assert first_item(test).chosen == []


def test_two_choices_on_a_one_answer_question_are_refused(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    with pytest.raises(InvalidAnswer, match="only one"):
        answer(user, test, 1, [right_id(item), wrong_id(item)])


def test_position_not_in_the_test_does_not_exist(user, topics):
    test = new_test(user, topics, count=3)
    with pytest.raises(SelfTestItem.DoesNotExist):
        answer(user, test, 4, [])


def test_another_trainees_test_does_not_exist_for_them(user, topics):
    test = new_test(user, topics)
    with pytest.raises(SelfTestItem.DoesNotExist):
        answer(UserFactory(), test, 1, [right_id(first_item(test))])


def test_finished_test_refuses_answers(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    services.selftest_finish(user=user, test_id=test.pk)
    with pytest.raises(SelfTestClosed):
        answer(user, test, 1, [right_id(first_item(test))])
    assert first_item(test).chosen == []


# A timed choice is saved by one conditional UPDATE, checked against the test's cached answer
# sheet. Each refusal below comes after a first save, so the sheet is already cached.


def test_timed_choice_with_the_sheet_cached_is_one_query(user, topics, django_assert_num_queries):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    with django_assert_num_queries(1):
        saved = answer(user, test, 1, [right_id(item)])
    assert (saved.position, saved.answered) == (1, True)
    assert first_item(test).chosen == [right_id(item)]


def test_answer_sheet_holds_what_never_changes_and_is_cached(user, topics, django_assert_num_queries):
    test = new_test(user, topics, count=3, mode=SelfTest.Mode.TIMED)
    with django_assert_num_queries(1):
        sheet = selectors.answer_sheet(test_id=test.pk)
    assert (sheet.user_id, sheet.mode, sheet.deadline) == (user.pk, SelfTest.Mode.TIMED, test.deadline)
    for item in test.items.all():
        slot = sheet.slots[item.position]
        assert slot.item_id == item.pk
        assert list(slot.by_value.values()) == [c["id"] for c in item.snapshot["choices"]]  # in the order shown
    with django_assert_num_queries(0):
        assert selectors.answer_sheet(test_id=test.pk) == sheet
    assert selectors.answer_sheet(test_id=test.pk + 1000) is None


def test_a_new_test_never_meets_a_sheet_cached_under_its_id(user, topics):
    """A database recreated under a running cache: a stale sheet for the new test's id is dropped."""
    from django.core.cache import cache, caches
    from django.db.models.signals import post_save

    def leave_a_stale_sheet(sender, instance, created, **kwargs):
        stale = selectors.AnswerSheet(test_id=instance.pk, user_id=user.pk, mode="timed", deadline=None, slots={})
        for store in (cache, caches["local"]):
            store.set(f"selftest:{instance.pk}:sheet:v2", stale)

    post_save.connect(leave_a_stale_sheet, sender=SelfTest, dispatch_uid="stale-sheet")
    try:
        test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    finally:
        post_save.disconnect(dispatch_uid="stale-sheet", sender=SelfTest)
    item = first_item(test)
    assert selectors.answer_sheet(test_id=test.pk).slots[1].item_id == item.pk
    answer(user, test, 1, [right_id(item)])
    assert first_item(test).chosen == [right_id(item)]


def test_cached_sheet_lets_no_answer_into_a_finished_test(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    services.selftest_finish(user=user, test_id=test.pk)
    with pytest.raises(SelfTestClosed):
        answer(user, test, 1, [right_id(item)])
    item.refresh_from_db()
    assert (item.chosen, item.mark) == ([wrong_id(item)], 0)


def test_cached_sheet_lets_no_late_answer_in(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    with pytest.raises(DeadlinePassed):
        answer(user, test, 1, [right_id(item)], now=test.deadline + DEADLINE_GRACE + timedelta(seconds=1))
    assert first_item(test).chosen == [wrong_id(item)]


def test_cached_sheet_lets_no_other_trainee_or_other_choice_in(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    with pytest.raises(SelfTestItem.DoesNotExist):
        answer(UserFactory(), test, 1, [right_id(item)])
    with pytest.raises(InvalidAnswer):
        answer(user, test, 1, [right_id(first_item(test, 2))])
    with pytest.raises(SelfTestItem.DoesNotExist):
        answer(user, test, 6, [])
    assert first_item(test).chosen == [wrong_id(item)]


def test_cached_sheet_of_a_deleted_test_saves_nothing(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    SelfTest.objects.filter(pk=test.pk).delete()
    with pytest.raises(SelfTestItem.DoesNotExist):
        answer(user, test, 1, [right_id(item)])


@pytest.mark.django_db(transaction=True)
def test_answer_arriving_while_the_test_is_finished_waits_and_is_refused(user, topics):
    """A save that meets a finish still in its transaction waits for it, then stores nothing."""
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    outcome = {}

    def late_save():
        try:
            answer(user, test, 1, [right_id(item)])
        except SelfTestClosed:
            outcome["refused"] = True
        finally:
            connection.close()

    with transaction.atomic():
        services.selftest_finish(user=user, test_id=test.pk)
        saver = threading.Thread(target=late_save)
        saver.start()
        saver.join(timeout=0.5)
        assert saver.is_alive()  # held back by the finishing transaction
    saver.join(timeout=30)
    assert outcome == {"refused": True}
    item.refresh_from_db()
    assert (item.chosen, item.mark) == ([wrong_id(item)], 0)


def test_tutor_answer_is_marked_recorded_and_locked_at_once(user, topics):
    test = new_test(user, topics)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)])
    item.refresh_from_db()
    assert item.mark == 0
    progress = QuestionProgress.objects.get(user=user, question=item.question)
    assert (progress.times_seen, progress.times_correct, progress.last_correct) == (1, 0, False)
    assert progress.box == 1
    assert progress.due_at == item.answered_at + timedelta(days=1)
    with pytest.raises(AnswerLocked):
        answer(user, test, 1, [right_id(item)])
    answer(user, test, 1, [wrong_id(item)])  # the same answer again (a second tab): no change
    answer(user, test, 1, [])  # moving on from a locked question: no change
    progress.refresh_from_db()
    assert progress.times_seen == 1


def test_tutor_choice_saved_before_checking_is_kept_unmarked_and_can_change(user, topics):
    test = new_test(user, topics)
    item = first_item(test)
    saved = answer(user, test, 1, [wrong_id(item)], pending=True)
    assert (saved.answered, saved.pending) == (True, True)
    answer(user, test, 1, [right_id(item)], pending=True)  # a change of mind before checking
    item.refresh_from_db()
    assert (item.chosen, item.answered_at, item.mark) == ([right_id(item)], None, None)
    assert not QuestionProgress.objects.filter(user=user).exists()
    answer(user, test, 1, [right_id(item)])  # "Check answer"
    item.refresh_from_db()
    assert item.mark == 1 and item.answered_at is not None
    with pytest.raises(AnswerLocked):
        answer(user, test, 1, [wrong_id(item)], pending=True)
    assert QuestionProgress.objects.get(user=user, question=item.question).times_correct == 1


def test_tutor_choice_never_checked_is_marked_when_the_test_ends(user, topics):
    test = new_test(user, topics)
    item = first_item(test)
    answer(user, test, 1, [right_id(item)], pending=True)
    finished = services.selftest_finish(user=user, test_id=test.pk)
    item.refresh_from_db()
    assert item.mark == 1
    assert finished.score == Decimal(100) / len(test.items.all())  # 1 of the test's questions right
    assert QuestionProgress.objects.get(user=user, question=item.question).times_seen == 1


def test_tutor_choice_saved_before_checking_is_one_query_once_the_sheet_is_cached(
    user, topics, django_assert_num_queries
):
    test = new_test(user, topics)
    item = first_item(test)
    answer(user, test, 1, [wrong_id(item)], pending=True)
    with django_assert_num_queries(1):
        answer(user, test, 1, [right_id(item)], pending=True)


def test_flag_is_kept_on_the_item_and_in_progress(user, topics):
    test = new_test(user, topics, mode=SelfTest.Mode.TIMED)
    item = first_item(test)
    answer(user, test, 1, None, flagged=True)
    item.refresh_from_db()
    assert item.flagged
    assert QuestionProgress.objects.get(user=user, question=item.question).flagged
    answer(user, test, 1, None, flagged=False)
    assert not QuestionProgress.objects.get(user=user, question=item.question).flagged
