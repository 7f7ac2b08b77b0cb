"""Item analysis as Moodle's quiz statistics report computes it: plain data in, plain data out.

The definitions follow Moodle's "Quiz statistics calculations" documentation and the code that
implements it: `mod/quiz/report/statistics/classes/calculator.php` (test statistics),
`question/classes/statistics/questions/calculator.php` (question statistics),
`mod/quiz/report/statistics/classes/calculated.php` and `statistics_table.php` (which unit each
number is shown in), `statistics_question_table.php` (response frequencies) and each question
type's `get_random_guess_score()`.

Vocabulary, as in Moodle:

* A question's *mark* in an attempt is its fraction (0..1 in this app) times its max mark. An
  attempt's *total* T is the sum of the marks of the questions it showed; the quiz's *max total*
  is the sum of all max marks (Moodle's `quiz.sumgrades`).
* A question's statistics use only the attempts that showed it (`None` in a row: not shown).
  A question that was shown but left unanswered has mark 0 and counts, as in Moodle.
* Variances and covariances are sample ones (denominator S - 1). "Rest of the test" for a
  question is O = T - x, its mark taken out of the total.

Units follow what Moodle shows: the test's mean, median, standard deviation and standard error
are percentages of the max total; skewness and kurtosis are plain numbers; the coefficient of
internal consistency and the error ratio are percentages. Facility, a question's standard
deviation (of its mark over its max mark), random guess score, intended and effective weight,
discrimination index and discriminative efficiency are percentages; so are a choice's share of
the attempts at its question and the mean total of those who chose it. A statistic that is
undefined (too few attempts, zero variance) is `None`, never a division error.

Streaming and memory: `ItemStatsAccumulator` takes one attempt at a time and never holds the
attempts. It keeps counts keyed by distinct values: per question, (mark, response, total),
where a response is the tuple of choice ids picked; and the totals.
That is all Moodle's statistics need, without a second pass over the responses: means, centred
sums and covariances come from the counts, the median from the totals' counts, and the
discriminative efficiency (which pairs the sorted marks with the sorted rest-of-test marks)
from the sorted distinct values. Memory is therefore proportional to the number of distinct
values, not of responses: with marks that are sums of choice fractions (this app) it stays
under a few MB for a million responses; in the worst case, every total different, it is about
200 bytes per response.

Precision: an attempt's total is `math.fsum` of its marks (correctly rounded, so it does not
depend on question order). At the end every sum is a `math.fsum` over the distinct values, and
moments are centred on the mean first (two passes over the counts, not over the responses), so
nothing is lost to cancellation between large raw power sums; results carry about 1e-12
relative error from the float inputs. Because marks arrive as binary floats, equal totals made
of different marks can differ in the last bit; a variance smaller than (1e-12 x max total)^2
is therefore taken as zero, and so is a covariance with the total whose correlation is under
1e-12 (the effective weight takes its square root, which would magnify the noise).

Where this departs from Moodle, on purpose: a question no counted attempt showed has facility
None (Moodle divides a zero sum and shows 0%); a question shown in a single attempt has no
effective weight (Moodle adds the square root of its null covariance as 0). The number of
questions p in the coefficient of internal consistency is every question of the quiz, as
Moodle counts slots. A choice's share is of the attempts that showed its question (Moodle's
response "frequency"); the mean total of those who chose it is not in Moodle's report.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import accumulate, compress, groupby, repeat
from math import fsum, isfinite, sqrt
from operator import itemgetter, mul, sub
from typing import Any, NamedTuple

# Relative size (to the max total) under which a spread is float noise, not data.
ZERO_TOLERANCE = 1e-12

_RANDOM_GUESS_TRUEFALSE = 0.5
_FLOAT_CACHE_SIZE = 10_000


# Input ------------------------------------------------------------------------------------------


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


# Results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizStats:
    """Test statistics. Percentages of the max total unless said otherwise; None when undefined."""

    attempts: int
    max_total: float  # sum of the questions' max marks, in marks
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None  # plain number
    kurtosis: float | None  # plain number (excess kurtosis: 0 for a normal distribution)
    cic: float | None  # coefficient of internal consistency (Cronbach's alpha), in percent
    error_ratio: float | None  # in percent
    standard_error: float | None


@dataclass(frozen=True)
class ChoiceStats:
    """How often one choice was picked; percentages, None when undefined."""

    choice_id: int
    credit: float | None  # the choice's fraction in percent; None for a choice not in the question
    count: int
    share: float | None  # of the attempts that showed the question
    mean_total: float | None  # mean total of those who chose it, in percent of the max total


@dataclass(frozen=True)
class QuestionStats:
    """Question statistics, all percentages; None when undefined."""

    question_id: int
    name: str
    attempts: int  # attempts that showed the question
    facility: float | None
    sd: float | None  # of the mark, over the max mark
    random_guess: float | None
    intended_weight: float | None
    effective_weight: float | None
    discrimination: float | None  # correlation of the mark with the rest of the test
    discriminative_efficiency: float | None
    negative_covariance: bool  # the mark varies against the total: no effective weight
    choices: tuple[ChoiceStats, ...] = field(default=())


@dataclass(frozen=True)
class ItemStats:
    """The whole report: test statistics and one entry per question, in quiz order."""

    quiz: QuizStats
    questions: tuple[QuestionStats, ...]


# Accumulation -----------------------------------------------------------------------------------


class ItemStatsAccumulator:
    """Feed attempts one by one with `add_attempt`, then read `result()`.

    Holds counts keyed by distinct (question, mark, response, total) values, never the
    attempts themselves; `result()` may be called at any time and does not reset.
    """

    def __init__(self, questions: Sequence[QuestionInfo]) -> None:
        self._questions = tuple(questions)
        ids = [q.question_id for q in self._questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        self._max_marks = tuple(float(q.max_mark) for q in self._questions)
        self._unit_marks = all(m == 1.0 for m in self._max_marks)
        self._positions = range(len(self._questions))
        self._attempts = 0
        self._totals: dict[float, int] = {}
        # (question position, mark, response, total) -> count, where a response is the tuple of
        # choice ids picked (empty when none were or none were given). Counter.update counts an
        # iterable in C: one call per attempt, no Python loop per response.
        self._counts: Counter[tuple[int, float, tuple[int, ...], float]] = Counter()

    def add_attempt(
        self,
        fractions: Sequence[float | Decimal | None],
        chosen: Sequence[Collection[int] | None] | None = None,
    ) -> None:
        """Count one attempt: each question's mark fraction in quiz order (None: not shown).

        `chosen`, when given, lists the choice ids picked for each question (None or empty:
        nothing picked); picks for a question the attempt did not show are ignored.
        """
        if len(fractions) != len(self._max_marks):
            raise ValueError(f"expected {len(self._max_marks)} fractions, got {len(fractions)}")
        if chosen is not None and len(chosen) != len(fractions):
            raise ValueError(f"expected {len(fractions)} lists of chosen ids, got {len(chosen)}")
        if self._unit_marks:
            marks = [None if f is None else float(f) for f in fractions]
        else:
            marks = [None if f is None else float(f) * m for f, m in zip(fractions, self._max_marks, strict=True)]
        total = fsum(filter(None, marks))
        if not isfinite(total):
            raise ValueError("fractions must be finite numbers")
        self._attempts += 1
        self._totals[total] = self._totals.get(total, 0) + 1
        responses: Iterable[tuple[int, ...]]
        if chosen is None:
            responses = repeat(())
        elif None in chosen:
            responses = [() if ids is None else tuple(ids) for ids in chosen]
        else:
            responses = map(tuple, chosen)
        if None in marks:
            shown = zip(self._positions, marks, responses, strict=False)  # responses may be an endless repeat
            self._counts.update((i, x, response, total) for i, x, response in shown if x is not None)
        else:
            self._counts.update(zip(self._positions, marks, responses, repeat(total)))

    def result(self) -> ItemStats:
        """The statistics of the attempts added so far."""
        max_total = fsum(self._max_marks)
        scale = max_total if max_total > 0 else 1.0
        tolerance = (ZERO_TOLERANCE * scale) ** 2

        columns = _Columns(self._counts)
        moments = [_question_moments(*columns.of_question(i), tolerance) for i in self._positions]

        roots = fsum(sqrt(m.cov_total) for m in moments if m.cov_total is not None and m.cov_total >= 0)
        picks = _choice_picks(columns, len(self._questions))
        questions = tuple(
            _question_stats(question, max_mark, m, max_total, roots, picks[i])
            for i, (question, max_mark, m) in enumerate(zip(self._questions, self._max_marks, moments, strict=True))
        )
        sum_of_mark_variance = fsum(m.variance for m in moments if m.variance is not None)
        quiz = _quiz_stats(
            self._totals, self._attempts, max_total, len(self._questions), sum_of_mark_variance, tolerance
        )
        return ItemStats(quiz=quiz, questions=questions)


def item_stats(questions: Sequence[QuestionInfo], attempts: Iterable[AttemptRow]) -> ItemStats:
    """All statistics in one call: `attempts` is streamed through an ItemStatsAccumulator."""
    accumulator = ItemStatsAccumulator(questions)
    for row in attempts:
        accumulator.add_attempt(row.fractions, row.chosen)
    return accumulator.result()


# Finishing --------------------------------------------------------------------------------------


class _Moments(NamedTuple):
    attempts: int
    mean: float | None  # of the mark
    variance: float | None  # of the mark
    cov_total: float | None  # mark with total
    discrimination: float | None  # in percent
    discriminative_efficiency: float | None  # in percent


class _Columns:
    """The accumulated counts as columns, grouped by question.

    Sorting indexes by question and slicing keeps the work in C, which matters when every
    total is different and there is one entry per response.
    """

    def __init__(self, counts: Counter[tuple[int, float, tuple[int, ...], float]]) -> None:
        keys = list(counts)
        self.counts = list(counts.values())
        self.positions = list(map(itemgetter(0), keys))
        self.marks = list(map(itemgetter(1), keys))
        self.responses = list(map(itemgetter(2), keys))
        self.totals = list(map(itemgetter(3), keys))
        self._order = sorted(range(len(keys)), key=self.positions.__getitem__)
        self._ordered = list(map(self.positions.__getitem__, self._order))

    def of_question(self, i: int) -> tuple[list[float], list[float], list[int]]:
        """Marks, totals and counts of question i's entries (a (mark, total) pair may repeat)."""
        part = self._order[bisect_left(self._ordered, i) : bisect_right(self._ordered, i)]
        return (
            list(map(self.marks.__getitem__, part)),
            list(map(self.totals.__getitem__, part)),
            list(map(self.counts.__getitem__, part)),
        )


