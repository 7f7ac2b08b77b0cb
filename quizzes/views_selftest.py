"""Trainee self-tests: the builder, one question per page, finishing, review, progress, spaced review.

Saving an answer answers either a page (no JavaScript: the form posts and the page moves on)
or `static/js/selftest.js`, which posts the same form with fetch as soon as a choice changes
and asks for JSON (`Accept: application/json`).
"""

from csp.decorators import csp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import charts, grading, selectors_selftest, services, spaced
from .forms_selftest import SelfTestAnswerForm, SelfTestBuilderForm
from .models import SelfTest
from .services.selftest import DEADLINE_GRACE, DeadlinePassed, InvalidAnswer, SelfTestError
from .snapshots import shown_choices, snapshot_key
from .views import learner_required


def _session_key(pk: int) -> str:
    return f"selftest:{pk}:q"


def _take_url(test_or_pk, position: int | None = None) -> str:
    pk = getattr(test_or_pk, "pk", test_or_pk)
    url = reverse("quizzes:selftest_take", args=[pk])
    return f"{url}?q={position}" if position else url


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _review_rows(items, *, reveal: bool):
    """Each question as the trainee saw it, with what they chose, the right answers and feedback."""
    rows = []
    for item in items:
        snapshot = item.snapshot
        correct = grading.correct_choice_ids(snapshot_key(snapshot))
        chosen = set(item.chosen)
        rows.append(
            {
                "item": item,
                "snapshot": snapshot,
                "outcome": grading.outcome(item.mark, chosen) if item.mark is not None else None,
                "choices": [
                    {**c, "chosen": c["id"] in chosen, "correct": reveal and c["id"] in correct}
                    for c in snapshot["choices"]
                ],
            }
        )
    return rows


# Builder ----------------------------------------------------------------------------------------


@never_cache
@login_required
@learner_required
@require_http_methods(["GET", "POST"])
def selftest_new(request):
    topics = selectors_selftest.bank_topics()
    form = SelfTestBuilderForm(request.POST or None, topics=topics)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            test = services.selftest_create(
                user=request.user,
                topics=data["topics"],
                pool=data["pool"],
                count=data["count"],
                mode=data["mode"],
                seconds_per_question=data["seconds_per_question"],
            )
        except SelfTestError as error:
            form.add_error(None, error.message)
        else:
            drawn = test.items.count()
            if drawn < data["count"]:
                messages.info(
                    request,
                    _("Only %(drawn)s questions matched your choices, so your test has %(drawn)s.") % {"drawn": drawn},
                )
            return redirect(_take_url(test, 1))
    services.selftest_finish_all_expired(user=request.user)  # not offered as open tests any longer
    tests = selectors_selftest.selftest_list_for_user(user=request.user, limit=5)
    context = {"form": form, "open_tests": [t for t in tests if not t.is_finished]}
    return render(request, "quizzes/selftest/selftest_new.html", context, status=400 if form.errors else 200)


# Taking -----------------------------------------------------------------------------------------


