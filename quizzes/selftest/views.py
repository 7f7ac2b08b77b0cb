"""Trainee self-tests: the builder, the test page, finishing, review, progress, spaced review.

The test page carries every question of the test and shows one. Saving an answer answers either
that page (no JavaScript: the form posts, the shown question's answer is saved and the next page
opens) or `static/js/selftest.js`, which moves between the questions in the browser and sends
each answer as a small urlencoded post as soon as it is chosen, asking for JSON
(`Accept: application/json`); "Check answer" (tutor) gets the question's feedback back.
"""

from dataclasses import asdict

from csp.decorators import csp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..roles import learner_required
from ..rules import spaced, taking
from ..snapshots import review_filter
from . import answers, charts, progress, rendering, selectors, services
from .forms import SelfTestAnswerForm, SelfTestBuilderForm
from .services import DeadlinePassed, SelfTestError


def trainee_page(methods):
    """Never cached, signed in, a learner, and only the given HTTP methods."""

    def decorate(view):
        return never_cache(login_required(learner_required(require_http_methods(methods)(view))))

    return decorate


def _take_url(test_or_pk, position: int | None = None) -> str:
    pk = getattr(test_or_pk, "pk", test_or_pk)
    url = reverse("quizzes:selftest_take", args=[pk])
    return f"{url}?q={position}" if position else url


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _gone(request):
    """Where a discarded test's pages lead: the builder, saying why."""
    messages.info(request, _("You discarded this test, so it cannot be opened any more."))
    return redirect("quizzes:selftest_new")


def _is_closed(request, test, now=None) -> bool:
    """Whether the test is finished, finishing it first if its time is up (and saying so)."""
    if not test.is_finished and services.selftest_finish_if_expired(user=request.user, test=test, now=now):
        messages.warning(request, _("Time was up, so your test was finished with the answers you had saved."))
    return test.is_finished


# Builder ----------------------------------------------------------------------------------------


@trainee_page(["GET", "POST"])
def selftest_new(request):
    form = SelfTestBuilderForm(request.POST or None, topics=selectors.bank_topics())
    if request.method == "POST" and form.is_valid():
        try:
            test = services.selftest_create(user=request.user, **form.cleaned_data)
        except SelfTestError as error:
            form.add_error(None, error.message)
        else:
            if test.question_count < form.cleaned_data["count"]:
                message = _("Only %(drawn)s questions matched your choices, so your test has %(drawn)s.")
                messages.info(request, message % {"drawn": test.question_count})
            return redirect(_take_url(test, 1))
    services.selftest_finish_all_expired(user=request.user)  # not offered as open tests any longer
    tests = selectors.selftest_list_for_user(user=request.user, limit=5)
    context = {"form": form, "open_tests": [t for t in tests if not t.is_finished]}
    return render(request, "quizzes/selftest/selftest_new.html", context, status=400 if form.errors else 200)


# Taking -----------------------------------------------------------------------------------------


@trainee_page(["GET", "POST"])
def selftest_take(request, pk):
    """The whole test on one page (`?q=N` shows question N; without it, where the trainee would
    resume). Nothing is written: where the trainee is lives in the address, and a test opened
    afresh resumes after its last answered question."""
    if request.method == "POST":
        return _selftest_save(request, pk)
    test = selectors.selftest_get_for_user(pk=pk, user=request.user)
    if test.is_abandoned:
        return _gone(request)
    now = timezone.now()
    if _is_closed(request, test, now):
        return redirect("quizzes:selftest_review", pk=test.pk)
    context = selectors.take_page(test=test, position=_requested_position(request), now=now)
    if context is None:
        raise Http404
    context["questions_html"] = rendering.questions_html(
        context["questions"], tutor=context["tutor"], total=context["total"]
    )
    context["navigator_html"] = rendering.navigator_html(context["states"], position=context["position"])
    return render(request, "quizzes/selftest/selftest_take.html", context)


def _requested_position(request) -> int | None:
    """`?q=N` if given (404 if it is no number), else None."""
    raw = request.GET.get("q")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


def _selftest_save(request, pk):
    form = SelfTestAnswerForm(request.POST)
    if not form.is_valid():
        return _refuse(request, pk, form.error_message(), status=400, position=form.cleaned_data.get("position"))
    position, action = form.cleaned_data["position"], form.pressed()
    try:
        saved = answers.selftest_answer(user=request.user, test_id=pk, **form.answer())
    except ObjectDoesNotExist:
        raise Http404 from None
    except SelfTestError as error:
        # Time up: the take page finishes the test and shows the review.
        back = _take_url(pk) if isinstance(error, DeadlinePassed) else None
        return _refuse(request, pk, error.message, status=error.status, position=position, redirect_to=back)
    if _wants_json(request):
        answer = {"saved": True, **asdict(saved)}
        if action == taking.Action.CHECK and saved.answered and not saved.pending:
            # Checked (tutor): the page swaps the question for its feedback, sent only now.
            shown = selectors.checked_question(test_id=pk, position=position)
            answer["feedback"] = render_to_string(rendering.CHECKED_TEMPLATE, shown, request)
        return JsonResponse(answer)
    if action == taking.Action.FINISH:
        return redirect("quizzes:selftest_finish", pk=pk)
    goto = form.cleaned_data.get("goto")
    return redirect(_take_url(pk, taking.navigation_target(position=position, action=action, goto=goto)))


