"""The content files in the repo (quizzes/content/, see its README): read and checked as a bundle."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ..models import Audience
from .specs import ContentError, _require, _slug, question_spec_from_yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: not valid YAML ({exc}).") from None


@dataclass
class Bundle:
    topics: list[dict] = field(default_factory=list)
    lessons: list[dict] = field(default_factory=list)
    quizzes: list[dict] = field(default_factory=list)
    pathways: list[dict] = field(default_factory=list)


TRANSLATED_LANGUAGES = ("es",)


def _translation(directory: Path, language: str, kind: str, slug: str) -> dict | None:
    path = directory / language / kind / f"{slug}.yaml"
    if not path.exists():
        return None
    data = _read_yaml(path) or {}
    if data.get("slug") != slug:
        raise ContentError(f"{language}/{kind}/{path.name}: slug must be {slug!r}.")
    return data


def _mirror(items: list, english: list, key: str, where: str) -> None:
    if [i.get(key) for i in items] != [e[key] if isinstance(e, dict) else getattr(e, key) for e in english]:
        raise ContentError(f"{where}: the {key}s must match the English file, in the same order.")


def _lesson_translations(directory: Path, data: dict) -> None:
    """Attach each language's lesson and section text to the English lesson data."""
    data["translations"] = {}
    for language in TRANSLATED_LANGUAGES:
        tr = _translation(directory, language, "lessons", data["slug"])
        if tr is None:
            continue
        where = f"{language}/lessons/{data['slug']}.yaml"
        _mirror(tr.get("sections") or [], data["sections"], "slug", where)
        data["translations"][language] = {"title": _require(tr, "title", where), "summary": tr.get("summary", "")}
        for section, translated in zip(data["sections"], tr["sections"], strict=True):
            section.setdefault("translations", {})[language] = {
                "title": _require(translated, "title", where),
                "body": str(_require(translated, "body", where)).strip(),
            }


def _quiz_translations(directory: Path, data: dict) -> None:
    """Attach each language's quiz and question text to the English quiz data."""
    data["translations"] = {}
    for language in TRANSLATED_LANGUAGES:
        tr = _translation(directory, language, "quizzes", data["slug"])
        if tr is None:
            continue
        where = f"{language}/quizzes/{data['slug']}.yaml"
        _mirror(tr.get("questions") or [], data["specs"], "name", where)
        data["translations"][language] = {
            "title": _require(tr, "title", where),
            "description": tr.get("description", ""),
        }
        specs = []
        for spec, translated in zip(data["specs"], tr["questions"], strict=True):
            at = f"{where} question '{spec.name}'"
            choices = translated.get("choices") or []
            if len(choices) != len(spec.choices):
                raise ContentError(f"{at}: {len(choices)} choices, the English question has {len(spec.choices)}.")
            text = {
                "stem": str(_require(translated, "stem", at)).strip(),
                "explanation": str(translated.get("explanation") or "").strip(),
                "choices": [
                    {"text": str(_require(c, "text", at)).strip(), "feedback": str(c.get("feedback") or "").strip()}
                    for c in choices
                ],
            }
            specs.append(replace(spec, translations={**spec.translations, language: text}))
        data["specs"] = specs


def _quiz_read(path: Path) -> dict:
    """One quiz file's own rules: its fields and its questions, parsed into `data["specs"]`."""
    where = f"quizzes/{path.name}"
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ContentError(f"{where}: a quiz file holds a mapping (slug, title, questions...).")
    _slug(_require(data, "slug", where), where, "slug")
    _require(data, "title", where)
    if data.get("audience") not in Audience.values:
        raise ContentError(f"{where}: audience must be one of {Audience.values}.")
    pass_mark = data.get("pass_mark", 70)
    if not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
        raise ContentError(f"{where}: pass_mark must be a whole number from 0 to 100.")
    specs = [question_spec_from_yaml(q, where) for q in _require(data, "questions", where)]
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ContentError(f"{where}: question names must be unique; repeated: {', '.join(duplicates)}.")
    data["specs"] = specs
    return data


def quiz_file_read(path: Path) -> dict:
    """One quiz file (`<content>/quizzes/<slug>.yaml`) with its translations, as `bundle_read` reads it.

    Its translations are found where `bundle_read` finds them (`<content>/es/quizzes/<slug>.yaml`).
    Only the file's own rules are checked: that its topics, lessons and sections exist needs the
    whole folder (`bundle_read`).
    """
    data = _quiz_read(path)
    _quiz_translations(path.resolve().parent.parent, data)
    return data


def bundle_read(directory: Path = CONTENT_DIR) -> Bundle:
    """Read and check every content file; nothing is written."""
    bundle = Bundle()
    topics_file = directory / "topics.yaml"
    if topics_file.exists():
        bundle.topics = _read_yaml(topics_file) or []
    topic_slugs = {_slug(t.get("slug"), "topics.yaml", "slug") for t in bundle.topics}
    sections: set[str] = set()
    for path in sorted((directory / "lessons").glob("*.yaml")):
        data = _read_yaml(path) or {}
        where = f"lessons/{path.name}"
        _slug(_require(data, "slug", where), where, "slug")
        _require(data, "title", where)
        if data.get("audience") not in Audience.values:
            raise ContentError(f"{where}: audience must be one of {Audience.values}.")
        if data.get("topic") and data["topic"] not in topic_slugs:
            raise ContentError(f"{where}: unknown topic {data['topic']!r}.")
        seen = set()
        if all(s.get("optional") for s in _require(data, "sections", where)):
            raise ContentError(f"{where}: at least one section must not be optional (the core path reads it).")
        for section in _require(data, "sections", where):
            slug = _slug(_require(section, "slug", where), where, "section slug")
            if slug in seen:
                raise ContentError(f"{where}: section '{slug}' appears twice.")
            seen.add(slug)
            _require(section, "title", f"{where} section '{slug}'")
            _require(section, "body", f"{where} section '{slug}'")
            if not isinstance(section.get("optional", False), bool):
                raise ContentError(f"{where} section '{slug}': 'optional' must be true or false.")
            sections.add(f"{data['slug']}#{slug}")
        _lesson_translations(directory, data)
        bundle.lessons.append(data)
    lesson_slugs = {lesson["slug"] for lesson in bundle.lessons}
    for path in sorted((directory / "quizzes").glob("*.yaml")):
        data = _quiz_read(path)
        where = f"quizzes/{path.name}"
        for slug in data.get("lessons") or []:
            if slug not in lesson_slugs:
                raise ContentError(f"{where}: unknown lesson {slug!r}.")
        for spec in data["specs"]:
            if spec.topic and spec.topic not in topic_slugs:
                raise ContentError(f"{where} question '{spec.name}': unknown topic {spec.topic!r}.")
            if spec.section and spec.section not in sections:
                raise ContentError(f"{where} question '{spec.name}': unknown section {spec.section!r}.")
        _quiz_translations(directory, data)
        bundle.quizzes.append(data)
    quiz_slugs = {q["slug"] for q in bundle.quizzes}
    for path in sorted((directory / "pathways").glob("*.yaml")):
        data = _read_yaml(path) or {}
        where = f"pathways/{path.name}"
        _slug(_require(data, "slug", where), where, "slug")
        _require(data, "title", where)
        for slug in _require(data, "lessons", where):
            if slug not in lesson_slugs:
                raise ContentError(f"{where}: unknown lesson {slug!r}.")
        if _require(data, "check", where) not in quiz_slugs:
            raise ContentError(f"{where}: unknown quiz {data['check']!r}.")
        bundle.pathways.append(data)
    return bundle