def _choice_picks(columns: _Columns, size: int) -> list[dict[int, tuple[int, float]]]:
    """Per question: choice id -> (times picked, sum of the pickers' totals)."""
    counts: dict[tuple[int, int], int] = {}
    sums: dict[tuple[int, int], list[float]] = {}
    entries = zip(columns.positions, columns.responses, columns.totals, columns.counts, strict=True)
    for i, response, t, count in compress(entries, columns.responses):
        for choice_id in set(response):  # a choice named twice in one response counts once
            key = (i, choice_id)
            counts[key] = counts.get(key, 0) + count
            sums.setdefault(key, []).append(t * count)
    picks: list[dict[int, tuple[int, float]]] = [{} for _ in range(size)]
    for (i, choice_id), count in counts.items():
        picks[i][choice_id] = (count, fsum(sums[i, choice_id]))
    return picks


def _weighted_mean(values: Sequence[float], counts: Sequence[int], n: int) -> float:
    """Mean of values repeated counts times; kept within their range so a constant has 0 spread."""
    mean = fsum(map(mul, values, counts)) / n
    return min(max(mean, min(values)), max(values))


def _deviations(values: Iterable[float], mean: float) -> list[float]:
    return list(map(sub, values, repeat(mean)))


def _weighted_products(a: Iterable[float], b: Iterable[float], counts: Iterable[int]) -> float:
    """Sum of count * a * b, summed with fsum."""
    return fsum(map(mul, map(mul, a, b), counts))