def _refuse(request, pk, message, *, status, position=None, redirect_to=None):
    """A refused save: JSON for the script, else a message and back to the question."""
    url = redirect_to or _take_url(pk, position)
    if _wants_json(request):
        return JsonResponse({"saved": False, "error": message, "redirect": url}, status=status)
    messages.error(request, message)
    return redirect(url)


# Finishing and review ---------------------------------------------------------------------------


@trainee_page(["GET", "POST"])
def selftest_finish(request, pk):
    test = selectors.selftest_get_for_user(pk=pk, user=request.user)
    if test.is_abandoned:
        return _gone(request)
    if request.method == "POST":
        if test.is_finished:
            messages.info(request, _("This test was already finished. Here is your review."))
        services.selftest_finish(user=request.user, test_id=test.pk)
        return redirect("quizzes:selftest_review", pk=test.pk)
    if _is_closed(request, test):
        return redirect("quizzes:selftest_review", pk=test.pk)
    context = selectors.finish_page(test=test, states=selectors.selftest_item_states(test=test))
    return render(request, "quizzes/selftest/selftest_finish.html", context)


@trainee_page(["GET"])
def selftest_review(request, pk):
    test = selectors.selftest_get_for_user(pk=pk, user=request.user)
    if test.is_abandoned:
        return _gone(request)
    if not test.is_finished and not services.selftest_finish_if_expired(user=request.user, test=test):
        messages.info(request, _("Finish the test to see the answers and explanations."))
        return redirect(_take_url(test))
    context = selectors.review_page(test=test)
    shown = review_filter(context["rows"], missed_only=request.GET.get("show") == "missed")
    return render(request, "quizzes/selftest/selftest_review.html", {**context, "rows": shown["rows"], "filter": shown})


@trainee_page(["GET", "POST"])
def selftest_discard(request, pk):
    """Ask, then discard an unfinished test (kept as abandoned). Only the trainee's own: 404."""
    test = selectors.selftest_get_for_user(pk=pk, user=request.user)
    back = request.POST.get("next") or request.GET.get("next")
    if not back or not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("quizzes:home")
    if request.method == "POST":
        try:
            services.selftest_abandon(user=request.user, test_id=test.pk)
        except SelfTestError as error:
            messages.info(request, error.message)
            return redirect("quizzes:selftest_review", pk=test.pk)
        messages.success(request, _("The test was discarded. It no longer shows as in progress."))
        return redirect(back)
    if test.is_abandoned:
        return _gone(request)
    if test.is_finished:
        return redirect("quizzes:selftest_review", pk=test.pk)
    context = {**selectors.finish_page(test=test, states=selectors.selftest_item_states(test=test)), "next": back}
    return render(request, "quizzes/selftest/selftest_discard.html", context)


# Progress and spaced review ---------------------------------------------------------------------


@trainee_page(["GET"])
def progress_page(request):
    now = timezone.now()
    services.selftest_finish_all_expired(user=request.user, now=now)  # not listed as open any longer
    board = progress.dashboard(user=request.user, now=now)
    return render(request, "quizzes/selftest/progress.html", {"board": board})


@trainee_page(["GET"])
# The SVG carries its own <style>; it is shown as an image, where no script ever runs.
@csp({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})
def progress_chart(request, name):
    layout = request.GET.get("layout")  # "phone": the narrow layout
    if name == "topic-scores":
        weeks, series = progress.topic_score_series(user=request.user)
        title = _("Score by topic, per week (%)")
        svg = charts.topic_scores_svg(title=title, weeks=weeks, series=series, layout=layout)
    elif name == "bank-coverage":
        rows = progress.topic_coverage(user=request.user)
        svg = charts.bank_coverage_svg(title=_("Questions seen, by topic"), rows=rows, layout=layout)
    else:
        raise Http404
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@trainee_page(["GET", "POST"])
def review_queue(request):
    if request.method == "POST":
        try:
            test = services.review_session_start(user=request.user)
        except SelfTestError as error:
            messages.info(request, error.message)
            return redirect("quizzes:review_queue")
        return redirect(_take_url(test))  # a session already open resumes where it was left
    queue = selectors.review_queue(user=request.user, now=timezone.now())
    boxes = [(box, spaced.INTERVAL_DAYS[box], count) for box, count in queue.boxes.items()]
    return render(request, "quizzes/selftest/review_queue.html", {"queue": queue, "boxes": boxes})
