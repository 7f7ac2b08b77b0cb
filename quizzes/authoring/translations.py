"""Which translation was made from which English: a digest of the English text each translated
field was written from, kept beside the translation (`translation_sources`), so that a
translation whose English changed since shows as older than the English it translates."""

from __future__ import annotations

import hashlib

QUESTION_FIELDS = ("stem", "explanation")
CHOICE_FIELDS = ("text", "feedback")


def english_digest(text: str) -> str:
    """A short digest of an English text (what a translation was made from)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def sources_now(obj, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Digests of the English now, for every field translated in every language of `obj`:
    what to store when the translations and the English are written together."""
    return {
        language: {f: english_digest(getattr(obj, f)) for f in fields if translated.get(f)}
        for language, translated in (obj.translations or {}).items()
    }


def is_stale(obj, field: str, language: str) -> bool:
    """Whether the translation of `field` was made from English that has changed since (a
    translation with no recorded source cannot tell, and is not marked)."""
    source = (obj.translation_sources or {}).get(language, {}).get(field)
    return bool(source) and source != english_digest(getattr(obj, field))
