"""Reading English and Spanish text: normalising it, finding the lead-in, telling content words.

Every rule compares text in the forms made here: `plain_text` without Markdown marks and with one
kind of dash, `fold` also without case and accents, and `split_words` of the folded text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2019": "'"})
_MARKDOWN_MARKS = re.compile(r"[*_`]+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def plain_text(text: str) -> str:
    """Text without Markdown emphasis marks, with one kind of dash and single spaces."""
    return " ".join(_MARKDOWN_MARKS.sub("", text.translate(_DASHES)).split())


def fold(text: str) -> str:
    """Lower case without accents, for comparing words: "Sólo" and "solo" are the same word."""
    decomposed = unicodedata.normalize("NFKD", plain_text(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def wordset(words: str) -> frozenset[str]:
    """A word list written as one string, so that long lists stay readable."""
    return frozenset(words.split())


def split_words(folded: str) -> tuple[str, ...]:
    """The words of folded text, apostrophes kept inside them ("don't")."""
    return tuple(_WORD.findall(folded))


def quote(text: str, limit: int = 60) -> str:
    """`text` in quotation marks for a message, shortened to `limit` characters."""
    text = plain_text(text)
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1].rstrip()}…"'


@dataclass(frozen=True)
class Text:
    """One text in every form the rules compare."""

    raw: str
    plain: str
    folded: str
    words: tuple[str, ...]

    @classmethod
    def of(cls, raw: str) -> Text:
        folded = fold(raw)
        return cls(raw=raw, plain=plain_text(raw), folded=folded, words=split_words(folded))


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


def lead_in_sentences(stem: str) -> list[tuple[int, str]]:
    """The sentence(s) that ask the question: those ending in "?", else the last sentence."""
    sentences = _sentences(stem)
    questions = [s for s in sentences if "?" in s[1]]
    return questions or sentences[-1:]


def quote_list(terms: Iterable[str]) -> str:
    """Terms in quotation marks, each once, for a message: '"always", "never"'."""
    return ", ".join(f'"{t}"' for t in dict.fromkeys(terms))


# Words that say nothing of the topic, so that a shared one is no clue (`clang-association`).
_STOP_EN = wordset(
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
_STOP_ES = wordset(
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


def content_words(words: Iterable[str], spanish: bool) -> set[str]:
    stop = _STOP_ES if spanish else _STOP_EN
    return {_stem(w) for w in words if w not in stop and len(w) > 2 and not w.isdigit()}


def _stem(word: str) -> str:
    """A crude plural strip, enough to match "fracture" with "fractures" and "hueso" with "huesos"."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
