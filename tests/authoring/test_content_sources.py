"""What a learner sees never carries an internal review mark, and every question cites a source
the learner can look up.

The content files are read here directly (PyYAML and pathlib), not through the app's loader, so
this check does not depend on where the loading code lives. YAML comments are not shown to
learners and may keep review notes, "[check]" marks included.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

CONTENT_DIR = Path(__file__).resolve().parents[2] / "quizzes" / "content"
LANGUAGE_DIRS = [CONTENT_DIR, *sorted(p for p in CONTENT_DIR.iterdir() if p.is_dir() and len(p.name) == 2)]

# Fields a learner sees, per kind of file. Keys, slugs, fractions and the like are not shown.
LESSON_FIELDS = ("title", "summary")
SECTION_FIELDS = ("title", "body")
QUIZ_FIELDS = ("title", "description")
QUESTION_FIELDS = ("stem", "explanation", "source")
CHOICE_FIELDS = ("text", "feedback")
LISTED_FIELDS = ("title", "description")  # topics.yaml and pathways/*.yaml

CHECK_MARK = re.compile(r"\[\s*check\b", re.IGNORECASE)
# The internal content brief is not something a learner can look up or is ever shown.
BRIEF_MENTION = re.compile(r"\bbrief\b", re.IGNORECASE)
BRIEF_REFERENCE = re.compile(r"\bcontent brief\b|\bbrief sections?\b", re.IGNORECASE)


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _rel(path: Path) -> str:
    try:
        return path.relative_to(CONTENT_DIR).as_posix()
    except ValueError:  # a file written by a test
        return path.name


def _text_fields(data: dict, fields: tuple[str, ...], where: str) -> Iterator[tuple[str, str]]:
    for field in fields:
        value = data.get(field)
        if isinstance(value, str):
            yield f"{where} {field}", value


def lesson_texts(path: Path) -> Iterator[tuple[str, str]]:
    data = _load(path) or {}
    where = _rel(path)
    yield from _text_fields(data, LESSON_FIELDS, where)
    for i, section in enumerate(data.get("sections") or []):
        yield from _text_fields(section, SECTION_FIELDS, f"{where} section {section.get('slug', i)}")


def quiz_texts(path: Path) -> Iterator[tuple[str, str]]:
    data = _load(path) or {}
    where = _rel(path)
    yield from _text_fields(data, QUIZ_FIELDS, where)
    for q, question in enumerate(data.get("questions") or []):
        q_where = f"{where} question {question.get('name', q)}"
        yield from _text_fields(question, QUESTION_FIELDS, q_where)
        for c, choice in enumerate(question.get("choices") or [], start=1):
            yield from _text_fields(choice, CHOICE_FIELDS, f"{q_where} choice {c}")


def listed_texts(path: Path) -> Iterator[tuple[str, str]]:
    data = _load(path) or []
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        if isinstance(item, dict):
            yield from _text_fields(item, LISTED_FIELDS, f"{_rel(path)} item {item.get('slug', i)}")


def lesson_files() -> list[Path]:
    return [p for d in LANGUAGE_DIRS for p in sorted((d / "lessons").glob("*.yaml"))]


def quiz_files() -> list[Path]:
    return [p for d in LANGUAGE_DIRS for p in sorted((d / "quizzes").glob("*.yaml"))]


def learner_texts() -> Iterator[tuple[str, str]]:
    for path in lesson_files():
        yield from lesson_texts(path)
    for path in quiz_files():
        yield from quiz_texts(path)
    for path in [CONTENT_DIR / "topics.yaml", *sorted((CONTENT_DIR / "pathways").glob("*.yaml"))]:
        if path.exists():
            yield from listed_texts(path)


def questions_with_sources() -> Iterator[tuple[str, dict]]:
    """Every question of every quiz file that carries a source (the English files do)."""
    for path in quiz_files():
        for q, question in enumerate((_load(path) or {}).get("questions") or []):
            if "source" in question or path.parent.parent == CONTENT_DIR:
                yield f"{_rel(path)} question {question.get('name', q)}", question


def citations(source: str) -> list[str]:
    """The separate citations in a source field ("Klazen, 2010; Venmans, 2012")."""
    return [part.strip() for part in source.split(";") if part.strip()]


def source_problem(source: str) -> str | None:
    """Why a question's source is not something a learner can look up, or None if it is."""
    if not source.strip():
        return "no source"
    if CHECK_MARK.search(source):
        return 'shows a "[check]" mark'
    if not [c for c in citations(source) if not BRIEF_MENTION.search(c)]:
        return "cites only the internal content brief"
    return None