def _snap(value: float, tolerance: float) -> float:
    return 0.0 if abs(value) <= tolerance else value


def _question_moments(xs: list[float], ts: list[float], cs: list[int], tolerance: float) -> _Moments:
    """One question's moments from its (mark x, total t) pairs and their counts.

    The rest of the test is o = t - x. Everything is centred on its mean before being summed.
    """
    n = sum(cs)
    if n == 0:
        return _Moments(0, None, None, None, None, None)
    mean_x = _weighted_mean(xs, cs, n)
    if n < 2:
        return _Moments(n, mean_x, None, None, None, None)
    os = list(map(sub, ts, xs))
    dx = _deviations(xs, mean_x)
    do = _deviations(os, _weighted_mean(os, cs, n))
    dt = _deviations(ts, _weighted_mean(ts, cs, n))
    denominator = n - 1
    var_x = _snap(_weighted_products(dx, dx, cs) / denominator, tolerance)
    var_o = _snap(_weighted_products(do, do, cs) / denominator, tolerance)
    cov_xo = _weighted_products(dx, do, cs) / denominator
    var_t = _weighted_products(dt, dt, cs) / denominator
    cov_xt = _weighted_products(dx, dt, cs) / denominator
    if abs(cov_xt) <= ZERO_TOLERANCE * sqrt(var_x * var_t):
        # An exactly zero covariance comes out as float noise of either sign; taken as it is,
        # it would hide the effective weight (negative) or, through the square root, shift the
        # other questions' weights.
        cov_xt = 0.0
    cov_max = _snap(_sorted_pairing(dx, do, cs) / denominator, tolerance)
    discrimination = 100 * cov_xo / sqrt(var_x * var_o) if var_x and var_o else None
    efficiency = 100 * cov_xo / cov_max if cov_max else None
    return _Moments(n, mean_x, var_x, cov_xt, discrimination, efficiency)


