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

Modules: `inputs` (questions, attempt rows, grouping streamed responses), `counting` (a
database stream counted by distinct value, the fast way in), `accumulator` (the streaming
pass), `moments` (counts to each question's moments), `summary` (moments to the reported
statistics), `results` (the records), `flags`, `export` (JSON) and `histogram` (attempt scores
in bins, for the score chart). Import from here.
"""

from __future__ import annotations

from quizzes.rules.item_stats.accumulator import ItemStatsAccumulator, item_stats
from quizzes.rules.item_stats.counting import ResponseCounts, count_responses
from quizzes.rules.item_stats.export import to_json
from quizzes.rules.item_stats.flags import Flag, FlagKind, FlagThresholds, item_flags
from quizzes.rules.item_stats.histogram import ScoreBin, ScoreHistogram
from quizzes.rules.item_stats.inputs import (
    AttemptRow,
    ChoiceInfo,
    QuestionInfo,
    attempts_from_responses,
    random_guess_score,
)
from quizzes.rules.item_stats.results import ZERO_TOLERANCE, ChoiceStats, ItemStats, QuestionStats, QuizStats

__all__ = [
    "ZERO_TOLERANCE",
    "AttemptRow",
    "ChoiceInfo",
    "ChoiceStats",
    "Flag",
    "FlagKind",
    "FlagThresholds",
    "ItemStats",
    "ItemStatsAccumulator",
    "QuestionInfo",
    "QuestionStats",
    "QuizStats",
    "ResponseCounts",
    "ScoreBin",
    "ScoreHistogram",
    "attempts_from_responses",
    "count_responses",
    "item_flags",
    "item_stats",
    "random_guess_score",
    "to_json",
]
