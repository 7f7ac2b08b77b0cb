"""GIFT reading and writing (quizzes/authoring/formats/gift.py): Moodle's rules, the test corpus, round trips.

Plain data in and out: no database. The seed bank is read with PyYAML straight from the content
files, not through the app's loader.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.authoring.formats import gift
from quizzes.authoring.formats.common import php_trim

CORPUS = Path(__file__).parent / "corpus" / "gift"
SEED_QUIZZES = Path(__file__).resolve().parents[3] / "quizzes" / "content" / "quizzes"


def read(path: Path) -> str:
    """A corpus file byte for byte (no newline translation)."""
    return path.read_bytes().decode("utf-8")


def only(text: str, **options: Any) -> dict[str, Any]:
    """The one question a GIFT text holds; fails on errors."""
    result = gift.parse(text, **options)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def answers(question: dict[str, Any]) -> list[tuple[str, float, str]]:
    """A question's answers as (text, fraction, feedback)."""
    return [(a["text"], a["fraction"], a["feedback"]) for a in question["answers"]]


# The corpus -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((CORPUS / "valid").glob("*.gift")), ids=lambda p: p.name)
def test_valid_corpus_file_reads_as_its_json(path: Path) -> None:
    expected = json.loads(read(path.with_suffix(".json")))
    result = gift.parse(read(path))
    assert result.errors == []
    assert [dict(q, line=line) for q, line in zip(result.questions, result.lines, strict=True)] == expected["questions"]
    assert [{"line": s.line, "qtype": s.qtype} for s in result.skipped] == expected["skipped"]
    assert [{"line": w.line, "message": w.message} for w in result.warnings] == expected["warnings"]


# Each malformed file, the start of the first error it must give, and that error's line.
MALFORMED = {
    "blank_line_inside.gift": ("A { has no closing }", 2),
    "brace_in_answers.gift": ("A second { inside the answers", 1),
    "category_without_blank_line.gift": ("must be followed by a blank line", 1),
    "duplicate_title.gift": ("The name 'same-name' is used twice (first on line 1)", 3),
    "empty_answer.gift": ("An answer with no text", 4),
    "grade_not_listed.gift": ("The weight 33.3% is not one of the grades Moodle accepts", 3),
    "no_closing_brace.gift": ("A { has no closing }", 3),
    "no_opening_brace.gift": ("A } has no opening {", 4),
    "no_right_answer.gift": ("The question has no right answer", 1),
    "one_answer.gift": ("Not enough answers", 1),
    "partial_in_single.gift": ("a partial weight (50%) has no place in it", 3),
    "two_answer_blocks.gift": ("Braces after the answers", 1),
    "two_right_answers.gift": ("exactly one right answer (=); this one has 2", 3),
    "weight_not_number.gift": ("The weight %--50% is not a number", 1),
    "weights_not_100.gift": ("must add up to 100% (they add up to 75%)", 1),
}


@pytest.mark.parametrize(("filename", "fragment", "line"), [(k, *v) for k, v in MALFORMED.items()])
def test_malformed_corpus_file_reports_its_error_at_its_line(filename: str, fragment: str, line: int) -> None:
    result = gift.parse(read(CORPUS / "malformed" / filename))
    assert not result.ok
    first = result.errors[0]
    assert fragment in first.message
    assert first.line == line
    assert isinstance(first, gift.GiftError)


def test_every_malformed_corpus_file_has_its_expected_error() -> None:
    assert sorted(p.name for p in (CORPUS / "malformed").glob("*.gift")) == sorted(MALFORMED)


# Moodle's rules, one at a time ------------------------------------------------------------------


def test_true_false_first_feedback_goes_to_the_wrong_choice_and_second_to_the_right() -> None:
    true_right = only("Q?{TRUE#shown when wrong#shown when right}")
    assert answers(true_right) == [("True", 1.0, "shown when right"), ("False", 0.0, "shown when wrong")]
    false_right = only("Q?{F#shown when wrong#shown when right}")
    assert answers(false_right) == [("True", 0.0, "shown when wrong"), ("False", 1.0, "shown when right")]


