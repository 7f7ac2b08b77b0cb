"""A question's answer block as every answer page shows it, built without the template engine.

A quiz page or a self-test page holds one block per question, and a class opening a test at once
renders thousands; Django's per-widget templates cost about a millisecond per radio button.
`question_block` gives exactly the HTML of `TEMPLATE` for a question without errors (checked
by tests/learning/test_rendering.py); the template itself renders a block with errors.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

TEMPLATE = "quizzes/includes/question_block.html"


def question_block(
    *,
    position: int,
    total: int,
    stem: str,
    multiple: bool,
    choices: list[dict],
    sent_marker: bool,
    autofocus: bool = False,
) -> str:
    """One question's fieldset: its number, stem, hint and choices (`snapshots.shown_choices`),
    with an empty value after them when `sent_marker` (so "nothing ticked" is still sent), and
    the heading focus lands on when `autofocus`."""
    kind = "checkbox" if multiple else "radio"
    hint = _("Choose all that apply.") if multiple else _("Choose one answer.")
    number = _("Question %(position)s of %(total)s") % {"position": position, "total": total}
    cards = "".join(
        f'<label class="form-check answer-card" for="q{position}-{c["value"]}"><input class="form-check-input" '
        f'type="{kind}" name="q{position}" id="q{position}-{c["value"]}" value="{c["value"]}"'
        f'{" checked" if c["checked"] else ""}> <span class="form-check-label choice-text">{escape(c["text"])}</span>'
        "</label>\n"
        for c in choices
    )
    marker = f'<input type="hidden" name="q{position}" value="">' if sent_marker else ""
    focus = ' id="question-heading" tabindex="-1" data-autofocus' if autofocus else ""
    return (
        f'<fieldset class="card question mb-4" id="question-{position}" data-question>\n<div class="card-body">\n'
        f'<legend class="h5 mb-1"{focus}><span class="d-block small text-muted">{escape(number)}</span>'
        f"{escape(stem)}</legend>\n"
        f'<p class="form-text mt-0">{escape(hint)}</p>\n\n\n{cards}{marker}</div>\n</fieldset>\n'
    )
