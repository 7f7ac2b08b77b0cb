"""Writing GIFT: questions written so that Moodle and `gift.parse` read them back the same."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .common import format_percent
from .gift_syntax import TEXT_FORMATS, moodle_grade


def dump(questions: Iterable[Mapping[str, Any]]) -> str:
    """Write exchange-format questions as GIFT that Moodle and `parse` read back the same.

    Texts are written in Markdown (`[markdown]` on the question text, which the rest inherit),
    with GIFT's special characters escaped and newlines as `\\n`. Weights are percentages with
    up to 5 decimals. Raises ValueError for a question GIFT cannot carry: an unknown type,
    true/false answers other than True and False, a weight that is not a Moodle grade, or a
    name used twice.
    """
    chunks: list[str] = []
    topic: str | None = None
    seen: set[str] = set()
    for question in questions:
        name = str(question["name"])
        if name in seen:
            raise ValueError(f"Question {name!r}: the name is used twice.")
        seen.add(name)
        if question.get("topic") != topic:
            topic = question.get("topic")
            chunks.append("$CATEGORY: $course$/top" + (f"/{topic.replace('/', '//')}" if topic else ""))
        chunks.append(_write_question(question))
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _escape_text(text: str) -> str:
    """Moodle's repchar: escape \\ # = ~ { } : and write newlines as \\n."""
    text = text.replace("\\", "\\\\")
    for char in "#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "").replace("\n", "\\n")


def _guarded(text: str, *, answer: bool = False) -> str:
    """Escaped text, with [markdown] before it when it would otherwise lose its start.

    That is a text starting like a [format] prefix, and an answer starting with %, which would
    be read as a weight (%50%) or, after =, warned about.
    """
    if (text.startswith("[") and text[1 : max(text.find("]"), 0)] in TEXT_FORMATS) or (answer and text.startswith("%")):
        return "[markdown]" + _escape_text(text)
    return _escape_text(text)


def _write_question(question: Mapping[str, Any]) -> str:
    """One question: ::name::, the text in Markdown, then its answer block."""
    name = str(question["name"])
    head = f"::{_escape_text(name)}::[markdown]{_escape_text(str(question['text']))}"
    general = str(question.get("general_feedback") or "")
    general_part = f"####{_guarded(general)}" if general else ""
    answers = list(question["answers"])
    for answer in answers:
        if moodle_grade(float(answer["fraction"]), "error") is None:
            raise ValueError(
                f"Question {name!r}: the weight {format_percent(float(answer['fraction']))}% is not a grade Moodle accepts."
            )
    if question["type"] == "truefalse":
        by_text = {a["text"]: a for a in answers}
        if sorted(by_text) != ["False", "True"] or len(answers) != 2:
            raise ValueError(f'Question {name!r}: a true/false question has the answers "True" and "False".')
        is_true = float(by_text["True"]["fraction"]) == 1
        right = str(by_text["True" if is_true else "False"].get("feedback") or "")
        wrong = str(by_text["False" if is_true else "True"].get("feedback") or "")
        body = "TRUE" if is_true else "FALSE"
        if wrong:
            body += "#" + _guarded(wrong)
        elif right:
            body += "#"
        if right:
            body += "#" + _guarded(right)
        return f"{head}{{{body}{general_part}}}"
    if question["type"] != "multichoice":
        raise ValueError(f"Question {name!r}: GIFT export knows multichoice and truefalse, not {question['type']!r}.")
    single = bool(question.get("single", True))
    lines = [head + "{"]
    for answer in answers:
        fraction = float(answer["fraction"])
        text = str(answer["text"])
        if fraction == 1 and single:
            mark = "="
        elif fraction == 0:
            mark = "~"
        else:
            mark = f"~%{format_percent(fraction)}%"
        feedback = str(answer.get("feedback") or "")
        lines.append("\t" + mark + _guarded(text, answer=True) + (f"#{_guarded(feedback)}" if feedback else ""))
    if general_part:
        lines.append("\t" + general_part)
    lines.append("}")
    return "\n".join(lines)
