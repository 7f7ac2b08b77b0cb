"""What the statistics give out: plain frozen records, percentages as Moodle shows them."""

from __future__ import annotations

from dataclasses import dataclass, field

# Relative size (to the max total) under which a spread is float noise, not data.
ZERO_TOLERANCE = 1e-12


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
