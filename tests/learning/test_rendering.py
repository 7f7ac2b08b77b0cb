"""The quiz page's question blocks: the fast builder gives exactly the template's HTML."""

import pytest
from django.template.loader import get_template
from django.utils import translation

from quizzes.question_html import TEMPLATE, question_block

CHOICES = [
    {"value": "1", "text": 'Bone "cement" <b>&</b> a balloon', "checked": False},
    {"value": "2", "text": "Ninguna de las dos — ¿sí?", "checked": True},
    {"value": "3", "text": "A third choice", "checked": False},
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("multiple", [False, True])
@pytest.mark.parametrize("sent_marker", [False, True])
@pytest.mark.parametrize("autofocus", [False, True])
def test_the_fast_block_is_the_templates_html(language, multiple, sent_marker, autofocus):
    context = {
        "position": 7,
        "total": 30,
        "stem": 'Which <script>alert(1)</script> & what\'s "right"?',
        "multiple": multiple,
        "choices": CHOICES,
        "sent_marker": sent_marker,
        "autofocus": autofocus,
    }
    with translation.override(language):
        assert question_block(**context) == get_template(TEMPLATE).render({**context, "errors": []})
