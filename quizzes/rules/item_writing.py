"""Item-writing checks: flaws that let a test-wise learner answer without the knowledge.

Pure and free of Django: an `Item` (plain data) in, a list of `Finding`s out. The rules are the
flaws that the NBME item-writing guide (Billings et al., *Constructing Written Test Questions
for the Health Sciences*, 6th ed., 2020) and the item-writing-flaw literature (Haladyna,
Downing & Rodriguez, Appl Meas Educ 2002; Tarrant et al., Nurse Educ Today 2006) describe and
that can be detected from the text alone. They read English and
Spanish; a rule that depends on words uses the item's language.

Severities. An *error* is a flaw that gives the answer away or makes the key arguable, found
with few false alarms: it should block the question. A *warning* is a likely flaw, or a pattern
that is sometimes justified: a person looks at it. `apply_strict` turns warnings into errors.

Errors give the answer away or make the key arguable (all/none of the above, combined or
duplicate choices, overlapping ranges, an "a"/"an" that fits only some choices), or make
learners misread the question (an unemphasised NOT). Warnings: a precise key is often long and
a myth is often absolute, so `longest-correct` and `absolute-terms` flag patterns a careful
writer sometimes needs; `overlapping-choices` also catches categories that are exclusive by
definition ("Osteoporosis" and "Severe osteoporosis"); `number-cue`, `clang-association` and
`unfocused-stem` judge meaning from surface words and misfire more often; and three-option
questions are defensible (Rodriguez, Educ Meas Issues Pract 2005), so `too-few-distractors` is
house style rather than a flaw that gives the answer away.

| id                    | severity | applies to        | finds                                                  |
| --------------------- | -------- | ----------------- | ------------------------------------------------------ |
| all-of-the-above      | error    | single, multiple  | "All of the above", "Todas las anteriores"             |
| none-of-the-above     | error    | single, multiple  | "None of the above", "Ninguna de las anteriores"       |
| combined-choice       | error    | single, multiple  | "Both A and B", "A and C", "Ambas"                     |
| duplicate-choices     | error    | single, multiple  | two choices with the same text once normalised         |
| overlapping-ranges    | error    | single, multiple  | numeric choices whose ranges overlap ("1-5", "5-10")   |
| negative-stem         | error    | all               | NOT / EXCEPT / NO / EXCEPTO in the lead-in, unemphasised |
| article-cue           | error    | single, multiple  | stem ends in "a"/"an" that fits only some choices (en) |
| overlapping-choices   | warning  | single, multiple  | one choice's whole text inside another's               |
| longest-correct       | warning  | single            | the key clearly longer than every distractor           |
| absolute-terms        | warning  | all               | always/never/only... only in wrong choices, or in a false true/false statement |
| number-cue            | warning  | single            | a plural lead-in ("Which are...", "¿Cuáles...?") with one key |
| clang-association     | warning  | single            | a word of the stem repeated in the key and no distractor |
| too-few-distractors   | warning  | single            | fewer than three plausible distractors                 |
| unfocused-stem        | warning  | single            | "Which of the following is true?", "¿Cuál es verdadera?" |

Definitions the rules rely on:

- The *key* is the choices with a positive fraction; *distractors* are the others.
- The *lead-in* is the sentence(s) of the stem that end in "?", else its last sentence.
- Emphasis is a word in capitals (NOT, EXCEPTO) or inside Markdown bold or italics.
- "Clearly the longest": at least `LONGEST_RATIO` times the longest distractor and at least
  `LONGEST_MARGIN` characters longer, so that short answers of similar length never trip it.
- A choice is "plausible" unless it is empty, a duplicate, "all/none of the above" or a
  combination of other choices.

Not checked, on purpose: Spanish article gender ("un"/"una" before a choice). Gender cannot be
read reliably from a noun's ending (el problema, la mano, el día) without a lexicon, and our
Spanish stems do not end in an article; a wrong guess would be noise. In English, choices that
start with digits or with an acronym of two or more capitals are skipped by `article-cue`, as
their sound depends on how they are read ("an MRI", "a NICE guideline").

`Item.allow` names rules that do not apply to that question, for a reason recorded with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from itertools import combinations
from types import MappingProxyType

# How much longer than the longest distractor the key must be to count as clearly the longest.
LONGEST_RATIO = 1.5
LONGEST_MARGIN = 20  # characters
# Fewer plausible distractors than this, on a single-answer question, is a finding.
MIN_DISTRACTORS = 3


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUEFALSE = "truefalse"


class Language(StrEnum):
    EN = "en"
    ES = "es"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class ItemChoice:
    """One choice as the learner sees it, with its share of the mark (positive = in the key)."""

    text: str
    fraction: Decimal | float | int = 0

    @property
    def is_correct(self) -> bool:
        """In the key: a positive fraction. A fraction that cannot be compared is not."""
        try:
            return bool(self.fraction > 0)
        except (TypeError, InvalidOperation):
            return False


@dataclass(frozen=True)
class Item:
    """What the checker needs of one question. `allow` holds rule ids that do not apply to it."""

    name: str
    kind: Kind
    stem: str
    choices: tuple[ItemChoice, ...]
    language: Language = Language.EN
    allow: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Accept plain strings and any iterables from callers; store the canonical types.
        object.__setattr__(self, "kind", Kind(self.kind))
        object.__setattr__(self, "language", Language(self.language))
        object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "allow", frozenset(self.allow))


@dataclass(frozen=True)
class Finding:
    """One flaw found in one question: which rule, how serious, what was seen, how to fix it."""

    rule: str
    severity: Severity
    message: str
    hint: str


@dataclass(frozen=True)
class Rule:
    """A rule's id, default severity, one-line description and the advice shown with it."""

    id: str
    severity: Severity
    description: str
    hint: str


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------