def test_true_false_with_one_feedback_shows_it_to_a_wrong_answer() -> None:
    assert answers(only("Q?{T#Not so.}")) == [("True", 1.0, ""), ("False", 0.0, "Not so.")]


@pytest.mark.parametrize(("block", "is_true"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)])
def test_true_false_letters_and_words(block: str, is_true: bool) -> None:
    question = only(f"Q?{{{block}}}")
    assert question["type"] == "truefalse"
    assert question["single"] is True
    assert question["answers"][0]["fraction"] == (1.0 if is_true else 0.0)


def test_lower_case_true_is_a_short_answer_for_moodle_so_it_is_skipped_with_a_warning() -> None:
    result = gift.parse("::q::Q?{true}")
    assert result.questions == []
    assert [(s.line, s.qtype) for s in result.skipped] == [(1, "shortanswer")]
    assert "in capitals" in result.warnings[0].message


def test_any_equals_sign_makes_a_multiple_choice_question_single_answer() -> None:
    assert only("Q?{=a ~b}")["single"] is True
    assert only("Q?{~%100%a ~b}")["single"] is False
    assert only("Q?{~%50%a ~%50%b ~c}")["single"] is False


def test_equals_with_a_weight_is_full_marks_and_the_weight_stays_in_the_text() -> None:
    result = gift.parse("Q?{=%50%half ~b}")
    assert answers(result.questions[0]) == [("%50%half", 1.0, ""), ("b", 0.0, "")]
    assert "full marks" in result.warnings[0].message


def test_negative_and_decimal_weights() -> None:
    question = only("Q?{~%50%a ~%50%b ~%-100%c ~%-33.33333%d}")
    assert [a["fraction"] for a in question["answers"]] == [0.5, 0.5, -1.0, -0.3333333]


def test_something_between_percent_signs_that_is_no_weight_is_text_with_a_warning() -> None:
    result = gift.parse("Q?{~% 50%a =b}")
    assert answers(result.questions[0]) == [("% 50%a", 0.0, ""), ("b", 1.0, "")]
    assert "not a weight Moodle reads" in result.warnings[0].message


def test_a_question_without_text_is_an_error() -> None:
    assert [e.message for e in gift.parse("::t::{=a ~b}").errors] == ["The question has no text."]


def test_weight_within_a_hundred_thousandth_of_a_grade_becomes_that_grade() -> None:
    question = only("Q?{~%33.333%a ~%33.3333%b ~%33.33334%c}")
    assert [a["fraction"] for a in question["answers"]] == [0.3333333] * 3


def test_weight_that_is_no_moodle_grade_is_an_error_by_default() -> None:
    result = gift.parse("Q?{~%33.33%a ~%66.67%b}")
    assert [(e.line, e.message.split(" is ")[0]) for e in result.errors] == [
        (1, "The weight 33.33%"),
        (1, "The weight 66.67%"),
    ]


def test_nearest_mode_rounds_a_weight_to_the_nearest_grade() -> None:
    question = only("Q?{~%33.33%a ~%66.67%b}", match_grades="nearest")
    assert [a["fraction"] for a in question["answers"]] == [0.3333333, 0.6666667]


def test_feedback_follows_the_first_hash_and_general_feedback_the_last_four() -> None:
    question = only("Q?{=a#right ~b#wrong####general}")
    assert answers(question) == [("a", 1.0, "right"), ("b", 0.0, "wrong")]
    assert question["general_feedback"] == "general"


def test_missing_word_block_becomes_a_blank_in_the_text() -> None:
    assert only("Grant is {~buried =entombed} in Grant's tomb.")["text"] == "Grant is _____ in Grant's tomb."
    assert only("Who is in Grant's tomb? {~Grant =no one}")["text"] == "Who is in Grant's tomb?"


def test_escaped_characters_and_newlines() -> None:
    question = only(r"::a\:b::1 \= 1\n\{set\} \~ \# \\n{=x\#y#f\=g ~z}")
    assert question["name"] == "a-b"
    assert question["text"] == "1 = 1\n{set} ~ # \\n"
    assert answers(question)[0] == ("x#y", 1.0, "f=g")


