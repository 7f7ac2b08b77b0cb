"""Markdown to safe HTML, imported text made safe, and reading-time estimates.

Every piece of HTML the site renders from content, and every text an import brings in, goes
through nh3 here, with one policy (`html_clean`): no script, style, event handler or
`javascript:` URL reaches a page.
"""

from __future__ import annotations

import html
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


def html_clean(source: str) -> str:
    """HTML with only safe tags and attributes left: no script, event handler or `javascript:` URL."""
    return nh3.clean(
        source,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel="noopener noreferrer",
        url_schemes={"http", "https", "mailto"},
    )


def render_markdown(source: str) -> str:
    """Render Markdown to HTML with anything unsafe (scripts, event handlers, raw HTML) removed."""
    return html_clean(markdown.markdown(source or "", extensions=["extra", "sane_lists"]))


# Enough rounds for text whose HTML was escaped twice over (`&amp;lt;script&amp;gt;`).
_CLEAN_ROUNDS = 4


def _until_stable(source: str, clean) -> str:
    text = source
    for _ in range(_CLEAN_ROUNDS):
        cleaned = html.unescape(clean(text))
        if cleaned == text:
            break
        text = cleaned
    return text


def text_from_html(source: str) -> str:
    """Plain text from imported text that may hold HTML (a GIFT `[html]` question, say).

    Every tag goes, a script or style with its content; entities become characters; text
    without HTML comes back unchanged. For the fields shown as plain text: a stem, a choice,
    its feedback.
    """
    if "<" not in source and "&" not in source:
        return source
    return _until_stable(source, lambda text: nh3.clean(text, tags=set(), attributes={}))


def markdown_source_clean(source: str) -> str:
    """Imported Markdown with unsafe HTML taken out and safe HTML kept, for an explanation.

    `render_markdown` cleans again whatever it renders; this keeps a script out of what is
    stored and exported too. Text without HTML comes back unchanged.
    """
    if "<" not in source and "&" not in source:
        return source
    return _until_stable(source, html_clean)


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
