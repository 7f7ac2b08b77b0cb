"""Saving a quiz answer as it is chosen, before the learner submits (the page's script sends it).

Nothing is graded here: the attempt's Response rows keep the choice (`chosen`) until the
submission grades them. What a save checks first (whose attempt it is, the choices each
question showed) never changes once the attempt starts, so it comes from a cached answer
sheet; the one thing that does change, whether the attempt is still open, is the UPDATE's own
condition: a submitted attempt's rows hold their marks, and a save only writes a row with none.
So a save is one UPDATE per question it carries, and no transaction; a save that meets a
submission grading the same rows waits for it, then changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .. import cache, raw_sql
from ..models import Attempt, Response
from ..rules import grading
from ..snapshots import choice_ids_by_value


class InvalidAnswer(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AttemptClosed(Exception):
    """The attempt was submitted (or started afresh) since the page was opened."""


@dataclass(frozen=True)
class Slot:
    kind: str
    by_value: dict[str, int]  # what the page sends for each choice (snapshots.shown_choices) -> its id


@dataclass(frozen=True)
class AttemptSheet:
    attempt_id: int
    user_id: int
    slug: str
    slots: dict[int, Slot]


def attempt_sheet(*, attempt_id: int) -> AttemptSheet | None:
    """The attempt's answer sheet, from the caches or in one query; None for no such attempt."""
    return cache.attempt_sheet_get(attempt_id, lambda: _read_sheet(attempt_id))


def _read_sheet(attempt_id: int) -> AttemptSheet | None:
    rows = list(
        Response.objects.filter(attempt_id=attempt_id).values_list(
            "attempt__user_id", "attempt__quiz__slug", "position", "snapshot__kind", "snapshot__choices"
        )
    )
    if not rows:
        return None
    user_id, slug = rows[0][:2]
    slots = {position: Slot(kind=kind, by_value=choice_ids_by_value(choices)) for *_a, position, kind, choices in rows}
    return AttemptSheet(attempt_id=attempt_id, user_id=user_id, slug=slug, slots=slots)


def _chosen(slot: Slot | None, shown: Iterable[str]) -> list[int]:
    values = {value for value in shown if value != ""}  # "" only says the question was sent
    if slot is None or not values <= slot.by_value.keys():
        raise InvalidAnswer(_("That answer is not one of this question's choices."))
    if grading.too_many_chosen(slot.kind, values):
        raise InvalidAnswer(_("Choose only one answer for this question."))
    return sorted(slot.by_value[value] for value in values)


def attempt_answers_save(*, user, attempt_id: int, shown: Mapping[int, Iterable[str]]) -> list[int]:
    """Keep the learner's current choices for the questions in `shown` (position -> the values
    the page sent; none clears the question). Returns the positions saved.

    Raises Attempt.DoesNotExist for someone else's attempt or none, InvalidAnswer for a value
    the question did not show (nothing is saved then), AttemptClosed once it was submitted.
    """
    sheet = attempt_sheet(attempt_id=attempt_id)
    if sheet is None or sheet.user_id != user.pk:
        raise Attempt.DoesNotExist
    chosen = {position: _chosen(sheet.slots.get(position), values) for position, values in shown.items()}
    for position, ids in chosen.items():
        # A submitted attempt's rows carry their mark, and the UPDATE refuses a marked row.
        if not _update_open_response(attempt_id=attempt_id, position=position, chosen=ids):
            raise AttemptClosed
    if chosen:
        # The cached page shows nothing ticked: the next load must show these.
        cache.forget_learner_page(user_id=user.pk, slug=sheet.slug)
    return sorted(chosen)


def _update_open_response(*, attempt_id: int, position: int, chosen: list[int]) -> int:
    """Store a choice on a question of an attempt not submitted yet: one UPDATE whose condition
    is on the row itself (PostgreSQL, after waiting for a submission that graded the row,
    re-checks it); the rows changed."""

    def build(column, quote):
        return (
            f"UPDATE {quote(Response._meta.db_table)} SET {column('chosen')} = %s "  # noqa: S608 - quoted names from the model; values are parameters
            f"WHERE {column('attempt')} = %s AND {column('position')} = %s AND {column('mark')} IS NULL"
        )

    return raw_sql.update_rows(Response, "open-response", build, [("chosen", chosen), attempt_id, position])