def test_format_prefixes_are_stripped_from_text_answers_and_feedback() -> None:
    question = only("[html]<b>Q</b>?{=[plain]a#[markdown]*f* ~[moodle]b####[html]<i>g</i>}")
    assert question["text"] == "<b>Q</b>?"
    assert answers(question) == [("a", 1.0, "*f*"), ("b", 0.0, "")]
    assert question["general_feedback"] == "<i>g</i>"


def test_html_question_warns_that_it_is_kept_as_written() -> None:
    result = gift.parse("[html]<p>Q?</p>{=a ~b}")
    assert "HTML" in result.warnings[0].message


def test_questions_over_several_lines_with_comments_and_blank_lines_between() -> None:
    text = "// heading\n\n\n::one::First?\n{\n  =a\n// not an answer\n  ~b\n}\n\n\n::two::Second?{T}\n"
    result = gift.parse(text)
    assert [q["name"] for q in result.questions] == ["one", "two"]
    assert result.lines == [4, 12]
    assert answers(result.questions[0]) == [("a", 1.0, ""), ("b", 0.0, "")]


def test_names_without_a_title_come_from_the_text_and_are_unique() -> None:
    result = gift.parse("What is DXA?{=a ~b}\n\n::what-is-dxa::Taken.{T}\n\nWhat is DXA?{=c ~d}")
    assert [q["name"] for q in result.questions] == ["what-is-dxa-2", "what-is-dxa", "what-is-dxa-3"]


def test_titles_become_kebab_case_names() -> None:
    assert only("::Grant's Tomb (Q1)::Q?{T}")["name"] == "grant-s-tomb-q1"


def test_category_sets_the_topic_from_its_last_segment() -> None:
    text = "$CATEGORY: $course$/top/Default/Bone Health\n\nQ1?{T}\n\n$CATEGORY: $course$/top\n\nQ2?{T}"
    result = gift.parse(text)
    assert [q["topic"] for q in result.questions] == ["bone-health", None]


def test_unsupported_types_are_listed_with_their_lines_and_never_imported() -> None:
    text = "Q1?{=a =b}\n\nQ2?{#1:1}\n\nQ3?{=a -> b =c -> d}\n\nQ4?{}\n\nJust text.\n\nQ6?{=x ~y}"
    result = gift.parse(text)
    assert [(s.line, s.qtype, s.label) for s in result.skipped] == [
        (1, "shortanswer", "short answer"),
        (3, "numerical", "numerical"),
        (5, "match", "matching"),
        (7, "essay", "essay"),
        (9, "description", "description"),
    ]
    assert [q["text"] for q in result.questions] == ["Q6?"]
    assert result.ok


def test_strict_makes_an_unsupported_type_an_error() -> None:
    result = gift.parse("Q1?{=a =b}\n\nQ2?{=x ~y}", strict=True)
    assert result.skipped == []
    assert [(e.line, e.message) for e in result.errors] == [(1, "Short answer questions are not supported.")]


def test_windows_and_old_mac_line_endings_and_a_byte_order_mark() -> None:
    for newline in ("\r\n", "\r"):
        text = "\ufeff" + newline.join(["::a::A?{", "=x", "~y", "}", "", "::b::B?{T}"])
        result = gift.parse(text)
        assert [q["name"] for q in result.questions] == ["a", "b"]
        assert result.lines == [1, 6]


# Writing ----------------------------------------------------------------------------------------


def question(**fields: Any) -> dict[str, Any]:
    """A valid single-answer question, with any fields replaced."""
    base: dict[str, Any] = {
        "name": "q",
        "text": "Q?",
        "type": "multichoice",
        "single": True,
        "answers": [{"text": "a", "fraction": 1.0, "feedback": ""}, {"text": "b", "fraction": 0.0, "feedback": ""}],
        "general_feedback": "",
        "topic": None,
    }
    return {**base, **fields}


def test_dump_escapes_what_gift_reserves() -> None:
    text = gift.dump([question(text="a~b=c#d{e}f:g\\h\ni")])
    assert "::q::[markdown]a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni{" in text