@never_cache
@login_required
@learner_required
@require_http_methods(["GET", "POST"])
def selftest_take(request, pk):
    if request.method == "POST":
        return _selftest_save(request, pk)
    test = selectors_selftest.selftest_get_for_user(pk=pk, user=request.user)
    now = timezone.now()
    if not test.is_finished and services.selftest_finish_if_expired(user=request.user, test=test, now=now):
        messages.warning(request, _("Time was up, so your test was finished with the answers you had saved."))
    if test.is_finished:
        return redirect("quizzes:selftest_review", pk=test.pk)
    states = selectors_selftest.selftest_item_states(test=test)
    position = _requested_position(request, test, states)
    item = selectors_selftest.selftest_item(test=test, position=position)
    if request.session.get(_session_key(test.pk)) != position:
        request.session[_session_key(test.pk)] = position  # where to resume; written only on a move
    tutor = test.mode == SelfTest.Mode.TUTOR
    locked = tutor and item.answered_at is not None
    feedback = _review_rows([item], reveal=True)[0] if locked else None
    remaining = None
    if test.deadline is not None:
        remaining = max(0, int((test.deadline - now).total_seconds()))
    context = {
        "test": test,
        "item": item,
        "snapshot": item.snapshot,
        "states": states,
        "total": len(states),
        "answered": sum(1 for s in states if s.answered),
        "position": position,
        "previous": position - 1 if position > 1 else None,
        "next": position + 1 if position < len(states) else None,
        "tutor": tutor,
        "locked": locked,
        "feedback": feedback,
        "choices": shown_choices(item.snapshot["choices"], checked=item.chosen),
        "multiple": item.snapshot["kind"] == grading.Kind.MULTIPLE,
        "remaining": remaining,
        "remaining_text": f"{remaining // 60}:{remaining % 60:02d}" if remaining is not None else "",
        "grace": int(DEADLINE_GRACE.total_seconds()),
    }
    return render(request, "quizzes/selftest/selftest_take.html", context)


def _requested_position(request, test, states) -> int:
    """`?q=N` if given (404 if the test has no such question), else where the trainee was."""
    raw = request.GET.get("q")
    if raw is not None:
        try:
            position = int(raw)
        except ValueError:
            raise Http404 from None
        if not 1 <= position <= len(states):
            raise Http404
        return position
    visited = request.session.get(_session_key(test.pk))
    if isinstance(visited, int) and 1 <= visited <= len(states):
        return visited
    return selectors_selftest.resume_position(states)


def _selftest_save(request, pk):
    form = SelfTestAnswerForm(request.POST)
    if not form.is_valid():
        message = _("That answer could not be read. Please choose again.")
        errors = form.non_field_errors()
        if errors:
            message = errors[0]
        return _refuse(request, pk, message, status=400, position=form.cleaned_data.get("position"))
    data = form.cleaned_data
    position = data["position"]
    action = data.get("action") or ""
    # An answered (locked) tutor question shows no inputs and sends nothing.
    try:
        saved = services.selftest_answer(
            user=request.user,
            test_id=pk,
            position=position,
            shown=form.shown(),
            flagged=form.flagged(),
            # Tutor mode: only "Check answer" marks a choice; saved as it is made (selftest.js),
            # or carried along by another button, it is kept until checked or the test ends.
            pending=action != SelfTestAnswerForm.Action.CHECK,
        )
    except ObjectDoesNotExist:
        raise Http404 from None
    except DeadlinePassed as error:
        # The take page finishes the expired test and shows the review.
        return _refuse(request, pk, error.message, status=409, redirect_to=_take_url(pk))
    except SelfTestError as error:
        status = 400 if isinstance(error, InvalidAnswer) else 409
        return _refuse(request, pk, error.message, status=status, position=position)
    if _wants_json(request):
        return JsonResponse(
            {"saved": True, "position": saved.position, "answered": saved.answered, "pending": saved.pending}
        )
    if action == SelfTestAnswerForm.Action.FINISH:
        return redirect("quizzes:selftest_finish", pk=pk)
    target = position
    if data.get("goto"):
        target = data["goto"]
    elif action == SelfTestAnswerForm.Action.NEXT:
        target = position + 1
    elif action == SelfTestAnswerForm.Action.PREV:
        target = max(1, position - 1)
    return redirect(_take_url(pk, target))


def _refuse(request, pk, message, *, status, position=None, redirect_to=None):
    """A refused save: JSON for the script, else a message and back to the question."""
    url = redirect_to or _take_url(pk, position)
    if _wants_json(request):
        return JsonResponse({"saved": False, "error": message, "redirect": url}, status=status)
    messages.error(request, message)
    return redirect(url)


# Finishing and review ---------------------------------------------------------------------------


