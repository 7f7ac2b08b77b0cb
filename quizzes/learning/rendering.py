"""Fast HTML for the quiz page and the result page.

Django's per-widget form templates cost about a millisecond per radio button, which made a
20-question page serve ~65 requests/s on our 2-core machine. Here each question is built in
Python (`question_html`), and the learner's whole page for an open attempt is cached (an
attempt's questions and choice order never change), so a reload costs one cache read and no
query beyond authentication. Only a page shown again with the learner's own ticks (after an
error) is rendered afresh.

A submitted attempt's result never changes either: it is rendered once per language and filter
and then served from the cache to its owner.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .. import cache as keys
from ..models import Attempt, Quiz, Response
from ..question_html import TEMPLATE, question_block
from ..snapshots import choice_ids_by_value, review_filter, shown_choices
from . import selectors

PAGE_TEMPLATE = "quizzes/learning/quiz_take.html"
RESULT_TEMPLATE = "quizzes/learning/attempt_result.html"
CSRF_PLACEHOLDER = "kq-csrf-token-placeholder"


def _render(response: Response, total: int, selected: set[str] | None, errors: Sequence[str]) -> str:
    """One question; `selected` holds the values the learner had ticked (shown again after an
    error), None for the answer saved as it was chosen (`response.chosen`)."""
    snapshot = response.snapshot
    if selected is None:
        checked = set(response.chosen)
    else:
        ids = choice_ids_by_value(snapshot["choices"])
        checked = {ids[v] for v in selected if v in ids}
    context = {
        "position": response.position,
        "total": total,
        "stem": snapshot["stem"],
        "multiple": snapshot["kind"] == "multiple",
        "choices": shown_choices(snapshot["choices"], checked=checked),
        "sent_marker": True,  # an empty value: the submission says it sent this question
    }
    if not errors:
        return question_block(**context)
    return get_template(TEMPLATE).render({**context, "errors": errors})


def question_blocks(
    responses: Sequence[Response],
    *,
    selected: Mapping[int, set[str]] | None = None,
    errors: Mapping[int, Sequence[str]] | None = None,
) -> SafeString:
    """The HTML of every question, in order, with the learner's ticks (as sent, else as saved)
    and errors; no answers in it."""
    errors = errors or {}
    total = len(responses)
    html = "".join(
        _render(r, total, None if selected is None else selected.get(r.position, set()), errors.get(r.position, ()))
        for r in responses
    )
    return mark_safe(html)  # noqa: S308 - every value went through the escaping template


def _keys(user_id: int, slug: str) -> tuple[str, str]:
    return keys.quiz_page_key(user_id, slug, get_language()), keys.quiz_generation_key(slug)


def cached_quiz_page(request, *, slug: str) -> HttpResponse | None:
    """The learner's open-attempt page for `slug` straight from the cache, or None.

    The entry is dropped when the learner starts or submits an attempt at the quiz
    (`cache.forget_learner_page`), and outdated when anything in the quiz changes
    (`cache.forget_quiz_pages`), so a hit needs no query of its own. That holds only when every
    worker shares the cache; with a per-process cache the caller looks the attempt up first.
    """
    if not settings.CACHE_IS_SHARED or len(get_messages(request)):
        return None
    page_key, gen_key = _keys(request.user.pk, slug)
    found = cache.get_many([page_key, gen_key])
    entry, generation = found.get(page_key), found.get(gen_key)
    if entry is None or generation is None or entry["generation"] != generation:
        return None
    return _with_csrf(request, entry["html"])


def quiz_page(request, *, quiz: Quiz, attempt: Attempt) -> HttpResponse:
    """The quiz page for an open attempt: with nothing ticked yet, from the cache if it holds
    this very attempt's page, else rendered and cached.

    Only the CSRF token differs between two loads of the same page; it is put in on the way
    out. A page with a message to show, or with answers saved as they were chosen (ticked
    again on the page), is neither served from nor stored in the cache.
    """
    context = {"quiz": quiz, "attempt": attempt, "unanswered": 0, "answered": 0, "first_unanswered": 1}
    if len(get_messages(request)):
        return _own_page(request, context, list(attempt.responses.all()))
    page_key, gen_key = _keys(request.user.pk, quiz.slug)
    # Read the quiz's generation before rendering: a change made meanwhile outdates this entry.
    keys.quiz_generation_ensure(quiz.slug)
    found = cache.get_many([page_key, gen_key])
    entry, generation = found.get(page_key), found.get(gen_key)
    stamp = (attempt.pk, attempt.started_at.isoformat())
    # An entry is stored only while nothing is saved, and every save drops it (learning/answers.py).
    if entry is not None and entry["generation"] == generation and entry["attempt"] == stamp:
        return _with_csrf(request, entry["html"])
    responses = list(attempt.responses.all())
    if any(r.chosen for r in responses):
        return _own_page(request, context, responses)
    context["blocks"], context["total"] = question_blocks(responses), len(responses)
    html = render_to_string(PAGE_TEMPLATE, {**context, "csrf_token": CSRF_PLACEHOLDER}, request)
    cache.set(page_key, {"html": html, "generation": generation, "attempt": stamp}, keys.QUIZ_PAGE_SECONDS)
    return _with_csrf(request, html)


def _own_page(request, context: dict, responses: list[Response]) -> HttpResponse:
    """The page with a message to show, or with answers saved as they were chosen: rendered
    for this request only, never cached."""
    context["blocks"], context["total"] = question_blocks(responses), len(responses)
    context["answered"] = sum(1 for r in responses if r.chosen)
    context["first_unanswered"] = next((r.position for r in responses if not r.chosen), None)
    return render(request, PAGE_TEMPLATE, context)


def _with_csrf(request, html: str) -> HttpResponse:
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def quiz_page_with_answers(request, *, quiz: Quiz, attempt: Attempt, form, unanswered: int = 0, status: int = 200):
    """The quiz page again after a POST, keeping what the learner ticked and showing each error
    by its question (never cached: it holds the learner's own ticks)."""
    responses = list(attempt.responses.all())
    selected = form.selected()
    errors = {
        r.position: form.errors[form.field_name(r.position)]
        for r in responses
        if form.field_name(r.position) in form.errors
    }
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "form": form,
        "blocks": question_blocks(responses, selected=selected, errors=errors),
        "total": len(responses),
        "unanswered": unanswered,
        "answered": sum(1 for r in responses if selected.get(r.position)),
        "first_unanswered": next((r.position for r in responses if not selected.get(r.position)), None),
    }
    return render(request, PAGE_TEMPLATE, context, status=status)


