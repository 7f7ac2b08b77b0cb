"""Every cache key, generation and "forget" call, in one place.

What is cached, and what outdates it:

- the signed-in user (`user:<id>`): dropped on every save or delete of the user row;
- each user's permission set (`perms:<id>`): stored with the permissions *generation*, which any
  change to roles, groups or permissions replaces, outdating every set at once;
- a learner's quiz page for an open attempt (`quizpage:...`): dropped when they start or submit
  an attempt, and outdated when anything in the quiz changes (the quiz's generation);
- a submitted attempt's result page (`result:...`), per language and filter: built from the
  attempt's frozen copies, so it is dropped only when the attempt is deleted or a new attempt
  takes its id; the quiz's title and address are the page's only live content, so any saved
  quiz outdates every result (the results generation); it is served only to the owner it records;
- a self-test's answer sheet (`selftest:<id>:sheet`) and its questions as frozen
  (`selftest:<id>:questions`): neither changes once the test is made, so they are kept in the
  worker's memory and in the shared cache; dropped only under a new test's id.

Services and signals call the `forget_*` functions here; nothing else builds a key.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache, caches

# How long a worker may go on using a cached user or permission set. Saving the user or changing
# a role outdates them at once; with a per-process cache, other workers catch up within this.
USER_SECONDS = 60
QUIZ_PAGE_SECONDS = 60 * 60 * 24
ANSWER_SHEET_SECONDS = 3600

PERMISSIONS_GENERATION_KEY = "perms:generation"
RESULTS_GENERATION_KEY = "results:generation"


def _new_generation() -> str:
    return secrets.token_hex(8)


def _generation(key: str) -> str | None:
    """The generation stored under `key`, made on first use (None when nothing is cached)."""
    generation = cache.get(key)
    if generation is None:
        cache.add(key, _new_generation(), None)
        generation = cache.get(key)
    return generation


# Users and permissions ------------------------------------------------------------------------


def user_key(user_id) -> str:
    return f"user:{user_id}"


def permissions_key(user_id) -> str:
    return f"perms:{user_id}"


def permissions_generation() -> str:
    """The current permissions generation, made on first use."""
    return _generation(PERMISSIONS_GENERATION_KEY)


def forget_user(user_id) -> None:
    """A cached user must not outlive a change to the row (a new password, deactivation)."""
    cache.delete(user_key(user_id))


def forget_all_permissions() -> None:
    """Outdate every cached permission set (a role, group or permission changed)."""
    cache.set(PERMISSIONS_GENERATION_KEY, _new_generation(), None)


# Quiz pages ---------------------------------------------------------------------------------------


def quiz_page_key(user_id: int, slug: str, language: str) -> str:
    # Bump the number when the page's HTML changes shape, so that no old page is served.
    return f"quizpage:5:{user_id}:{slug}:{language}"


def quiz_generation_key(slug: str) -> str:
    return f"quizgen:{slug}"


def quiz_generation_ensure(slug: str) -> None:
    """Make the quiz's generation if it has none yet (read it before rendering a page)."""
    cache.add(quiz_generation_key(slug), _new_generation(), None)


def quiz_snapshots_get(slug: str, read):
    """A quiz's questions frozen as written (`read()`: each question's id, version and snapshot),
    kept under the quiz's generation, so any change to the quiz outdates them. Only with a
    shared cache: a per-process one would not hear of a change made in another worker."""
    if not settings.CACHE_IS_SHARED:
        return read()
    key, gen_key = f"quizsnaps:1:{slug}", quiz_generation_key(slug)
    quiz_generation_ensure(slug)
    found = cache.get_many([key, gen_key])
    entry, generation = found.get(key), found.get(gen_key)
    if entry is not None and generation is not None and entry["generation"] == generation:
        return entry["questions"]
    questions = read()
    if generation is not None:
        cache.set(key, {"generation": generation, "questions": questions}, QUIZ_PAGE_SECONDS)
    return questions


def forget_learner_page(*, user_id: int, slug: str) -> None:
    """Drop a learner's cached page for a quiz (in every language) once their attempt changes."""
    cache.delete_many([quiz_page_key(user_id, slug, code) for code, _name in settings.LANGUAGES])


def forget_quiz_pages(*, slug: str) -> None:
    """Outdate every learner's cached page for a quiz whose content or settings changed."""
    cache.set(quiz_generation_key(slug), _new_generation(), None)


# Quiz results -------------------------------------------------------------------------------------


