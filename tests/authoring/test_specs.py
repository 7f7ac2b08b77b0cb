from dataclasses import replace

import pytest

from quizzes.authoring.specs import AllowSpec, ContentError, allow_from_stored, allow_specs, question_spec_from_yaml
from quizzes.rules import item_writing

QUESTION = {
    "name": "dxa-measures-density",
    "type": "single",
    "stem": "What does a DXA scan measure?",
    "choices": [
        {"text": "How dense your bones are", "fraction": 1},
        {"text": "How strong your muscles are", "fraction": 0},
        {"text": "How fast your heart beats", "fraction": 0},
        {"text": "How much you weigh", "fraction": 0},
    ],
}


def test_allow_is_read_with_its_rule_and_reason():
    spec = question_spec_from_yaml(
        {**QUESTION, "allow": [{"rule": "longest-correct", "reason": "The key must name\n  both conditions."}]},
        "q.yaml",
    )
    assert spec.allow == (AllowSpec(rule="longest-correct", reason="The key must name both conditions."),)
    assert spec.allowed_rules() == {"longest-correct"}


def test_a_question_without_allow_has_no_exceptions():
    assert question_spec_from_yaml(QUESTION, "q.yaml").allow == ()


def test_allow_with_an_unknown_rule_is_refused_with_the_known_ones():
    with pytest.raises(ContentError, match=r"q.yaml question 'dxa-measures-density': 'allow' names an unknown rule "):
        question_spec_from_yaml({**QUESTION, "allow": [{"rule": "longest-answer", "reason": "Why."}]}, "q.yaml")
    with pytest.raises(ContentError, match="longest-correct"):
        allow_specs([{"rule": "longest-answer", "reason": "Why."}], "here")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([{"rule": "longest-correct"}], "needs a 'reason'"),
        ([{"rule": "longest-correct", "reason": "  "}], "needs a 'reason'"),
        (["longest-correct"], "has a 'rule' and a 'reason'"),
        ([{"rule": "longest-correct", "reason": "Why.", "note": "x"}], "has a 'rule' and a 'reason'"),
        ({"rule": "longest-correct", "reason": "Why."}, "must be a list"),
        ([{"rule": "longest-correct", "reason": "A."}, {"rule": "longest-correct", "reason": "B."}], "twice"),
    ],
)
def test_allow_entries_need_a_known_rule_and_a_reason(value, message):
    with pytest.raises(ContentError, match=message):
        allow_specs(value, "here")


def test_every_rule_can_be_allowed():
    assert len(allow_specs([{"rule": rule, "reason": "Why."} for rule in item_writing.RULES], "here")) == len(
        item_writing.RULES
    )


def test_allow_does_not_change_the_content_hash():
    """Recording an exception changes nothing a learner sees, so no question gets a new version."""
    spec = question_spec_from_yaml(QUESTION, "q.yaml")
    excused = replace(spec, allow=(AllowSpec("longest-correct", "Why."),))
    assert excused.content_hash() == spec.content_hash()
    assert replace(spec, stem="Another stem?").content_hash() != spec.content_hash()


def test_stored_exceptions_are_carried_without_checking_them_again():
    stored = [{"rule": "retired-rule", "reason": "Once needed."}, {"rule": "longest-correct", "reason": "Why."}, "junk"]
    assert allow_from_stored(stored) == (
        AllowSpec("retired-rule", "Once needed."),
        AllowSpec("longest-correct", "Why."),
    )
    assert allow_from_stored(None) == ()