def test_dump_writes_a_full_mark_answer_of_a_multiple_answer_question_as_a_weight() -> None:
    many = question(
        single=False,
        answers=[{"text": "a", "fraction": 1.0, "feedback": ""}, {"text": "b", "fraction": 0.0, "feedback": ""}],
    )
    assert "\t~%100%a\n\t~b\n" in gift.dump([many])


def test_dump_writes_decimal_weights_with_enough_places() -> None:
    thirds = question(
        single=False,
        answers=[{"text": t, "fraction": 0.3333333, "feedback": ""} for t in "abc"]
        + [{"text": "d", "fraction": -0.3333333, "feedback": ""}],
    )
    dumped = gift.dump([thirds])
    assert "\t~%33.33333%a\n" in dumped
    assert "\t~%-33.33333%d\n" in dumped


def test_dump_writes_true_false_feedback_in_moodles_order() -> None:
    tf = question(
        type="truefalse",
        answers=[
            {"text": "True", "fraction": 0.0, "feedback": "no"},
            {"text": "False", "fraction": 1.0, "feedback": "yes"},
        ],
        general_feedback="why",
    )
    assert gift.dump([tf]) == "::q::[markdown]Q?{FALSE#no#yes####why}\n"


def test_dump_guards_texts_that_would_read_as_a_prefix_or_a_weight() -> None:
    odd = question(
        answers=[
            {"text": "%50% off", "fraction": 1.0, "feedback": ""},
            {"text": "[html]b", "fraction": 0.0, "feedback": ""},
        ]
    )
    dumped = gift.dump([odd])
    assert "\t=[markdown]%50% off\n\t~[markdown][html]b\n" in dumped
    result = gift.parse(dumped)
    assert result.warnings == []
    assert answers(result.questions[0]) == [("%50% off", 1.0, ""), ("[html]b", 0.0, "")]


def test_dump_refuses_a_weight_moodle_does_not_accept() -> None:
    odd = question(
        single=False,
        answers=[{"text": "a", "fraction": 0.35, "feedback": ""}, {"text": "b", "fraction": 0.65, "feedback": ""}],
    )
    with pytest.raises(ValueError, match="35%"):
        gift.dump([odd])


def test_dump_writes_a_category_when_the_topic_changes() -> None:
    dumped = gift.dump([question(name="a", topic="spine"), question(name="b", topic="spine"), question(name="c")])
    assert dumped.count("$CATEGORY:") == 2
    assert [q["topic"] for q in gift.parse(dumped).questions] == ["spine", "spine", None]


# Round trips ------------------------------------------------------------------------------------

# What GIFT reserves, what looks like its syntax, and the minus sign (U+2212) the content uses.
AWKWARD = list("~=#{}:%\\\n[]/$*_ ->é\u2212")
FRAGMENTS = [
    "####",
    "//",
    "::",
    "->",
    r"\n",
    "\\\\",
    "[html]",
    "[markdown]",
    "%50%",
    "%-100%",
    "$CATEGORY:",
    "TRUE",
    "T",
]


def gift_text(min_size: int = 1) -> st.SearchStrategy[str]:
    """Texts full of what GIFT reserves, trimmed as every reader trims them."""
    piece = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(alphabet=st.sampled_from(AWKWARD + list("abcXYZ09.,?'()")), max_size=6),
    )
    texts = st.lists(piece, min_size=min_size, max_size=6).map(lambda parts: php_trim("".join(parts)))
    return texts.map(lambda text: text or "x") if min_size else texts


TEXT = gift_text()
OPTIONAL_TEXT = gift_text(min_size=0)
SLUG = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6), min_size=1, max_size=3
).map("-".join)
PARTITIONS = [
    [1.0],
    [0.5, 0.5],
    [0.3333333] * 3,
    [0.25] * 4,
    [0.2] * 5,
    [0.1666667] * 6,
    [0.1428571] * 7,
    [0.7, 0.3],
    [0.6, 0.4],
    [0.9, 0.1],
    [0.8333333, 0.1666667],
    [0.5, 0.25, 0.25],
    [0.6666667, 0.3333333],
]
WRONG = [0.0, -0.05, -0.25, -0.3333333, -0.5, -1.0]


