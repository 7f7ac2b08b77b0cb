"""The test page's repeated parts built in Python: every question's wrapper and the navigator.

A test page holds every question of the test, and its navigator a button per question; through
the template engine those loops cost more than the rest of the request (about 270 number
localisations and 80 translation tags for a 20-question test). Here each translated word is
looked up once per page. The HTML is the same the template loops gave; the tests read the page
as a trainee does (tests/selftest/test_views.py, tests/browser/).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..question_html import question_block

CHECKED_TEMPLATE = "quizzes/selftest/includes/checked_question.html"


def questions_html(questions: Sequence, *, tutor: bool, total: int) -> SafeString:
    """Every question (`selectors.TakeRow`), only the current one shown: open ones with their
    choices (and "Check answer" in tutor mode), checked ones with their feedback."""
    check = escape(_("Check answer"))
    parts = []
    for q in questions:
        if q.feedback is not None:
            inner = render_to_string(CHECKED_TEMPLATE, {"row": q.feedback, "total": total, "autofocus": q.current})
        else:
            inner = question_block(
                position=q.position,
                total=total,
                stem=q.stem,
                multiple=q.multiple,
                choices=q.choices,
                sent_marker=True,
                autofocus=q.current,
            )
            if tutor:
                inner += (
                    f'<button type="submit" name="action" value="check" class="btn btn-primary btn-lg mb-3 '
                    f'check-answer" id="check-answer-{q.position}">{check}</button>\n'
                )
        parts.append(
            f'<div class="selftest-question" id="st-q-{q.position}" data-position="{q.position}" '
            f'data-flagged="{int(q.flagged)}" data-locked="{int(q.feedback is not None)}"'
            f"{'' if q.current else ' hidden'}>\n{inner}</div>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text went through escape or the templates


def navigator_html(states: Sequence, *, position: int) -> SafeString:
    """A button per question (`selectors.ItemState`): where it leads, answered or not, flagged."""
    answered, unanswered, flagged = escape(_("answered")), escape(_("not answered")), escape(_("flagged"))
    items = []
    for s in states:
        if s.position == position:
            look, current = "btn-dark", ' aria-current="step"'
        else:
            look, current = ("btn-primary" if s.answered else "btn-outline-secondary"), ""
        flag_look, flag_mark, flag_word = (
            (" border-warning border-3", "⚑", f", {flagged}") if s.flagged else ("", "", "")
        )
        number = escape(_("Question %(n)s") % {"n": s.position})
        label = f"{number}, {answered if s.answered else unanswered}{flag_word}"
        items.append(
            f'<li><button type="submit" name="goto" value="{s.position}" data-nav="{s.position}" '
            f'data-answered="{int(s.answered)}" class="btn btn-sm nav-q {look}{flag_look}"{current} '
            f'aria-label="{label}">{s.position}{flag_mark}</button></li>\n'
        )
    return mark_safe("".join(items))  # noqa: S308 - every text went through escape