def _result_page_key(attempt_id: int, language: str, missed_only: bool) -> str:
    # Bump the number when the page's HTML changes shape, so that no old page is served.
    return f"result:1:{attempt_id}:{language}:{'missed' if missed_only else 'all'}"


def _result_page_keys(attempt_id: int) -> list[str]:
    return [
        _result_page_key(attempt_id, code, missed_only)
        for code, _name in settings.LANGUAGES
        for missed_only in (False, True)
    ]


def result_page_get(attempt_id: int, language: str, *, missed_only: bool) -> dict | None:
    """A submitted attempt's cached result page (the entry `result_page_set` stored), or None
    when there is none under the current results generation. One cache round trip."""
    key = _result_page_key(attempt_id, language, missed_only)
    found = cache.get_many([key, RESULTS_GENERATION_KEY])
    entry, generation = found.get(key), found.get(RESULTS_GENERATION_KEY)
    if entry is None or generation is None or entry["generation"] != generation:
        return None
    return entry


def results_generation() -> str | None:
    """The results generation, to read before rendering a result page: a quiz saved meanwhile
    outdates the page stored under it. None when nothing is cached (a dummy cache, Redis away)."""
    return _generation(RESULTS_GENERATION_KEY)


def result_page_set(attempt_id: int, language: str, entry: dict, *, missed_only: bool, generation) -> None:
    """Store a result page (a dict: its HTML and what a hit must check) under `generation`."""
    if generation is not None:
        key = _result_page_key(attempt_id, language, missed_only)
        cache.set(key, {**entry, "generation": generation}, QUIZ_PAGE_SECONDS)


def forget_attempt_result(*, attempt_id: int) -> None:
    """Drop an attempt's result pages (every language and filter): it was deleted."""
    cache.delete_many(_result_page_keys(attempt_id))


def forget_all_results() -> None:
    """Outdate every cached result page: a quiz was saved, and its title or address may be new."""
    cache.set(RESULTS_GENERATION_KEY, _new_generation(), None)


# Self-test answer sheets --------------------------------------------------------------------------


def _answer_sheet_key(test_id: int) -> str:
    # Bump the version when the sheet changes shape, so that no old entry is unpickled.
    return f"selftest:{test_id}:sheet:v2"


def answer_sheet_get(test_id: int, read):
    """The test's answer sheet from the worker's memory, else the shared cache, else `read()`
    (stored in both); None when `read()` finds no such test."""
    return _sheet_get(_answer_sheet_key(test_id), read)


def _sheet_get(key: str, read):
    local = caches["local"]
    sheet = local.get(key)
    if sheet is None:
        sheet = cache.get(key)
        if sheet is None:
            sheet = read()
            if sheet is None:
                return None
            cache.set(key, sheet, ANSWER_SHEET_SECONDS)
        local.set(key, sheet, ANSWER_SHEET_SECONDS)
    return sheet


def _test_questions_key(test_id: int) -> str:
    return f"selftest:{test_id}:questions:v1"


def test_questions_get(test_id: int, read):
    """A self-test's frozen questions (`read()`: each position's snapshot), from the worker's
    memory, else the shared cache, else `read()`; None when `read()` finds no such test."""
    return _sheet_get(_test_questions_key(test_id), read)


def forget_answer_sheet(*, test_id: int) -> None:
    """Drop any sheet (and questions) cached under a new test's id: one left by a database that
    was recreated while the shared cache (or this worker) kept running would describe another test."""
    _sheet_forget(_answer_sheet_key(test_id))
    _sheet_forget(_test_questions_key(test_id))


def _sheet_forget(key: str) -> None:
    caches["local"].delete(key)
    cache.delete(key)


# Quiz attempts' answer sheets ---------------------------------------------------------------------


def _attempt_sheet_key(attempt_id: int) -> str:
    # Bump the version when the sheet changes shape, so that no old entry is unpickled.
    return f"attempt:{attempt_id}:sheet:v1"


def attempt_sheet_get(attempt_id: int, read):
    """An attempt's answer sheet (it never changes: the questions are frozen when it starts),
    from the worker's memory, else the shared cache, else `read()`; None for no such attempt."""
    return _sheet_get(_attempt_sheet_key(attempt_id), read)


def forget_new_attempt(*, attempt_id: int) -> None:
    """Drop anything cached under a new attempt's id, its answer sheet and its result pages: an
    id can come back after a delete, or after the database was recreated while the shared cache
    kept running."""
    caches["local"].delete(_attempt_sheet_key(attempt_id))
    cache.delete_many([_attempt_sheet_key(attempt_id), *_result_page_keys(attempt_id)])
