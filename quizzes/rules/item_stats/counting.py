"""Streamed response rows counted by distinct value, without one Python object per attempt kept.

`count_responses` is the fast way in for a database stream of a million rows: it groups the
rows of each attempt (they arrive in attempt order), takes the attempt's total, and counts
(question, mark, response, total) and (total, possible) keys. The per-row work stays in C
(`groupby`, `map`, `Counter.update`); Python runs once per attempt, and a chosen-ids JSON text
is parsed once per distinct text, at the end. `ItemStatsAccumulator.add_counts` and
`ScoreHistogram.add_counts` take the result, with the same statistics as feeding each attempt
to `add_attempt` (`attempts_from_responses`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby, repeat
from math import fsum, isfinite
from operator import itemgetter

from quizzes.rules.item_stats.inputs import QuestionInfo

_attempt = itemgetter(0)
_question = itemgetter(1)
_mark = itemgetter(2)
_chosen = itemgetter(3)

Chosen = str | tuple[int, ...] | None  # a JSON array text as stored, the ids, or nothing picked


@dataclass
class ResponseCounts:
    """What the statistics need of many attempts, keyed by distinct values.

    `responses`: (question position, mark, chosen ids, attempt total) -> count, over the
    questions each attempt showed. `attempts`: (total of marks, max marks of the questions
    shown) -> count, one per attempt. Marks are fractions times the question's max mark.
    """

    responses: Counter[tuple[int, float, tuple[int, ...], float]] = field(default_factory=Counter)
    attempts: Counter[tuple[float, float]] = field(default_factory=Counter)


def _ids(chosen: Chosen) -> tuple[int, ...]:
    if isinstance(chosen, str):
        return tuple(json.loads(chosen))
    return tuple(chosen or ())


def count_responses(
    rows: Iterable[tuple[Hashable, int | None, float | None, Chosen]], questions: Sequence[QuestionInfo]
) -> ResponseCounts:
    """Count streamed (attempt key, question id, mark fraction, chosen) rows by distinct value.

    The rows and their meaning are those of `attempts_from_responses`: each attempt's rows are
    consecutive; a question not in `questions` (deleted since) is skipped, its attempt still
    counts; a shown question without a mark counts 0; if an attempt lists a question twice,
    its last row counts. `chosen` is a JSON array text (as the database keeps it), the ids, or
    None.
    """
    position = {q.question_id: i for i, q in enumerate(questions)}
    max_marks = [float(q.max_mark) for q in questions]
    unit = all(m == 1.0 for m in max_marks)
    known = position.keys()
    # Keyed by question id and chosen as it came (a text, usually): converted once per key.
    raw: Counter[tuple[int, float, Chosen, float]] = Counter()
    attempts: Counter[tuple[float, float]] = Counter()
    for _key, group in groupby(rows, key=_attempt):
        rows_of = list(group)
        ids = list(map(_question, rows_of))
        marks = list(map(_mark, rows_of))
        if unit and None not in marks and known >= set(ids) and len(set(ids)) == len(ids):
            total = fsum(marks)  # the common case: every row counts as it is
            chosen = map(_chosen, rows_of)
            possible = float(len(ids))
        else:
            last = {q: (_mark_of(m, max_marks[position[q]]), c) for q, m, c in _shown(rows_of, known)}
            ids = list(last)
            marks = [m for m, _c in last.values()]
            chosen = (c for _m, c in last.values())
            total = fsum(marks)
            possible = fsum(max_marks[position[q]] for q in ids)
        if not isfinite(total):
            raise ValueError("fractions must be finite numbers")
        attempts[total, possible] += 1
        raw.update(zip(ids, marks, chosen, repeat(total)))
    counts = ResponseCounts(attempts=attempts)
    parsed: dict[Chosen, tuple[int, ...]] = {}
    for (question_id, mark, chosen, total), n in raw.items():
        picked = parsed.get(chosen)
        if picked is None:
            picked = parsed[chosen] = _ids(chosen)
        counts.responses[position[question_id], float(mark), picked, total] += n
    return counts


def _mark_of(fraction: float | None, max_mark: float) -> float:
    return 0.0 if fraction is None else float(fraction) * max_mark


def _shown(rows: list[tuple], known: Collection[int]) -> Iterable[tuple[int, float | None, Chosen]]:
    for _a, question_id, mark, chosen in rows:
        if question_id in known:
            yield question_id, mark, chosen