def _sorted_pairing(dx: list[float], do: list[float], counts: list[int]) -> float:
    """Sum of products of deviations when the sorted marks are paired with the sorted rests.

    This is Moodle's `covariancemaxsum`: the largest covariance the question could have with
    the rest of the test, given both distributions. Both sides are runs of equal values (a
    value and its count); the n sorted positions split into segments wherever a run of either
    side ends, and each segment adds its length times the product of its two values.
    """
    if max(counts) == 1:  # every (mark, total) pair seen once: the plain sorted lists pair up
        return fsum(map(mul, sorted(dx), sorted(do)))
    xs, x_ends = _runs(dx, counts)
    os, o_ends = _runs(do, counts)
    ends = sorted(set(x_ends).union(o_ends))
    starts = [0, *ends[:-1]]
    x_values = map(xs.__getitem__, map(bisect_right, repeat(x_ends), starts))
    o_values = map(os.__getitem__, map(bisect_right, repeat(o_ends), starts))
    return fsum(map(mul, map(mul, x_values, o_values), map(sub, ends, starts)))


def _runs(values: list[float], counts: list[int]) -> tuple[list[float], list[int]]:
    """Values in increasing order, with the position (in the expanded sorted list) where each run ends."""
    order = sorted(range(len(values)), key=values.__getitem__)
    return list(map(values.__getitem__, order)), list(accumulate(map(counts.__getitem__, order)))


def _percent_of(value: float | None, whole: float) -> float | None:
    if value is None or whole == 0:
        return None
    return 100 * value / whole


def _question_stats(
    question: QuestionInfo,
    max_mark: float,
    m: _Moments,
    max_total: float,
    sum_of_roots: float,
    picks: dict[int, tuple[int, float]],
) -> QuestionStats:
    negative = m.cov_total is not None and m.cov_total < 0
    if m.cov_total is None or negative or not sum_of_roots:
        effective_weight = None
    else:
        effective_weight = 100 * sqrt(m.cov_total) / sum_of_roots
    sd = None if m.variance is None else sqrt(m.variance)
    guess = question.random_guess
    return QuestionStats(
        question_id=question.question_id,
        name=question.name,
        attempts=m.attempts,
        facility=_percent_of(m.mean, max_mark),
        sd=_percent_of(sd, max_mark),
        random_guess=None if guess is None else 100 * guess,
        intended_weight=_percent_of(max_mark, max_total),
        effective_weight=effective_weight,
        discrimination=m.discrimination,
        discriminative_efficiency=m.discriminative_efficiency,
        negative_covariance=negative,
        choices=_choice_stats(question, m.attempts, max_total, picks),
    )


def _choice_stats(
    question: QuestionInfo, attempts: int, max_total: float, picks: dict[int, tuple[int, float]]
) -> tuple[ChoiceStats, ...]:
    credits: dict[int, float | None] = {c.choice_id: 100 * float(c.fraction) for c in question.choices}
    for choice_id in sorted(picks.keys() - credits.keys()):
        credits[choice_id] = None  # picked, but no longer a choice of the question
    stats = []
    for choice_id, credit in credits.items():
        count, sum_of_totals = picks.get(choice_id, (0, 0.0))
        mean_total = sum_of_totals / count if count else None
        stats.append(
            ChoiceStats(
                choice_id=choice_id,
                credit=credit,
                count=count,
                share=100 * count / attempts if attempts else None,
                mean_total=_percent_of(mean_total, max_total),
            )
        )
    return tuple(stats)