@never_cache
@login_required
@learner_required
@require_http_methods(["GET", "POST"])
def selftest_finish(request, pk):
    test = selectors_selftest.selftest_get_for_user(pk=pk, user=request.user)
    if request.method == "POST":
        was_finished = test.is_finished
        services.selftest_finish(user=request.user, test_id=test.pk)
        if was_finished:
            messages.info(request, _("This test was already finished. Here is your review."))
        return redirect("quizzes:selftest_review", pk=test.pk)
    if not test.is_finished and services.selftest_finish_if_expired(user=request.user, test=test):
        messages.warning(request, _("Time was up, so your test was finished with the answers you had saved."))
    if test.is_finished:
        return redirect("quizzes:selftest_review", pk=test.pk)
    states = selectors_selftest.selftest_item_states(test=test)
    context = {
        "test": test,
        "states": states,
        "total": len(states),
        "answered": sum(1 for s in states if s.answered),
        "unanswered": [s.position for s in states if not s.answered],
        "flagged": [s.position for s in states if s.flagged],
    }
    return render(request, "quizzes/selftest/selftest_finish.html", context)


@never_cache
@login_required
@learner_required
@require_http_methods(["GET"])
def selftest_review(request, pk):
    test = selectors_selftest.selftest_get_for_user(pk=pk, user=request.user)
    if not test.is_finished and not services.selftest_finish_if_expired(user=request.user, test=test):
        messages.info(request, _("Finish the test to see the answers and explanations."))
        return redirect(_take_url(test))
    items = selectors_selftest.selftest_items(test=test)
    rows = _review_rows(items, reveal=True)
    correct = sum(1 for r in rows if r["outcome"] == grading.Outcome.CORRECT)
    context = {"test": test, "rows": rows, "total": len(rows), "correct": correct}
    return render(request, "quizzes/selftest/selftest_review.html", context)


# Progress and spaced review ---------------------------------------------------------------------


@never_cache
@login_required
@learner_required
@require_http_methods(["GET"])
def progress(request):
    now = timezone.now()
    services.selftest_finish_all_expired(user=request.user, now=now)  # not listed as open any longer
    board = selectors_selftest.dashboard(user=request.user, now=now)
    return render(request, "quizzes/selftest/progress.html", {"board": board})


CHARTS = ("topic-scores", "bank-coverage")


@never_cache
@login_required
@learner_required
@require_http_methods(["GET"])
# The SVG carries its own <style>; it is shown as an image, where no script ever runs.
@csp({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})
def progress_chart(request, name):
    if name == "topic-scores":
        topics, scores = selectors_selftest.topic_scores_by_week(user=request.user)
        weeks = sorted({s.week for s in scores})
        by_key = {(s.week, s.topic_id): float(s.score) for s in scores}
        series = {t.title: [by_key.get((w, t.id)) for w in weeks] for t in topics}
        svg = charts.topic_scores_svg(title=_("Score by topic, per week (%)"), weeks=weeks, series=series)
    elif name == "bank-coverage":
        rows = selectors_selftest.topic_progress(user=request.user)
        svg = charts.bank_coverage_svg(
            title=_("Questions seen, by topic"), rows=[(r.topic.title, r.seen, r.total) for r in rows]
        )
    else:
        raise Http404
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@never_cache
@login_required
@learner_required
@require_http_methods(["GET", "POST"])
def review_queue(request):
    if request.method == "POST":
        try:
            test = services.review_session_start(user=request.user)
        except SelfTestError as error:
            messages.info(request, error.message)
            return redirect("quizzes:review_queue")
        return redirect(_take_url(test))  # a session already open resumes where it was left
    queue = selectors_selftest.review_queue(user=request.user, now=timezone.now())
    boxes = [(box, spaced.INTERVAL_DAYS[box], count) for box, count in queue.boxes.items()]
    return render(request, "quizzes/selftest/review_queue.html", {"queue": queue, "boxes": boxes})
