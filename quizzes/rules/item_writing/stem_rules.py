"""Rules about the stem: what its wording gives away or hides.

An unemphasised negative (NOT, EXCEPTO), an article or a plural that fits only some choices, a
word of the lead-in echoed only by the key, and a lead-in that cannot be answered without the
choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from .language import content_words, fold, lead_in_sentences, plain_text, quote, quote_list, split_words, wordset
from .model import Kind, Severity
from .prepared import Prepared, has_choices, rule

_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![*\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\3(?![*\w])")
_RAW_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
_WH_EN = wordset("which what who whom whose where when")
_WH_ES = wordset("cuál cuáles qué quién quiénes dónde cuándo")
# After the question word, these start a clause of their own ("which patients who have not..."),
# and a negation inside that clause does not turn the question round.
_CLAUSE_EN = wordset(
    "if when whether because unless although though since that who whom whose which what where while "
    "after before until once so"
)
_CLAUSE_ES = wordset("si cuando que porque aunque quien quienes donde como mientras pues")
_NEGATION_EN = frozenset({"not", "never", "cannot"})
_AUX_EN = wordset("is are was were do does did should would could can may might must will shall has have had")
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
    for offset, sentence in lead_in_sentences(stem):
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


@rule(
    "negative-stem",
    Severity.ERROR,
    "The lead-in asks for the exception (NOT, EXCEPT, NO, EXCEPTO, least likely) without emphasis.",
    "Ask for the best answer instead; if the negative must stay, write it in capitals or bold (NOT, **not**).",
)
def negative_stem(p: Prepared) -> Iterator[str]:
    plain = [word for word, emphasised in _negations(p.item.stem, p.spanish) if not emphasised]
    if plain:
        yield f"The lead-in turns on {quote_list(plain)}, which is easy to miss without emphasis."


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


@rule(
    "article-cue",
    Severity.ERROR,
    'The stem ends in "a" or "an" that fits only some choices (English).',
    "Move the article into each choice, so that the stem no longer ends in it.",
)
def article_cue(p: Prepared) -> Iterator[str]:
    if p.spanish or not has_choices(p):
        return
    last = _TRAILING.sub("", p.stem.plain).rsplit(" ", 1)[-1].lower()
    if last not in ("a", "an"):
        return
    wanted = "vowel" if last == "an" else "consonant"
    misfits = [c for c in p.choices if _sound(c.plain) not in (None, wanted)]
    if misfits:
        shown = ", ".join(quote(c.raw, 40) for c in misfits)
        yield f'The stem ends in "{last}", which does not fit {shown}.'


_PLURAL_LEAD_IN_EN = re.compile(r"\bwhich(?: of (?:the following|these|those|them))?(?: [a-z-]+){0,2}? (?:are|were)\b")
_PLURAL_LEAD_IN_ES = re.compile(r"(?:^|¿\s*)cuáles\b")


@rule(
    "number-cue",
    Severity.WARNING,
    'A plural lead-in ("Which are...", "¿Cuáles...?") on a single-answer question.',
    "A plural lead-in hints at a plural key and contradicts one answer; ask in the singular.",
)
def number_cue(p: Prepared) -> Iterator[str]:
    if p.item.kind != Kind.SINGLE:
        return
    lead_in = plain_text(p.lead_in).lower()
    pattern = _PLURAL_LEAD_IN_ES if p.spanish else _PLURAL_LEAD_IN_EN
    if match := pattern.search(lead_in):
        yield f'The lead-in asks in the plural ("{match.group().lstrip("¿ ")}…") but one choice is right.'


@rule(
    "clang-association",
    Severity.WARNING,
    "A word of the lead-in is repeated in the key and in no distractor.",
    "A word echoed from the stem points to the key; reword the key or use the word in a distractor too.",
)
def clang_association(p: Prepared) -> Iterator[str]:
    if p.item.kind != Kind.SINGLE or len(p.key) != 1 or not p.distractors:
        return
    lead_in = content_words(split_words(fold(p.lead_in)), p.spanish)
    echoed = lead_in & content_words(p.key[0].words, p.spanish)
    for distractor in p.distractors:
        echoed -= content_words(distractor.words, p.spanish)
    if echoed:
        yield f"The key repeats {quote_list(sorted(echoed))} from the lead-in; no distractor does."


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


@rule(
    "unfocused-stem",
    Severity.WARNING,
    'The lead-in cannot be answered without the choices ("Which of the following is true?").',
    "Ask a question a learner could answer with the choices covered (the cover-the-options rule).",
)
def unfocused_stem(p: Prepared) -> Iterator[str]:
    if p.item.kind != Kind.SINGLE:
        return
    if _UNFOCUSED.search(fold(p.lead_in)):
        yield f"The lead-in {quote(p.lead_in)} asks which choice is true instead of asking a question."