_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2019": "'"})
_MARKDOWN_MARKS = re.compile(r"[*_`]+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def _plain(text: str) -> str:
    """Text without Markdown emphasis marks, with one kind of dash and single spaces."""
    return " ".join(_MARKDOWN_MARKS.sub("", text.translate(_DASHES)).split())


def _fold(text: str) -> str:
    """Lower case without accents, for comparing words: "Sólo" and "solo" are the same word."""
    decomposed = unicodedata.normalize("NFKD", _plain(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _wordset(words: str) -> frozenset[str]:
    """A word list written as one string, so that long lists stay readable."""
    return frozenset(words.split())


def _words(folded: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(folded))


def _quote(text: str, limit: int = 60) -> str:
    text = _plain(text)
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1].rstrip()}…"'


@dataclass(frozen=True)
class _Text:
    raw: str
    plain: str
    folded: str
    words: tuple[str, ...]

    @classmethod
    def of(cls, raw: str) -> _Text:
        folded = _fold(raw)
        return cls(raw=raw, plain=_plain(raw), folded=folded, words=_words(folded))


_SENTENCE_BREAK = re.compile(r"(?<=[.?!:])\s+|\n+")


def _sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of `text`, each with its offset, so emphasis found in the text still lines up."""
    found: list[tuple[int, str]] = []
    start = 0
    for brk in [*_SENTENCE_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        if text[start:end].strip():
            found.append((start, text[start:end]))
        if brk:
            start = brk.end()
    return found


def _lead_in(stem: str) -> list[tuple[int, str]]:
    """The sentence(s) that ask the question: those ending in "?", else the last sentence."""
    sentences = _sentences(stem)
    questions = [s for s in sentences if "?" in s[1]]
    return questions or sentences[-1:]


@dataclass(frozen=True)
class _Prepared:
    item: Item
    spanish: bool
    stem: _Text
    lead_in: str
    choices: tuple[_Text, ...]
    correct: tuple[bool, ...]

    @property
    def key(self) -> list[_Text]:
        return [c for c, ok in zip(self.choices, self.correct, strict=True) if ok]

    @property
    def distractors(self) -> list[_Text]:
        return [c for c, ok in zip(self.choices, self.correct, strict=True) if not ok]


def _prepare(item: Item) -> _Prepared:
    return _Prepared(
        item=item,
        spanish=item.language == Language.ES,
        stem=_Text.of(item.stem),
        lead_in=" ".join(s for _, s in _lead_in(item.stem)),
        choices=tuple(_Text.of(c.text) for c in item.choices),
        correct=tuple(c.is_correct for c in item.choices),
    )


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------

_Check = Callable[[_Prepared], Iterable[str]]
_REGISTRY: dict[str, tuple[Rule, _Check]] = {}


def _rule(rule_id: str, severity: Severity, description: str, hint: str) -> Callable[[_Check], _Check]:
    def register(check_fn: _Check) -> _Check:
        _REGISTRY[rule_id] = (Rule(rule_id, severity, description, hint), check_fn)
        return check_fn

    return register


def _has_choices(p: _Prepared) -> bool:
    """Rules about the wording of choices skip true/false: its two choices are fixed."""
    return p.item.kind != Kind.TRUEFALSE and len(p.choices) > 0


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


def _points_at_choices(text: _Text) -> bool:
    return bool(
        _ALL_OF_THE_ABOVE.search(text.folded)
        or _NONE_OF_THE_ABOVE.search(text.folded)
        or _COMBINED_FOLDED.search(text.folded)
        or _COMBINED_LETTERS.search(text.plain)
    )


@_rule(
    "all-of-the-above",
    Severity.ERROR,
    'A choice is "all of the above" ("todas las anteriores").',
    "Recognising two right choices is enough to pick it; replace it with a real distractor.",
)
def _all_of_the_above(p: _Prepared) -> Iterator[str]:
    if _has_choices(p):
        for choice in p.choices:
            if _ALL_OF_THE_ABOVE.search(choice.folded):
                yield f"Choice {_quote(choice.raw)} refers to all the other choices."


@_rule(
    "none-of-the-above",
    Severity.ERROR,
    'A choice is "none of the above" ("ninguna de las anteriores").',
    "It rewards knowing what is wrong rather than what is right; replace it with a real distractor.",
)
def _none_of_the_above(p: _Prepared) -> Iterator[str]:
    if _has_choices(p):
        for choice in p.choices:
            if _NONE_OF_THE_ABOVE.search(choice.folded):
                yield f"Choice {_quote(choice.raw)} refers to none of the other choices."


@_rule(
    "combined-choice",
    Severity.ERROR,
    'A choice combines other choices ("Both A and B", "A and C", "Ambas").',
    "Choices that combine others give partial knowledge a shortcut; make each choice stand alone.",
)
def _combined_choice(p: _Prepared) -> Iterator[str]:
    if _has_choices(p):
        for choice in p.choices:
            if _COMBINED_FOLDED.search(choice.folded) or _COMBINED_LETTERS.search(choice.plain):
                yield f"Choice {_quote(choice.raw)} refers to other choices."


# ---------------------------------------------------------------------------------------------
# Choices that repeat or overlap each other
# ---------------------------------------------------------------------------------------------


@_rule(
    "duplicate-choices",
    Severity.ERROR,
    "Two choices have the same text once case, accents and punctuation are ignored.",
    "Two equal choices are both right or both wrong; remove one or make it say something else.",
)
def _duplicate_choices(p: _Prepared) -> Iterator[str]:
    if _has_choices(p):
        for a, b in combinations(p.choices, 2):
            if a.words and a.words == b.words:
                yield f"Choices {_quote(a.raw)} and {_quote(b.raw)} say the same."


def _contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    n = len(shorter)
    return any(tuple(longer[i : i + n]) == tuple(shorter) for i in range(len(longer) - n + 1))


@_rule(
    "overlapping-choices",
    Severity.WARNING,
    "The whole text of one choice appears inside another choice.",
    "A choice contained in another overlaps it in meaning; make the choices exclusive.",
)
def _overlapping_choices(p: _Prepared) -> Iterator[str]:
    if _has_choices(p):
        for a, b in combinations(p.choices, 2):
            if not a.words or not b.words or a.words == b.words:
                continue
            short, long_ = (a, b) if len(a.words) < len(b.words) else (b, a)
            if _contains(long_.words, short.words):
                yield f"Choice {_quote(short.raw)} is contained in {_quote(long_.raw)}."


@dataclass(frozen=True)
class _Range:
    low: float
    low_closed: bool
    high: float
    high_closed: bool
    unit: str


_NUM = r"-?\d+(?:[.,]\d+)*"
_NUMERIC_CHOICE = re.compile(
    r"^(?:(?:about|around|approximately|roughly|some|between|unas|unos|aproximadamente|mas o menos|cerca de|alrededor de"
    r"|entre) )?"
    r"(?:(?P<bound>more than|over|above|greater than|at least|less than|fewer than|under|below|up to|at most"
    r"|mas de|al menos|por lo menos|menos de|hasta) )?"
    rf"(?P<a>{_NUM})(?: ?(?:-|to|a|and|y) ?(?P<b>{_NUM}))?"
    r"(?P<pct> ?%)?"
    rf"(?: (?:in|out of|de cada|de) (?P<per>{_NUM}))?"
    r"(?: (?:or|o) (?P<orx>more|higher|greater|above|less|lower|fewer|below|mas|menos))?"
    r"(?P<unit>(?: [a-z/]+){0,5})$"
)
_LOWER_OPEN = {"more than", "over", "above", "greater than", "mas de"}
_LOWER_CLOSED = {"at least", "al menos", "por lo menos"}
_UPPER_OPEN = {"less than", "fewer than", "under", "below", "menos de"}
_UPPER_CLOSED = {"up to", "at most", "hasta"}


def _number(text: str) -> float:
    if re.fullmatch(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    return float(text.replace(",", "."))


def _numeric_range(text: _Text) -> _Range | None:
    """The range of values a choice such as "About 6 to 12 weeks" or "More than 1 in 4" names."""
    cleaned = " ".join(text.folded.replace("(", " ").replace(")", " ").split()).rstrip(".;,!")
    match = _NUMERIC_CHOICE.match(cleaned)
    if not match:
        return None
    low = _number(match["a"])
    high = _number(match["b"]) if match["b"] else low
    low, high = min(low, high), max(low, high)
    unit = match["unit"].strip()
    if match["per"] or match["pct"]:
        scale = 100 / _number(match["per"]) if match["per"] else 1.0
        low, high, unit = low * scale, high * scale, f"per 100 {unit}".strip()
    if match["bound"]:
        bound = match["bound"]
    elif match["orx"]:
        bound = "at least" if match["orx"] in ("more", "higher", "greater", "above", "mas") else "up to"
    else:
        bound = ""
    inf = float("inf")
    if bound in _LOWER_OPEN:
        return _Range(low, False, inf, False, unit)
    if bound in _LOWER_CLOSED:
        return _Range(low, True, inf, False, unit)
    if bound in _UPPER_OPEN:
        return _Range(-inf, False, high, False, unit)
    if bound in _UPPER_CLOSED:
        return _Range(-inf, False, high, True, unit)
    return _Range(low, True, high, True, unit)


def _overlap(x: _Range, y: _Range) -> bool:
    if x.low != y.low:
        low, low_closed = max((x.low, x.low_closed), (y.low, y.low_closed))
    else:
        low, low_closed = x.low, x.low_closed and y.low_closed
    if x.high != y.high:
        high, high_closed = min((x.high, x.high_closed), (y.high, y.high_closed))
    else:
        high, high_closed = x.high, x.high_closed and y.high_closed
    return low < high or (low == high and low_closed and high_closed)


@_rule(
    "overlapping-ranges",
    Severity.ERROR,
    'Numeric choices whose ranges overlap ("1-5" and "5-10", "more than 1 in 4" and "3 in 4").',
    "When ranges overlap, more than one choice can be right; make the ranges exclusive.",
)
def _overlapping_ranges(p: _Prepared) -> Iterator[str]:
    if not _has_choices(p):
        return
    ranges = [(c, _numeric_range(c)) for c in p.choices]
    for (a, ra), (b, rb) in combinations(ranges, 2):
        if ra and rb and ra.unit == rb.unit and a.words != b.words and _overlap(ra, rb):
            yield f"Choices {_quote(a.raw)} and {_quote(b.raw)} overlap."


# ---------------------------------------------------------------------------------------------
# Cues in length and wording
# ---------------------------------------------------------------------------------------------


@_rule(
    "longest-correct",
    Severity.WARNING,
    f"The key is clearly the longest choice ({LONGEST_RATIO}x the longest distractor and "
    f"{LONGEST_MARGIN}+ characters longer).",
    "Learners pick the longest, most qualified choice; shorten the key or give distractors the same detail.",
)
def _longest_correct(p: _Prepared) -> Iterator[str]:
    if p.item.kind != Kind.SINGLE or len(p.key) != 1 or not p.distractors:
        return
    key = len(p.key[0].plain)
    longest = max(len(d.plain) for d in p.distractors)
    if key >= LONGEST_RATIO * longest and key - longest >= LONGEST_MARGIN:
        yield f"The key has {key} characters; the longest distractor has {longest}."


_ABSOLUTE_EN = _wordset(
    "always never all none only every everyone everybody everything nobody nothing "
    "completely entirely totally absolutely"
)
_ABSOLUTE_ES = _wordset(
    "siempre nunca jamas todo toda todos todas ninguno ninguna ningun nada nadie solo solamente "
    "unicamente completamente totalmente absolutamente"
)
# A word before an absolute term that softens it: "almost all", "not always", "casi nunca", and
# "of" as in "half of all levels".
_SOFTENERS = _wordset("almost nearly virtually practically not of casi")
# A word after one that makes it a count, a frequency or another phrase: "all three sites",
# "every 6 months", "siempre que" ("as long as").
_NOT_ABSOLUTE_AFTER = re.compile(
    r"\d.*|two|three|four|five|six|seven|eight|nine|ten|other|day|week|month|year|morning|night|que"
)
_CONCORD_ES = _wordset("ninguno ninguna ningun nada nadie nunca jamas")


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


def _statement_is_false(p: _Prepared) -> bool | None:
    """The key of a true/false question: True, False, or None when the choices do not say."""
    for choice, correct in zip(p.choices, p.correct, strict=True):
        if correct and choice.folded.strip(" .") in _FALSE:
            return True
        if correct and choice.folded.strip(" .") in _TRUE:
            return False
    return None


@_rule(
    "absolute-terms",
    Severity.WARNING,
    "Absolute terms (always, never, only, all; siempre, nunca, solo, todos) only in wrong choices, "
    "or in a true/false statement that is false.",
    "Test-wise learners rule out absolute statements; use them in the key too, or drop them.",
)
def _absolute_terms(p: _Prepared) -> Iterator[str]:
    if p.item.kind == Kind.TRUEFALSE:
        statement = _TRUEFALSE_PREFIX.sub("", p.stem.folded)
        terms = _absolutes(_words(statement), p.spanish)
        if terms and _statement_is_false(p):
            yield f"The statement is false and uses {_list(terms)}."
        return
    if not _has_choices(p) or not p.key:
        return
    # "All/none of the above" have rules of their own; their "all" and "none" are not counted here.
    if any(_absolutes(c.words, p.spanish) for c in p.key if not _points_at_choices(c)):
        return
    flagged = [(d, _absolutes(d.words, p.spanish)) for d in p.distractors if not _points_at_choices(d)]
    flagged = [(d, terms) for d, terms in flagged if terms]
    if flagged:
        shown = "; ".join(f"{_list(terms)} in {_quote(d.raw, 40)}" for d, terms in flagged)
        yield f"Absolute terms appear only in wrong choices: {shown}."


def _list(terms: Iterable[str]) -> str:
    return ", ".join(f'"{t}"' for t in dict.fromkeys(terms))


# ---------------------------------------------------------------------------------------------
# The stem
# ---------------------------------------------------------------------------------------------

_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![*\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\3(?![*\w])")
_RAW_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
_WH_EN = _wordset("which what who whom whose where when")
_WH_ES = _wordset("cuál cuáles qué quién quiénes dónde cuándo")
# After the question word, these start a clause of their own ("which patients who have not..."),
# and a negation inside that clause does not turn the question round.
_CLAUSE_EN = _wordset(
    "if when whether because unless although though since that who whom whose which what where while "
    "after before until once so"
)
_CLAUSE_ES = _wordset("si cuando que porque aunque quien quienes donde como mientras pues")
_NEGATION_EN = frozenset({"not", "never", "cannot"})
_AUX_EN = _wordset("is are was were do does did should would could can may might must will shall has have had")
_NEGATION_WINDOW_EN = 3  # words after the first auxiliary: "should the nurse not"
_NEGATION_WINDOW_ES = 6  # words after the question word: "cuál de estos medicamentos no"
_NEGATION_ES = frozenset({"no", "nunca", "jamás", "jamas"})
_EXCEPT = frozenset({"except", "excepto", "salvo"})
_LEAST = frozenset({"least", "menos"})
_LEAST_WHAT = re.compile(
    r"(?:likely|appropriate|useful|helpful|correct|accurate|important|effective|suitable|probable|consistent"
    r"|adecuad[oa]s?|apropiad[oa]s?|útil|util|indicad[oa]s?|correct[oa]s?|importante|eficaz|recomendable)$"
)


def _question_word(words: Sequence[str], spanish: bool) -> int | None:
    heads = _WH_ES if spanish else _WH_EN
    for i, word in enumerate(words):
        if word in heads and not (word == "qué" and i and words[i - 1] == "por"):  # "por qué" is "why"
            return i
    return None


def _turning_negation(words: Sequence[str], head: int, spanish: bool) -> int | None:
    """The negation that belongs to the question itself ("Which drug should NOT...", "¿Cuál NO es...?").

    English: the one on the first auxiliary after the question word, or within a few words of it
    ("What should the nurse not do?"), but not one in a clause of its own ("What is the main
    reason this does not show..."). Spanish puts "no" before the verb, close to the question word.
    """
    if spanish:
        for i in range(head + 1, min(head + 1 + _NEGATION_WINDOW_ES, len(words))):
            if words[i] in _CLAUSE_ES:
                return None
            if words[i] in _NEGATION_ES:
                return i
        return None
    for i in range(head + 1, len(words)):
        word = words[i]
        if word in _CLAUSE_EN and words[i + 1 : i + 2] != ["any"]:  # "which, if any, is NOT"
            return None
        if word == "cannot" or word.endswith("n't"):
            return i
        if word in _AUX_EN:
            for j in range(i + 1, min(i + 1 + _NEGATION_WINDOW_EN, len(words))):
                if words[j] in _NEGATION_EN:
                    return j
                if words[j] in _AUX_EN or words[j] in _CLAUSE_EN:
                    return None
            return None
    return None


def _negations(stem: str, spanish: bool) -> list[tuple[str, bool]]:
    """Negative words that turn the lead-in round, each with whether it is emphasised."""
    spans = [m.span() for m in _EMPHASIS.finditer(stem)]
    found: list[tuple[str, bool]] = []
    for offset, sentence in _lead_in(stem):
        tokens = [(offset + m.start(), offset + m.end(), m.group()) for m in _RAW_WORD.finditer(sentence)]
        words = [t.lower().replace("\u2019", "'") for _, _, t in tokens]
        hits = {
            i
            for i, word in enumerate(words)
            if word in _EXCEPT
            or (word in _LEAST and words[i - 1 : i] != ["at"] and _LEAST_WHAT.match("".join(words[i + 1 : i + 2])))
        }
        head = _question_word(words, spanish)
        turning = _turning_negation(words, head, spanish) if head is not None else None
        if turning is not None:
            hits.add(turning)
        for i in sorted(hits):
            start, end, token = tokens[i]
            emphasised = (token.isupper() and len(token) > 1) or any(a <= start and end <= b for a, b in spans)
            found.append((token, emphasised))
    return found


@_rule(
    "negative-stem",
    Severity.ERROR,
    "The lead-in asks for the exception (NOT, EXCEPT, NO, EXCEPTO, least likely) without emphasis.",
    "Ask for the best answer instead; if the negative must stay, write it in capitals or bold (NOT, **not**).",
)
def _negative_stem(p: _Prepared) -> Iterator[str]:
    plain = [word for word, emphasised in _negations(p.item.stem, p.spanish) if not emphasised]
    if plain:
        yield f"The lead-in turns on {_list(plain)}, which is easy to miss without emphasis."


_SILENT_H = ("hour", "honest", "honor", "honour", "heir")
_YOU_SOUND = re.compile(r"^(?:uni(?![nm])|use|usu|uti|ure|uro|uter|eu|ewe|one\b|once)")
_VOWEL_LETTERS = frozenset("AEFHILMNORSX")  # letters whose names start with a vowel sound
_TRAILING = re.compile(r"[\s_.:…-]+$")


def _sound(text: str) -> str | None:
    """Whether a choice starts with a vowel or a consonant sound; None when it cannot be told."""
    first = text.lstrip("\"'\u201c\u2018([ ").split(" ", 1)[0]
    if not first or not first[0].isalpha():
        return None
    if len(first) == 1 or re.match(r"^[A-Za-z](?=[-\d])", first):
        return "vowel" if first[0].upper() in _VOWEL_LETTERS else "consonant"
    if sum(c.isupper() for c in first) >= 2:
        return None
    word = first.lower()
    if word.startswith(_SILENT_H):
        return "vowel"
    if _YOU_SOUND.match(word):
        return "consonant"
    return "vowel" if word[0] in "aeiou" else "consonant"


@_rule(
    "article-cue",
    Severity.ERROR,
    'The stem ends in "a" or "an" that fits only some choices (English).',
    "Move the article into each choice, so that the stem no longer ends in it.",
)
def _article_cue(p: _Prepared) -> Iterator[str]:
    if p.spanish or not _has_choices(p):
        return
    last = _TRAILING.sub("", p.stem.plain).rsplit(" ", 1)[-1].lower()
    if last not in ("a", "an"):
        return
    wanted = "vowel" if last == "an" else "consonant"
    misfits = [c for c in p.choices if _sound(c.plain) not in (None, wanted)]
    if misfits:
        shown = ", ".join(_quote(c.raw, 40) for c in misfits)
        yield f'The stem ends in "{last}", which does not fit {shown}.'


_PLURAL_LEAD_IN_EN = re.compile(r"\bwhich(?: of (?:the following|these|those|them))?(?: [a-z-]+){0,2}? (?:are|were)\b")
_PLURAL_LEAD_IN_ES = re.compile(r"(?:^|¿\s*)cuáles\b")


@_rule(
    "number-cue",
    Severity.WARNING,
    'A plural lead-in ("Which are...", "¿Cuáles...?") on a single-answer question.',
    "A plural lead-in hints at a plural key and contradicts one answer; ask in the singular.",
)
def _number_cue(p: _Prepared) -> Iterator[str]:
    if p.item.kind != Kind.SINGLE:
        return
    lead_in = _plain(p.lead_in).lower()
    pattern = _PLURAL_LEAD_IN_ES if p.spanish else _PLURAL_LEAD_IN_EN
    if match := pattern.search(lead_in):
        yield f'The lead-in asks in the plural ("{match.group().lstrip("¿ ")}…") but one choice is right.'


_STOP_EN = _wordset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves may might must shall one following best true correct statement statements
    likely appropriate select apply pick right answer choice option year old aged usually often
    """
)
_STOP_ES = _wordset(
    """
    a al algo algun alguna algunas alguno algunos ante antes como con contra cual cuales cuando de del
    desde donde durante e el ella ellas ellos en entre era es esa esas ese eso esos esta estaba estado
    estan estar estas este esto estos fue ha hace hacia han hasta hay la las le les lo los mas me mi mis
    mucho muy nada ni no nos o otra otras otro otros para pero poco por porque que quien se sea ser si
    sin sobre son su sus tambien tanto te tiene tienen todo todos tu tus un una uno unos unas usted
    ustedes y ya yo siguiente siguientes verdadera verdadero correcta correcto cierta cierto frase
    frases opcion elija respuesta respuestas correctas debe puede va ir anos
    """
)


def _content_words(words: Iterable[str], spanish: bool) -> set[str]:
    stop = _STOP_ES if spanish else _STOP_EN
    return {_stem(w) for w in words if w not in stop and len(w) > 2 and not w.isdigit()}


def _stem(word: str) -> str:
    """A crude plural strip, enough to match "fracture" with "fractures" and "hueso" with "huesos"."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@_rule(
    "clang-association",
    Severity.WARNING,
    "A word of the lead-in is repeated in the key and in no distractor.",
    "A word echoed from the stem points to the key; reword the key or use the word in a distractor too.",
)
def _clang_association(p: _Prepared) -> Iterator[str]:
    if p.item.kind != Kind.SINGLE or len(p.key) != 1 or not p.distractors:
        return
    lead_in = _content_words(_words(_fold(p.lead_in)), p.spanish)
    echoed = lead_in & _content_words(p.key[0].words, p.spanish)
    for distractor in p.distractors:
        echoed -= _content_words(distractor.words, p.spanish)
    if echoed:
        yield f"The key repeats {_list(sorted(echoed))} from the lead-in; no distractor does."


@_rule(
    "too-few-distractors",
    Severity.WARNING,
    f"A single-answer question with fewer than {MIN_DISTRACTORS} plausible distractors.",
    "With few distractors a guess often succeeds; add plausible wrong choices (true/false is exempt).",
)
def _too_few_distractors(p: _Prepared) -> Iterator[str]:
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


_UNFOCUSED = re.compile(
    # "Which (one) (of the following / these) (statement) (about ...) is (most) true/correct?"
    r"\b(?:which|what)(?: one)?(?: of (?:the following|these|those|them))?"
    r"(?: (?:statement|option|choice|sentence|claim|summary|description)s?)?"
    r"(?: (?:about|on|regarding|concerning|comparing) [^?]+?)?"
    r" (?:is|are)(?: the)?(?: most| more| least| best)?"
    # ...followed by nothing, or by what it is true of: "the correct advice" is a focused question.
    r" (?:true|correct|accurate|right|false|incorrect|untrue|valid)\b"
    r"(?! (?!(?:about|of|regarding|concerning|for|in)\b)[a-z])"
    # "Which statement best summarises/describes/matches..."
    r"|\b(?:which|what) (?:statement|summary|description|option|choice|sentence)s?"
    r"(?: best| most| correctly)? (?:summari[sz]es|describes|matches|reflects|fits|captures)\b"
    # "¿Cuál (de las siguientes / de estas) (frase) (sobre ...) es verdadera/correcta/cierta?"
    r"|\b(?:cual|cuales|que)(?: de (?:las siguientes|los siguientes|estas|estos|ellas|ellos))?"
    r"(?: (?:frases?|afirmacion(?:es)?|opcion(?:es)?|oracion(?:es)?|cosas?))?"
    r"(?: (?:sobre|acerca de) [^?]+?)?"
    r" (?:es|son)(?: la| el| las| los)?(?: mas)?"
    r" (?:verdad|verdader[oa]s?|ciert[oa]s?|correct[oa]s?|fals[oa]s?|incorrect[oa]s?)\b"
    r"(?! (?!(?:sobre|acerca|de|en|para)\b)[a-z])"
)


@_rule(
    "unfocused-stem",
    Severity.WARNING,
    'The lead-in cannot be answered without the choices ("Which of the following is true?").',
    "Ask a question a learner could answer with the choices covered (the cover-the-options rule).",
)
def _unfocused_stem(p: _Prepared) -> Iterator[str]:
    if p.item.kind != Kind.SINGLE:
        return
    if _UNFOCUSED.search(_fold(p.lead_in)):
        yield f"The lead-in {_quote(p.lead_in)} asks which choice is true instead of asking a question."


# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------

RULES: Mapping[str, Rule] = MappingProxyType({rule_id: rule for rule_id, (rule, _) in _REGISTRY.items()})


def check(item: Item, *, strict: bool = False) -> list[Finding]:
    """Every flaw found in `item`, in rule order, leaving out the rules named in `item.allow`.

    With `strict`, warnings are reported as errors (see `apply_strict`).
    """
    prepared = _prepare(item)
    findings = [
        Finding(rule=rule.id, severity=rule.severity, message=message, hint=rule.hint)
        for rule, check_fn in _REGISTRY.values()
        if rule.id not in item.allow
        for message in check_fn(prepared)
    ]
    return apply_strict(findings) if strict else findings


def apply_strict(findings: Iterable[Finding]) -> list[Finding]:
    """The same findings with every warning made an error, for `--strict`."""
    return [replace(f, severity=Severity.ERROR) for f in findings]


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error: a command's exit status in one call."""
    return any(f.severity == Severity.ERROR for f in findings)


def unknown_rules(rule_ids: Iterable[str]) -> frozenset[str]:
    """The ids in `rule_ids` that name no rule, so that a mistyped `allow` entry can be reported."""
    return frozenset(rule_ids) - RULES.keys()