def _median(values: list[float], counts: list[int], n: int) -> float:
    """Moodle's median: the middle total, or the mean of the two middle ones for an even count."""
    order = sorted(range(len(values)), key=values.__getitem__)
    running = list(accumulate(map(counts.__getitem__, order)))

    def at(position: int) -> float:  # the total at 0-based position in the sorted attempts
        return values[order[bisect_right(running, position)]]

    return (at((n - 1) // 2) + at(n // 2)) / 2


def _quiz_stats(
    totals: dict[float, int], n: int, max_total: float, p: int, sum_of_mark_variance: float, tolerance: float
) -> QuizStats:
    """Moodle's test statistics (quiz_statistics\\calculator::calculate), in the units it shows."""
    mean = median = sd = skewness = kurtosis = cic = error_ratio = standard_error = None
    values, counts = list(totals), list(totals.values())
    if n:
        mean = _weighted_mean(values, counts, n)
        median = _median(values, counts, n)
    if n > 1 and mean is not None:
        d = _deviations(values, mean)
        d2 = list(map(mul, d, d))
        power2 = fsum(map(mul, d2, counts))
        k2 = _snap(power2 / (n - 1), tolerance)
        sd = sqrt(k2)
        if n > 2 and k2:
            m2 = power2 / n
            m3 = _weighted_products(d2, d, counts) / n
            k3 = n * n * m3 / ((n - 1) * (n - 2))
            skewness = k3 / k2**1.5
            if n > 3:
                m4 = _weighted_products(d2, d2, counts) / n
                k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
                kurtosis = k4 / (k2 * k2)
            if p > 1:
                cic = (100 * p / (p - 1)) * (1 - sum_of_mark_variance / k2)
                if 100 < cic <= 100 * (1 + ZERO_TOLERANCE):
                    cic = 100.0  # exactly consistent, give or take the last bit
                # Above 100 (possible only when questions were left out of some attempts) the
                # error ratio would be the square root of a negative number: Moodle stores null.
                if cic <= 100:
                    error_ratio = 100 * sqrt(1 - cic / 100)
                    standard_error = error_ratio * sd / 100
    return QuizStats(
        attempts=n,
        max_total=max_total,
        mean=_percent_of(mean, max_total),
        median=_percent_of(median, max_total),
        sd=_percent_of(sd, max_total),
        skewness=skewness,
        kurtosis=kurtosis,
        cic=cic,
        error_ratio=error_ratio,
        standard_error=_percent_of(standard_error, max_total),
    )


# Flags ------------------------------------------------------------------------------------------


class FlagKind(StrEnum):
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    REVIEW = "review"
    WEAK_DISCRIMINATION = "weak_discrimination"
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    NON_FUNCTIONING_DISTRACTOR = "non_functioning_distractor"
    LOW_RELIABILITY = "low_reliability"


@dataclass(frozen=True)
class FlagThresholds:
    """Where a statistic starts to need an educator's look. All in percent.

    Defaults are the rules of thumb medical schools use for item analysis:
    * too easy: facility above 90; too hard: facility below 20; review: from 20 up to 30;
    * weak discrimination: discrimination index from 0 up to 20 (below 0 is negative
      discrimination, always flagged: stronger learners do worse on the question);
    * non-functioning distractor: a choice earning no credit picked by under 5% of the attempts
      at its question;
    * low reliability: coefficient of internal consistency below 64 (Moodle's own advice for
      a test meant to rank); None turns it off, for mastery checks that are not meant to rank.
    """

    too_easy_above: float = 90.0
    too_hard_below: float = 20.0
    review_below: float = 30.0
    weak_discrimination_below: float = 20.0
    distractor_share_below: float = 5.0
    reliability_below: float | None = 64.0


@dataclass(frozen=True)
class Flag:
    """One statistic past its threshold: on the quiz (question_id None), a question or a choice."""

    kind: FlagKind
    value: float
    threshold: float
    question_id: int | None = None
    choice_id: int | None = None


def item_flags(stats: ItemStats, thresholds: FlagThresholds | None = None) -> tuple[Flag, ...]:
    """The flags raised by `stats`: test first, then each question in order. Undefined stats raise none."""
    limits = thresholds or FlagThresholds()
    flags: list[Flag] = []
    cic = stats.quiz.cic
    if limits.reliability_below is not None and cic is not None and cic < limits.reliability_below:
        flags.append(Flag(FlagKind.LOW_RELIABILITY, cic, limits.reliability_below))
    for q in stats.questions:
        flags.extend(_question_flags(q, limits))
    return tuple(flags)


def _question_flags(q: QuestionStats, limits: FlagThresholds) -> Iterator[Flag]:
    qid = q.question_id
    if q.facility is not None:
        if q.facility > limits.too_easy_above:
            yield Flag(FlagKind.TOO_EASY, q.facility, limits.too_easy_above, qid)
        elif q.facility < limits.too_hard_below:
            yield Flag(FlagKind.TOO_HARD, q.facility, limits.too_hard_below, qid)
        elif q.facility < limits.review_below:
            yield Flag(FlagKind.REVIEW, q.facility, limits.review_below, qid)
    if q.discrimination is not None:
        if q.discrimination < 0:
            yield Flag(FlagKind.NEGATIVE_DISCRIMINATION, q.discrimination, 0.0, qid)
        elif q.discrimination < limits.weak_discrimination_below:
            yield Flag(FlagKind.WEAK_DISCRIMINATION, q.discrimination, limits.weak_discrimination_below, qid)
    for c in q.choices:
        is_distractor = c.credit is not None and c.credit <= 0
        if is_distractor and c.share is not None and c.share < limits.distractor_share_below:
            yield Flag(FlagKind.NON_FUNCTIONING_DISTRACTOR, c.share, limits.distractor_share_below, qid, c.choice_id)


# JSON -------------------------------------------------------------------------------------------


def to_json(
    stats: ItemStats,
    flags: Iterable[Flag] = (),
    *,
    attempts_counted: str | None = None,
    decimals: int | None = 2,
) -> dict[str, Any]:
    """The report as JSON-ready data: percentages rounded as Moodle shows them, None for null.

    Percentages get `decimals` places and skewness and kurtosis two more, as Moodle does
    (`decimals=None` keeps full precision). `attempts_counted` says which attempts were used
    ("first", "all", ...). Each flag appears under the quiz or its question.
    """
    pct = _rounder(decimals)
    plain = _rounder(None if decimals is None else decimals + 2)
    by_question: dict[int | None, list[dict[str, Any]]] = {}
    for f in flags:
        entry: dict[str, Any] = {"flag": f.kind.value, "value": pct(f.value), "threshold": f.threshold}
        if f.choice_id is not None:
            entry["choice_id"] = f.choice_id
        by_question.setdefault(f.question_id, []).append(entry)
    quiz = stats.quiz
    quiz_json: dict[str, Any] = {
        "attempts": quiz.attempts,
        "attempts_counted": attempts_counted,
        "max_total": quiz.max_total,
        "mean": pct(quiz.mean),
        "median": pct(quiz.median),
        "sd": pct(quiz.sd),
        "skewness": plain(quiz.skewness),
        "kurtosis": plain(quiz.kurtosis),
        "cic": pct(quiz.cic),
        "error_ratio": pct(quiz.error_ratio),
        "standard_error": pct(quiz.standard_error),
        "flags": by_question.get(None, []),
    }
    questions = [
        {
            "question_id": q.question_id,
            "name": q.name,
            "attempts": q.attempts,
            "facility": pct(q.facility),
            "sd": pct(q.sd),
            "random_guess": pct(q.random_guess),
            "intended_weight": pct(q.intended_weight),
            "effective_weight": pct(q.effective_weight),
            "negative_covariance": q.negative_covariance,
            "discrimination": pct(q.discrimination),
            "discriminative_efficiency": pct(q.discriminative_efficiency),
            "choices": [
                {
                    "choice_id": c.choice_id,
                    "credit": pct(c.credit),
                    "count": c.count,
                    "share": pct(c.share),
                    "mean_total": pct(c.mean_total),
                }
                for c in q.choices
            ],
            "flags": by_question.get(q.question_id, []),
        }
        for q in stats.questions
    ]
    return {"quiz": quiz_json, "questions": questions}


def _rounder(decimals: int | None) -> Callable[[float | None], float | None]:
    def rounded(value: float | None) -> float | None:
        if value is None or decimals is None:
            return value
        return round(value, decimals) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0

    return rounded
