"""Saving a trainee's answer or flag: the most frequent write of the app.

A choice not marked yet (timed, or tutor before "Check answer") is one UPDATE whose own
condition refuses a marked question (`_save_open_choice`). Every other save runs in one
transaction that first locks the self-test row, so two tabs saving at once cannot interleave.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import raw_sql
from ..models import QuestionProgress, SelfTest, SelfTestItem
from ..rules import grading
from ..rules.taking import is_expired
from ..snapshots import snapshot_mark
from . import selectors
from .services import AnswerLocked, DeadlinePassed, InvalidAnswer, SelfTestClosed, SelfTestDiscarded, progress_answer


def _not_a_choice() -> InvalidAnswer:
    return InvalidAnswer(_("That answer is not one of this question's choices."))


def _check_answer(kind: str, shown: frozenset[int], chosen: frozenset[int]) -> None:
    if not chosen <= shown:
        raise _not_a_choice()
    if grading.too_many_chosen(kind, chosen):
        raise InvalidAnswer(_("Choose only one answer for this question."))


@dataclass(frozen=True)
class SavedAnswer:
    position: int
    answered: bool  # a choice is stored
    pending: bool = False  # tutor mode: and it is not checked yet


def selftest_answer(
    *,
    user,
    test_id: int,
    position: int,
    chosen: Iterable[int] | None = None,
    shown: Iterable[str] | None = None,
    flagged: bool | None = None,
    pending: bool = False,
    now: datetime | None = None,
) -> SavedAnswer:
    """Save one question's answer and/or its flag.

    The answer is `chosen` (choice ids) or `shown` (the values the page sent for the choices,
    see snapshots.shown_choices); None for both leaves it alone, and an empty one clears it.
    Raises SelfTestItem.DoesNotExist for someone else's test or a position the test does not
    have; SelfTestClosed, DeadlinePassed, InvalidAnswer or AnswerLocked when nothing may be
    stored. Timed tests keep the latest choice until the deadline and are marked at the end.
    Tutor tests mark an answer at once, record it in the trainee's progress and lock it;
    with `pending` (a choice saved as it is made, before "Check answer") the choice is only
    kept, and is marked when checked or when the test ends. A constant handful of queries,
    whatever the test's size.
    """
    now = now or timezone.now()
    sheet = selectors.answer_sheet(test_id=test_id)
    slot = sheet.slots.get(position) if sheet is not None else None
    if shown is not None:
        if slot is None:
            raise SelfTestItem.DoesNotExist
        chosen = _ids_of_shown(slot, shown)
    if chosen is not None and flagged is None and slot is not None:
        saved = _save_open_choice(
            user=user, sheet=sheet, slot=slot, position=position, picked=frozenset(chosen), pending=pending, now=now
        )
        if saved is not None:
            return saved
    return _save_locked(
        user=user, test_id=test_id, position=position, chosen=chosen, flagged=flagged, pending=pending, now=now
    )


def _ids_of_shown(slot: selectors.Slot, shown: Iterable[str]) -> frozenset[int]:
    try:
        return frozenset(slot.by_value[value] for value in shown)
    except KeyError:
        raise _not_a_choice() from None


def _save_open_choice(
    *, user, sheet: selectors.AnswerSheet, slot: selectors.Slot, position: int, picked, pending, now
) -> SavedAnswer | None:
    """The most frequent save, a choice not marked yet (timed, or tutor before "Check answer"):
    one UPDATE, and no transaction.

    What it checks first never changes once the test is made (its owner, mode, deadline and
    the choices shown), so it comes from the cached answer sheet. The one thing that does
    change, the question being marked (when checked, or when the test is finished), is the
    UPDATE's own condition: finishing marks every item with their rows locked, so an answer
    lands either before the marking (and counts) or after it (and changes nothing). None when
    this path does not apply or stored nothing: the caller then takes the locked path, which
    says why.
    """
    timed = sheet.mode == SelfTest.Mode.TIMED
    if sheet.user_id != user.pk or not (timed or pending) or is_expired(sheet.deadline, now):
        return None
    try:
        _check_answer(slot.kind, frozenset(slot.by_value.values()), picked)
    except InvalidAnswer:
        return None
    answered_at = (now if picked else None) if timed else KEEP
    if not _update_open_item(
        item_id=slot.item_id, test_id=sheet.test_id, chosen=sorted(picked), answered_at=answered_at
    ):
        return None
    return SavedAnswer(position=position, answered=bool(picked), pending=not timed and bool(picked))


KEEP = object()  # leave answered_at as it is (tutor mode: set when checked)


def _update_open_item(*, item_id: int, test_id: int, chosen: list[int], answered_at) -> int:
    """Store a choice on an item not marked yet, unless it is already that choice (an unchanged
    answer saved again keeps its time) or the test was discarded: one UPDATE; the rows changed.

    Both checks are on the row itself or an EXISTS, never a join: with a join PostgreSQL, after
    waiting for a finish that marked the row, would re-check only the outer WHERE, and
    `mark IS NULL` must be re-checked. A discard commits before or after it.
    """
    timed = answered_at is not KEEP

    def build(column, quote):
        items, tests = quote(SelfTestItem._meta.db_table), quote(SelfTest._meta.db_table)
        test_id, abandoned_at = (quote(SelfTest._meta.get_field(name).column) for name in ("id", "abandoned_at"))
        answered = f", {column('answered_at')} = %s" if timed else ""
        return (
            f"UPDATE {items} SET {column('chosen')} = %s{answered} "  # noqa: S608 - quoted names from the model; values are parameters
            f"WHERE {column('id')} = %s AND {column('test')} = %s AND {column('mark')} IS NULL "
            f"AND NOT ({column('chosen')} = %s) AND NOT EXISTS (SELECT 1 FROM {tests} "
            f"WHERE {tests}.{test_id} = {items}.{column('test')} AND {tests}.{abandoned_at} IS NOT NULL)"
        )

    answered = [("answered_at", answered_at)] if timed else []
    values = [("chosen", chosen), *answered, item_id, test_id, ("chosen", chosen)]
    return raw_sql.update_rows(SelfTestItem, "open-item-timed" if timed else "open-item", build, values)


@transaction.atomic
def _save_locked(
    *, user, test_id: int, position: int, chosen, flagged: bool | None, pending: bool, now: datetime
) -> SavedAnswer:
    """Any save, in a transaction that first locks the test's row (two tabs saving at once)."""
    item = (
        SelfTestItem.objects.select_related("test")
        .select_for_update(of=("test",))
        .get(test_id=test_id, test__user=user, position=position)
    )
    test = item.test
    if test.is_finished:
        raise SelfTestClosed(_("This test is finished: its answers can no longer change."))
    if test.is_abandoned:
        raise SelfTestDiscarded
    if is_expired(test.deadline, now):
        raise DeadlinePassed(
            _("Time was up at %(time)s: this answer arrived too late and was not counted.")
            % {"time": timezone.localtime(test.deadline).strftime("%H:%M:%S")}
        )
    fields: list[str] = []
    if chosen is not None:
        picked = frozenset(chosen)
        snapshot = item.snapshot
        _check_answer(snapshot["kind"], frozenset(c["id"] for c in snapshot["choices"]), picked)
        if test.mode == SelfTest.Mode.TUTOR:
            if item.answered_at is not None:
                if picked and picked != frozenset(item.chosen):
                    raise AnswerLocked(_("You have already answered this question; its answer is locked."))
            elif picked and not pending:
                item.chosen, item.answered_at = sorted(picked), now
                item.mark = snapshot_mark(snapshot, picked)
                fields += ["chosen", "answered_at", "mark"]
            elif picked != frozenset(item.chosen):  # kept until checked, or cleared
                item.chosen = sorted(picked)
                fields.append("chosen")
        elif picked != frozenset(item.chosen):
            item.chosen = sorted(picked)
            item.answered_at = now if picked else None
            fields += ["chosen", "answered_at"]
    if flagged is not None and flagged != item.flagged:
        item.flagged = flagged
        fields.append("flagged")
    if fields:
        item.save(update_fields=fields)
        _progress_touch(user=user, item=item, now=now, answered="mark" in fields, flag="flagged" in fields)
    checked = test.mode == SelfTest.Mode.TIMED or item.answered_at is not None
    return SavedAnswer(position=item.position, answered=bool(item.chosen), pending=bool(item.chosen) and not checked)


def _progress_touch(*, user, item: SelfTestItem, now: datetime, answered: bool, flag: bool) -> None:
    """Record a tutor answer and/or a flag change in the trainee's progress for that question."""
    if item.question_id is None or not (answered or flag):
        return
    progress, _created = QuestionProgress.objects.select_for_update().get_or_create(
        user=user, question_id=item.question_id
    )
    if answered:
        progress_answer(progress, correct=item.mark >= grading.ONE, now=now)
    if flag:
        progress.flagged = item.flagged
    progress.save()