@st.composite
def exchange_questions(draw: st.DrawFn) -> dict[str, Any]:
    """One valid exchange-format question of any supported kind."""
    kind = draw(st.sampled_from(["single", "multiple", "truefalse"]))
    feedback = OPTIONAL_TEXT
    if kind == "truefalse":
        is_true = draw(st.booleans())
        answer_list = [
            {"text": "True", "fraction": 1.0 if is_true else 0.0, "feedback": draw(feedback)},
            {"text": "False", "fraction": 0.0 if is_true else 1.0, "feedback": draw(feedback)},
        ]
    else:
        if kind == "single":
            fractions = [1.0, *draw(st.lists(st.sampled_from(WRONG), min_size=1, max_size=5))]
        else:
            fractions = draw(st.sampled_from(PARTITIONS)) + draw(st.lists(st.sampled_from(WRONG), max_size=3))
            if len(fractions) < 2:
                fractions.append(0.0)
        fractions = draw(st.permutations(fractions))
        answer_list = [{"text": draw(TEXT), "fraction": f, "feedback": draw(feedback)} for f in fractions]
    return {
        "name": "",
        "text": draw(TEXT),
        "type": "truefalse" if kind == "truefalse" else "multichoice",
        "single": kind != "multiple",
        "answers": answer_list,
        "general_feedback": draw(OPTIONAL_TEXT),
        "topic": draw(st.none() | st.sampled_from(["osteoporosis", "spine", "kyphoplasty"])),
    }


@st.composite
def question_banks(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few questions with distinct kebab-case names."""
    names = draw(st.lists(SLUG, min_size=1, max_size=6, unique=True))
    return [{**draw(exchange_questions()), "name": name} for name in names]


@settings(max_examples=300, deadline=None)
@given(question_banks())
def test_dump_then_parse_gives_back_the_same_questions(bank: list[dict[str, Any]]) -> None:
    result = gift.parse(gift.dump(bank))
    assert result.errors == []
    assert result.skipped == []
    assert result.warnings == []
    assert result.questions == bank


KINDS = {"single": ("multichoice", True), "multiple": ("multichoice", False), "truefalse": ("truefalse", True)}


def seed_bank(path: Path) -> list[dict[str, Any]]:
    """A quiz content file's questions in the exchange format (content README -> app README)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    bank = []
    for item in data["questions"]:
        qtype, single = KINDS[item["type"]]
        bank.append(
            {
                "name": item["name"],
                "text": str(item["stem"]).strip(),
                "type": qtype,
                "single": single,
                "answers": [
                    {
                        "text": str(choice["text"]).strip(),
                        "fraction": float(choice.get("fraction", 0)),
                        "feedback": str(choice.get("feedback") or "").strip(),
                    }
                    for choice in item["choices"]
                ],
                "general_feedback": str(item.get("explanation") or "").strip(),
                "topic": item.get("topic"),
            }
        )
    return bank


def as_moodle_reads_it(question: dict[str, Any]) -> dict[str, Any]:
    """What a round trip through GIFT can give back: weights snapped to Moodle's grades
    (0.3333334 becomes 0.3333333), true/false answers True first as Moodle stores them."""
    snapped = []
    for answer in question["answers"]:
        grade = min(gift.MOODLE_GRADES, key=lambda g: abs(g - answer["fraction"]))
        assert abs(grade - answer["fraction"]) < gift.GRADE_TOLERANCE
        snapped.append({**answer, "fraction": grade})
    if question["type"] == "truefalse":
        snapped.sort(key=lambda a: a["text"] != "True")
    return {**question, "answers": snapped}


@pytest.mark.parametrize("path", sorted(SEED_QUIZZES.glob("*.yaml")), ids=lambda p: p.name)
def test_seed_bank_round_trips_through_gift(path: Path) -> None:
    bank = seed_bank(path)
    assert bank
    result = gift.parse(gift.dump(bank))
    assert result.errors == []
    assert result.skipped == []
    assert result.warnings == []
    assert result.questions == [as_moodle_reads_it(q) for q in bank]