# ---------- the content itself ----------


def test_there_are_content_files_in_every_language():
    assert len(lesson_files()) >= 5
    assert len(quiz_files()) >= 3
    assert any(d != CONTENT_DIR for d in LANGUAGE_DIRS), "no translation folder found"
    assert sum(1 for _ in learner_texts()) > 500


def test_no_learner_visible_text_carries_a_check_mark():
    marked = [where for where, text in learner_texts() if CHECK_MARK.search(text)]
    assert not marked, 'Learner-visible text with a "[check]" mark:\n' + "\n".join(marked)


def test_no_learner_visible_text_refers_to_the_internal_brief():
    referring = [where for where, text in learner_texts() if BRIEF_REFERENCE.search(text)]
    assert not referring, "Learner-visible text citing the internal brief:\n" + "\n".join(referring)


def test_every_question_cites_a_source_a_learner_can_look_up():
    questions = list(questions_with_sources())
    assert len(questions) >= 45
    problems = [
        f"{where}: {problem} ({question.get('source')!r})"
        for where, question in questions
        if (problem := source_problem(str(question.get("source") or "")))
    ]
    assert not problems, "Questions without a usable source:\n" + "\n".join(problems)


# ---------- the checks themselves ----------


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("Klazen, 2010; Venmans, 2012 (VERTOS II)", None),
        ("Greenspan et al., J Am Geriatr Soc 2012 (GLOW)", None),
        ("Clark, 2016 (VAPOUR); brief section 6, sedation", None),
        ("", "no source"),
        ("Brief section 2, red flags", "cites only the internal content brief"),
        ("Content brief section 3 (Before)", "cites only the internal content brief"),
        ("Brief sections 6 and 8b; brief section 7", "cites only the internal content brief"),
        ("Brief section 3, Before and after [check]", 'shows a "[check]" mark'),
        ("Wardlaw, 2009 [Check the exact figure]", 'shows a "[check]" mark'),
    ],
)
def test_source_problem_tells_usable_from_unusable_sources(source, problem):
    assert source_problem(source) == problem


def test_the_walk_reaches_every_learner_visible_field(tmp_path):
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(
        "# a comment with [check] is fine\n"
        "slug: x\ntitle: T [check]\nsummary: S\n"
        "sections:\n  - slug: a\n    title: A\n    body: |\n      Body [check]\n",
        encoding="utf-8",
    )
    quiz = tmp_path / "quiz.yaml"
    quiz.write_text(
        "slug: q\ntitle: Q\ndescription: D\nquestions:\n"
        "  - name: one\n    stem: S [check]\n    explanation: E [check]\n    source: X [check]\n"
        "    choices:\n      - text: C [check]\n        feedback: F [check]\n",
        encoding="utf-8",
    )
    found = [where for where, text in [*lesson_texts(lesson), *quiz_texts(quiz)] if CHECK_MARK.search(text)]
    assert found == [
        "lesson.yaml title",
        "lesson.yaml section a body",
        "quiz.yaml question one stem",
        "quiz.yaml question one explanation",
        "quiz.yaml question one source",
        "quiz.yaml question one choice 1 text",
        "quiz.yaml question one choice 1 feedback",
    ]