# The result page ----------------------------------------------------------------------------------


def cached_result_page(request, *, pk: int, missed_only: bool) -> HttpResponse | None:
    """A submitted attempt's result page from the cache, or None. Only its owner gets it, as
    they see the site now (their name and what their role opens, in the menu), and never while
    a message waits to be shown.

    With a shared cache a hit needs no query: the entry is dropped when the attempt is deleted
    (`cache.forget_attempt_result`) and outdated when a quiz is saved (`cache.forget_all_results`).
    With a per-process cache those changes may have happened in another worker, so one query
    checks the entry's stamp first.
    """
    if len(get_messages(request)):
        return None
    entry = keys.result_page_get(pk, get_language(), missed_only=missed_only)
    if entry is None or entry["owner"] != request.user.pk or entry["viewer"] != _viewer(request.user):
        return None
    if not settings.CACHE_IS_SHARED and selectors.attempt_result_stamp(pk=pk) != entry["stamp"]:
        return None
    return _with_csrf(request, entry["html"])


def result_page(request, *, attempt: Attempt, missed_only: bool) -> HttpResponse:
    """A submitted attempt's result, every question or only those missed, rendered and cached
    with a CSRF placeholder; with a message to show, rendered for this request only."""
    shown = review_filter(selectors.attempt_review(attempt=attempt), missed_only=missed_only)
    context = {"attempt": attempt, "review": shown["rows"], "filter": shown}
    if len(get_messages(request)):
        return render(request, RESULT_TEMPLATE, context)
    generation = keys.results_generation()  # before rendering: a quiz saved meanwhile outdates the page
    html = render_to_string(RESULT_TEMPLATE, {**context, "csrf_token": CSRF_PLACEHOLDER}, request)
    entry = {"html": html, "owner": attempt.user_id, "viewer": _viewer(request.user), "stamp": _stamp(attempt)}
    keys.result_page_set(attempt.pk, get_language(), entry, missed_only=missed_only, generation=generation)
    return _with_csrf(request, html)


def _viewer(user) -> str:
    """What a page's menu shows of the signed-in user (their name, the links their permissions
    open), as a digest: a renamed user or a changed role gets the page rendered again."""
    seen = repr((user.get_username(), sorted(user.get_all_permissions())))
    return hashlib.sha256(seen.encode()).hexdigest()


def _stamp(attempt: Attempt) -> tuple:
    """The same values as `selectors.attempt_result_stamp`, from the attempt already loaded."""
    return (attempt.user_id, attempt.started_at, attempt.submitted_at, attempt.quiz.title, attempt.quiz.slug)
