"""Rules about the choices: choices that point at others, repeat or overlap them, and cues in them.

All/none of the above, combined choices, duplicates, overlapping text or ranges, a key that is
clearly the longest, absolute terms only in wrong choices, and too few plausible distractors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from itertools import combinations

from .language import Text, quote, quote_list, split_words, wordset
from .model import Kind, Language, Severity
from .numeric_ranges import numeric_range, ranges_overlap
from .prepared import Prepared, has_choices, rule

# How much longer than the longest distractor the key must be to count as clearly the longest.
LONGEST_RATIO = 1.5
LONGEST_MARGIN = 20  # characters
# Fewer plausible distractors than this, on a single-answer question, is a finding.
MIN_DISTRACTORS = 3


# ---------------------------------------------------------------------------------------------
# Choices that point at other choices
# ---------------------------------------------------------------------------------------------

_ALL_OF_THE_ABOVE = re.compile(
    r"\ball (?:of )?the (?:above|previous|preceding)\b"
    r"|^all (?:of )?(?:these|the (?:choices|options|answers))$"
    r"|\btod[oa]s? (?:de )?(?:l[oa]s )?(?:(?:opciones|respuestas) )?anteriores\b"
    r"|\btodo lo anterior\b"
    r"|^tod[oa]s (?:est[oa]s|las opciones|las respuestas)$"
)
_NONE_OF_THE_ABOVE = re.compile(
    r"\bnone of the (?:above|previous|preceding)\b"
    r"|^none of (?:these|the (?:choices|options|answers))$"
    r"|\bneither of the above\b"
    r"|\bningun[oa] de (?:l[oa]s )?(?:(?:opciones|respuestas) )?anteriores\b"
    r"|\bnada de lo anterior\b"
    r"|^ningun[oa] de (?:est[oa]s|las opciones|las respuestas)$"
)
_COMBINED_FOLDED = re.compile(
    r"\bboth (?:of )?(?:the above|these|those)\b"
    r"|^both$"
    r"|^(?:ambas|ambos|las dos|los dos)(?: (?:anteriores|son correctas|son ciertas|son verdaderas))?$"
    r"|\b(?:ambas|ambos|las dos|los dos) (?:opciones|respuestas)? ?anteriores\b"
)
# Letters as choice labels: "A and B", "B, C y D", "choices A or C". Case-sensitive, so the
# article "a" never counts; "vitamin B12" does not either, as the letter must end the word.
_COMBINED_LETTERS = re.compile(r"(?<![\w-])[A-E](?:\s*(?:,|&|\band\b|\bor\b|\by\b|\bo\b)\s*[A-E])+(?![\w-])")


def _points_at_choices(text: Text) -> bool:
    return bool(
        _ALL_OF_THE_ABOVE.search(text.folded)
        or _NONE_OF_THE_ABOVE.search(text.folded)
        or _COMBINED_FOLDED.search(text.folded)
        or _COMBINED_LETTERS.search(text.plain)
    )


@rule(
    "all-of-the-above",
    Severity.ERROR,
    'A choice is "all of the above" ("todas las anteriores").',
    "Recognising two right choices is enough to pick it; replace it with a real distractor.",
)
def all_of_the_above(p: Prepared) -> Iterator[str]:
    if has_choices(p):
        for choice in p.choices:
            if _ALL_OF_THE_ABOVE.search(choice.folded):
                yield f"Choice {quote(choice.raw)} refers to all the other choices."


@rule(
    "none-of-the-above",
    Severity.ERROR,
    'A choice is "none of the above" ("ninguna de las anteriores").',
    "It rewards knowing what is wrong rather than what is right; replace it with a real distractor.",
)
def none_of_the_above(p: Prepared) -> Iterator[str]:
    if has_choices(p):
        for choice in p.choices:
            if _NONE_OF_THE_ABOVE.search(choice.folded):
                yield f"Choice {quote(choice.raw)} refers to none of the other choices."


@rule(
    "combined-choice",
    Severity.ERROR,
    'A choice combines other choices ("Both A and B", "A and C", "Ambas").',
    "Choices that combine others give partial knowledge a shortcut; make each choice stand alone.",
)
def combined_choice(p: Prepared) -> Iterator[str]:
    if has_choices(p):
        for choice in p.choices:
            if _COMBINED_FOLDED.search(choice.folded) or _COMBINED_LETTERS.search(choice.plain):
                yield f"Choice {quote(choice.raw)} refers to other choices."


# ---------------------------------------------------------------------------------------------
# Choices that repeat or overlap each other
# ---------------------------------------------------------------------------------------------


@rule(
    "duplicate-choices",
    Severity.ERROR,
    "Two choices have the same text once case, accents and punctuation are ignored.",
    "Two equal choices are both right or both wrong; remove one or make it say something else.",
)
def duplicate_choices(p: Prepared) -> Iterator[str]:
    if has_choices(p):
        for a, b in combinations(p.choices, 2):
            if a.words and a.words == b.words:
                yield f"Choices {quote(a.raw)} and {quote(b.raw)} say the same."


def _contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    n = len(shorter)
    return any(tuple(longer[i : i + n]) == tuple(shorter) for i in range(len(longer) - n + 1))


@rule(
    "overlapping-choices",
    Severity.WARNING,
    "The whole text of one choice appears inside another choice.",
    "A choice contained in another overlaps it in meaning; make the choices exclusive.",
)
def overlapping_choices(p: Prepared) -> Iterator[str]:
    if has_choices(p):
        for a, b in combinations(p.choices, 2):
            if not a.words or not b.words or a.words == b.words:
                continue
            short, long_ = (a, b) if len(a.words) < len(b.words) else (b, a)
            if _contains(long_.words, short.words):
                yield f"Choice {quote(short.raw)} is contained in {quote(long_.raw)}."


@rule(
    "overlapping-ranges",
    Severity.ERROR,
    'Numeric choices whose ranges overlap ("1-5" and "5-10", "more than 1 in 4" and "3 in 4").',
    "When ranges overlap, more than one choice can be right; make the ranges exclusive.",
)
def overlapping_ranges(p: Prepared) -> Iterator[str]:
    if not has_choices(p):
        return
    ranges = [(c, numeric_range(c)) for c in p.choices]
    for (a, ra), (b, rb) in combinations(ranges, 2):
        if ra and rb and ra.unit == rb.unit and a.words != b.words and ranges_overlap(ra, rb):
            yield f"Choices {quote(a.raw)} and {quote(b.raw)} overlap."


# ---------------------------------------------------------------------------------------------
# Cues in length and wording
# ---------------------------------------------------------------------------------------------


@rule(
    "longest-correct",
    Severity.WARNING,
    f"The key is clearly the longest choice ({LONGEST_RATIO}x the longest distractor and "
    f"{LONGEST_MARGIN}+ characters longer).",
    "Learners pick the longest, most qualified choice; shorten the key or give distractors the same detail.",
)
def longest_correct(p: Prepared) -> Iterator[str]:
    if p.item.kind != Kind.SINGLE or len(p.key) != 1 or not p.distractors:
        return
    key = len(p.key[0].plain)
    longest = max(len(d.plain) for d in p.distractors)
    if key >= LONGEST_RATIO * longest and key - longest >= LONGEST_MARGIN:
        yield f"The key has {key} characters; the longest distractor has {longest}."


_ABSOLUTE_EN = wordset(
    "always never all none only every everyone everybody everything nobody nothing "
    "completely entirely totally absolutely"
)
_ABSOLUTE_ES = wordset(
    "siempre nunca jamas todo toda todos todas ninguno ninguna ningun nada nadie solo solamente "
    "unicamente completamente totalmente absolutamente"
)
# A word before an absolute term that softens it: "almost all", "not always", "casi nunca", and
# "of" as in "half of all levels".
_SOFTENERS = wordset("almost nearly virtually practically not of casi")
# A word after one that makes it a count, a frequency or another phrase: "all three sites",
# "every 6 months", "siempre que" ("as long as").
_NOT_ABSOLUTE_AFTER = re.compile(
    r"\d.*|two|three|four|five|six|seven|eight|nine|ten|other|day|week|month|year|morning|night|que"
)
_CONCORD_ES = wordset("ninguno ninguna ningun nada nadie nunca jamas")


def _absolutes(words: Sequence[str], spanish: bool) -> list[str]:
    terms = _ABSOLUTE_ES if spanish else _ABSOLUTE_EN
    found = []
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if word not in terms or before in _SOFTENERS or _NOT_ABSOLUTE_AFTER.fullmatch(after):
            continue
        if before == "sobre" and word == "todo":
            continue  # "sobre todo" is "above all", "especially"
        if word in _CONCORD_ES and {"no", "sin"} & set(words[max(0, i - 3) : i]):
            continue  # negative concord: "no hacerse ningún procedimiento" is plain "no procedure"
        found.append(word)
    if not spanish:
        found += ["no one" for i in range(len(words) - 1) if tuple(words[i : i + 2]) == ("no", "one")]
    return found


_TRUE = frozenset({"true", "verdadero", "cierto"})
_FALSE = frozenset({"false", "falso"})
_TRUEFALSE_PREFIX = re.compile(r"^\W*(?:true or false|verdadero o falso)\W*")


def _statement_is_false(p: Prepared) -> bool | None:
    """The key of a true/false question: True, False, or None when the choices do not say."""
    for choice, correct in zip(p.choices, p.correct, strict=True):
        if correct and choice.folded.strip(" .") in _FALSE:
            return True
        if correct and choice.folded.strip(" .") in _TRUE:
            return False
    return None


@rule(
    "absolute-terms",
    Severity.WARNING,
    "Absolute terms (always, never, only, all; siempre, nunca, solo, todos) only in wrong choices, "
    "or in a true/false statement that is false.",
    "Test-wise learners rule out absolute statements; use them in the key too, or drop them.",
)
def absolute_terms(p: Prepared) -> Iterator[str]:
    if p.item.kind == Kind.TRUEFALSE:
        statement = _TRUEFALSE_PREFIX.sub("", p.stem.folded)
        terms = _absolutes(split_words(statement), p.spanish)
        if terms and _statement_is_false(p):
            yield f"The statement is false and uses {quote_list(terms)}."
        return
    if not has_choices(p) or not p.key:
        return
    # "All/none of the above" have rules of their own; their "all" and "none" are not counted here.
    if any(_absolutes(c.words, p.spanish) for c in p.key if not _points_at_choices(c)):
        return
    flagged = [(d, _absolutes(d.words, p.spanish)) for d in p.distractors if not _points_at_choices(d)]
    flagged = [(d, terms) for d, terms in flagged if terms]
    if flagged:
        shown = "; ".join(f"{quote_list(terms)} in {quote(d.raw, 40)}" for d, terms in flagged)
        yield f"Absolute terms appear only in wrong choices: {shown}."


@rule(
    "too-few-distractors",
    Severity.WARNING,
    f"A single-answer question with fewer than {MIN_DISTRACTORS} plausible distractors.",
    "With few distractors a guess often succeeds; add plausible wrong choices (true/false is exempt).",
)
def too_few_distractors(p: Prepared) -> Iterator[str]:
    if p.item.kind != Kind.SINGLE:
        return
    seen: set[tuple[str, ...]] = set()
    plausible = 0
    for d in p.distractors:
        if d.words and d.words not in seen and not _points_at_choices(d):
            plausible += 1
        seen.add(d.words)
    if plausible < MIN_DISTRACTORS:
        yield f"Only {plausible} plausible distractor{'s' if plausible != 1 else ''}."


@rule(
    "tick-everything",
    Severity.WARNING,
    "A multiple-answer question where ticking every choice earns marks.",
    "Give the wrong choices negative percentages (so that together they cancel the right ones), "
    "or score the question all-or-nothing.",
)
def tick_everything(p: Prepared) -> Iterator[str]:
    # Fractions are the same in every language: report it once, on the English.
    if p.item.kind != Kind.MULTIPLE or p.item.language != Language.EN:
        return
    if p.item.scoring == "all_or_nothing":
        return
    try:
        # Partial scoring sums the chosen fractions: ticking all of them earns their sum, up to 100 %.
        total = sum((Decimal(str(c.fraction)) for c in p.item.choices), Decimal(0))
    except InvalidOperation:
        return
    if total.is_finite() and total > 0:
        yield f"Ticking every choice earns {(min(total, Decimal(1)) * 100).normalize():f}% of the mark."
