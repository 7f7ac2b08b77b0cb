"""Aiken reading (quizzes/authoring/formats/aiken.py): Moodle's rules, the test corpus, errors at their lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizzes.authoring.formats import aiken

CORPUS = Path(__file__).parent / "corpus" / "aiken"


def read(path: Path) -> str:
    """A corpus file byte for byte (no newline translation: one file uses CRLF)."""
    return path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("path", sorted((CORPUS / "valid").glob("*.aiken")), ids=lambda p: p.name)
def test_valid_corpus_file_reads_as_its_json(path: Path) -> None:
    expected = json.loads(read(path.with_suffix(".json")))
    result = aiken.parse(read(path))
    assert result.errors == []
    assert result.skipped == []
    assert [dict(q, line=line) for q, line in zip(result.questions, result.lines, strict=True)] == expected["questions"]


# Each malformed file, the start of the first error it must give, and that error's line.
MALFORMED = {
    "answer_keyword_lower_case.aiken": ("Answer: must be written ANSWER: in capitals", 4),
    "answer_lower_case_letter.aiken": ("ANSWER: b is not among the options A to B", 4),
    "answer_not_an_option.aiken": ("ANSWER: D is not among the options A to B", 4),
    "answer_without_letter.aiken": ("ANSWER: gives no letter", 4),
    "empty_option.aiken": ("Option B has no text", 3),
    "labels_out_of_order.aiken": ("Option C where B was expected", 3),
    "missing_answer.aiken": ("no ANSWER line (the next one starts on line 5)", 1),
    "missing_answer_at_end.aiken": ("no ANSWER line (the file ends first)", 1),
    "one_option.aiken": ("The question on line 1 has 1 option(s); it needs two", 3),
    "option_before_question.aiken": ("An option outside a question", 1),
    "text_on_two_lines.aiken": ("no ANSWER line (the next one starts on line 2)", 1),
}


@pytest.mark.parametrize(("filename", "fragment", "line"), [(k, *v) for k, v in MALFORMED.items()])
def test_malformed_corpus_file_reports_its_error_at_its_line(filename: str, fragment: str, line: int) -> None:
    result = aiken.parse(read(CORPUS / "malformed" / filename))
    assert not result.ok
    first = result.errors[0]
    assert fragment in first.message
    assert first.line == line
    assert isinstance(first, aiken.AikenError)


def test_every_malformed_corpus_file_has_its_expected_error() -> None:
    assert sorted(p.name for p in (CORPUS / "malformed").glob("*.aiken")) == sorted(MALFORMED)


def test_both_option_styles_make_a_single_answer_question() -> None:
    result = aiken.parse("Which?\nA. one\nB) two\nANSWER: B\n")
    [question] = result.questions
    assert question["type"] == "multichoice"
    assert question["single"] is True
    assert [(a["text"], a["fraction"]) for a in question["answers"]] == [("one", 0.0), ("two", 1.0)]


def test_a_question_with_an_error_is_not_imported_but_the_others_are_read() -> None:
    result = aiken.parse("Bad?\nA. one\nANSWER: A\n\nGood?\nA. yes\nB. no\nANSWER: A\n")
    assert [q["text"] for q in result.questions] == ["Good?"]
    assert result.lines == [5]
    assert [e.line for e in result.errors] == [3]


def test_names_come_from_the_text_and_are_unique() -> None:
    text = "Which?\nA. a\nB. b\nANSWER: A\nWhich?\nA. a\nB. b\nANSWER: B\n"
    assert [q["name"] for q in aiken.parse(text).questions] == ["which", "which-2"]


def test_strict_is_accepted_and_changes_nothing() -> None:
    text = "Which?\nA. a\nB. b\nANSWER: A\n"
    assert aiken.parse(text, strict=True) == aiken.parse(text)
