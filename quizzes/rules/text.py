"""Markdown to safe HTML, and reading-time estimates."""

from __future__ import annotations

import math
import re

import markdown
import nh3

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"img"}
ALLOWED_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "img": {"src", "alt"}}
# Reading speed used for estimates: slower than the usual 200-250 words a minute, because many
# of our readers are elderly and reading on a phone.
WORDS_PER_MINUTE = 150
_WORD = re.compile(r"\w+")


def render_markdown(source: str) -> str:
    """Render Markdown to HTML with anything unsafe (scripts, event handlers, raw HTML) removed."""
    html = markdown.markdown(source or "", extensions=["extra", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel="noopener noreferrer",
        url_schemes={"http", "https", "mailto"},
    )


def word_count(text: str) -> int:
    """Words in a text, for reading-time estimates."""
    return len(_WORD.findall(text or ""))


def reading_minutes(words: int) -> int:
    """Whole minutes needed to read `words` words, at least one."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


# Patient text must stay at or below this US school grade (Flesch-Kincaid).
PATIENT_MAX_GRADE = 8.0
_MARKDOWN_NOISE = re.compile(r"[*_#>`|]+|\[([^\]]*)\]\([^)]*\)")


def plain_text(source: str) -> str:
    """Markdown reduced to its words, for readability formulas."""
    return _MARKDOWN_NOISE.sub(lambda m: m.group(1) or " ", source or "")


def reading_grade(source: str) -> float:
    """US school grade needed to read a text (Flesch-Kincaid, via textstat)."""
    import textstat  # imported here: it loads a pronunciation dictionary, which takes a moment

    return float(textstat.flesch_kincaid_grade(plain_text(source)))
