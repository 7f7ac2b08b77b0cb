"""What the statistics take in: the questions, and attempts grouped from streamed response rows."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from math import fsum
from operator import itemgetter
from typing import NamedTuple

_RANDOM_GUESS_TRUEFALSE = 0.5
_FLOAT_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class ChoiceInfo:
    """One choice of a question: its id and the fraction of the question's mark it earns."""

    choice_id: int
    fraction: float | Decimal


@dataclass(frozen=True)
class QuestionInfo:
    """What the statistics need of one question, in quiz order.

    `kind` is "single", "multiple" or "truefalse" (the grading kinds); it and the choices'
    fractions give the random guess score. Choices are listed in the order to report them.
    """

    question_id: int
    name: str
    kind: str = "single"
    max_mark: float | Decimal = 1.0
    choices: tuple[ChoiceInfo, ...] = ()

    @property
    def random_guess(self) -> float | None:
        """Moodle's random guess score for this question, as a fraction (see random_guess_score)."""
        return random_guess_score(self.kind, [c.fraction for c in self.choices])


class AttemptRow(NamedTuple):
    """One attempt, in question order: each question's fraction (None: not shown) and chosen ids."""

    fractions: Sequence[float | None]
    chosen: Sequence[Collection[int] | None] | None = None


def random_guess_score(kind: str, fractions: Sequence[float | Decimal]) -> float | None:
    """The mark fraction a learner would expect by guessing, as Moodle's question types give it.

    True/false: 0.5. Single answer: the mean of the choices' fractions (1/n with one right
    choice among n). Multiple answers: None, since Moodle does not estimate it ("pretty much
    impossible to compute"); likewise a question without choices or of an unknown kind.
    """
    if kind == "truefalse":
        return _RANDOM_GUESS_TRUEFALSE
    if kind == "single" and fractions:
        return fsum(float(f) for f in fractions) / len(fractions)
    return None


def attempts_from_responses(
    rows: Iterable[tuple[Hashable, int | None, float | Decimal | None, Collection[int] | None]],
    question_ids: Sequence[int],
) -> Iterator[AttemptRow]:
    """Group streamed response rows into attempt rows for the accumulator.

    `rows` are (attempt key, question id, mark fraction, chosen choice ids), ordered so that
    each attempt's rows are consecutive (order by attempt). A question of `question_ids` that an
    attempt did not show is None in its row; a shown question without a mark counts as 0, as in
    Moodle. Rows for questions not in `question_ids` (deleted since) are skipped.
    """
    index: dict[int | None, int] = {qid: i for i, qid in enumerate(question_ids)}
    size = len(question_ids)
    # Marks take few distinct values, and Decimal to float goes through a string: remember them.
    as_float: dict[float | Decimal | None, float] = {None: 0.0}
    for _key, group in groupby(rows, key=itemgetter(0)):
        fractions: list[float | None] = [None] * size
        chosen: list[Collection[int] | None] = [None] * size
        for _attempt, question_id, mark, picked in group:
            i = index.get(question_id)
            if i is None:
                continue
            fraction = as_float.get(mark)
            if fraction is None:
                fraction = float(mark)  # type: ignore[arg-type]  # None is in the table
                if len(as_float) < _FLOAT_CACHE_SIZE:
                    as_float[mark] = fraction
            fractions[i] = fraction
            chosen[i] = picked
        yield AttemptRow(fractions, chosen)
