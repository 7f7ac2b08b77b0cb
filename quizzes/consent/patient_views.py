"""Patient pages: the consent education pathway, reached with a link or a code, no password."""

from functools import wraps

from django.contrib.auth import authenticate, login, logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..snapshots import shown_choices
from . import frozen, selectors, services
from .forms import ConsentAnswerForm, ConsentCodeForm, ask_token

PATIENT_BACKEND = "quizzes.backends.EnrolmentBackend"


def _access_problem(request):
    """One page for a wrong, expired or revoked link (or access ending mid-visit): it does not say which."""
    return render(request, "quizzes/consent/access_problem.html", status=403)


def _sign_in(request, user):
    login(request, user, backend=PATIENT_BACKEND)
    return redirect("quizzes:pathway_home")


@never_cache
def consent_link(request, token):
    """Open the pathway from the link, without django-axes: its 256-bit token cannot be guessed,
    so a bad link uses up no tries, and other people's wrong codes never lock a good one."""
    enrolment = services.enrolment_authenticate(token=token)
    return _sign_in(request, enrolment.user) if enrolment is not None else _access_problem(request)


@never_cache
@require_http_methods(["GET", "POST"])
def consent_code(request):
    if request.GET.get("lang") in {"en", "es"}:
        translation.activate(request.GET["lang"])
    form = ConsentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # django-axes counts a wrong code here and, at the limit, answers with `locked_out`.
        user = authenticate(request, consent_code=form.cleaned_data["code"])
        if user is not None:
            return _sign_in(request, user)
        failures = getattr(request, "axes_failures_since_start", None)
        form.refuse(tries_left=services.code_tries_left(failures=failures), pause_minutes=services.code_pause_minutes())
        return render(request, "quizzes/consent/code_form.html", {"form": form}, status=403)
    return render(request, "quizzes/consent/code_form.html", {"form": form})


def patient_view(view):
    """Only a signed-in patient with open access; pages speak the enrolment's language."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        allowed = user.is_authenticated and user.has_perm("quizzes.take_pathway")
        enrolment = selectors.enrolment_for_patient(user=user) if allowed else None
        if enrolment is None:
            return redirect("quizzes:consent_code")
        with translation.override(enrolment.language):
            request.LANGUAGE_CODE = enrolment.language
            response = _patient_response(request, enrolment, view, *args, **kwargs)
        # The locale middleware would otherwise label the page with the browser's language.
        response["Content-Language"] = enrolment.language
        return response

    return never_cache(wrapper)


def _patient_response(request, enrolment, view, *args, **kwargs):
    if not enrolment.is_open:
        logout(request)
        return _access_problem(request)
    record = services.record_get_or_start(enrolment=enrolment)
    try:
        return view(request, enrolment, record, *args, **kwargs)
    except Http404:
        return render(request, "404.html", status=404)


@require_POST
def pathway_leave(request):
    """ "Stop for now": sign the patient out and say how to come back, in their language."""
    enrolment = selectors.enrolment_for_patient(user=request.user) if request.user.is_authenticated else None
    language = enrolment.language if enrolment is not None else translation.get_language()
    logout(request)
    with translation.override(language):
        response = render(request, "quizzes/consent/left.html")
    response["Content-Language"] = language
    return response


@patient_view
def pathway_home(request, enrolment, record):
    overview = selectors.pathway_overview(record=record, events=selectors.record_events(record=record))
    return render(request, "quizzes/consent/pathway_home.html", {"enrolment": enrolment, "record": record, **overview})


@patient_view
def pathway_lesson(request, enrolment, record, slug):
    lesson = frozen.lesson(record.content, slug)
    if lesson is None:
        raise Http404
    services.record_lesson_viewed(record=record, lesson_slug=slug)
    lessons = record.content["lessons"]
    index = next(i for i, item in enumerate(lessons) if item["slug"] == slug)
    context = {
        "record": record,
        "lesson": lesson,
        "step": index + 1,
        "steps_total": len(lessons) + 1,
        "next_lesson": lessons[index + 1] if index + 1 < len(lessons) else None,
    }
    return render(request, "quizzes/consent/pathway_lesson.html", context)


@patient_view
def pathway_check(request, enrolment, record):
    events = selectors.record_events(record=record)
    step = selectors.record_check_step(record=record, events=events)
    if step.next_lesson is not None:
        return redirect("quizzes:pathway_lesson", slug=step.next_lesson["slug"])
    if step.ask is None:
        return redirect("quizzes:pathway_home")
    token = ask_token(record.pk, step.ask)
    form = ConsentAnswerForm(request.POST or None, question=step.question, choices=step.choices, token=token)
    if form.is_stale():
        # A double click or an old tab: nothing is stored; show what was answered last.
        return _to_latest_feedback(events)
    if request.method == "POST" and form.is_valid():
        event = services.record_answer(record_id=record.pk, ask=step.ask, chosen=form.chosen())
        if event is None:
            return _to_latest_feedback(selectors.record_events(record=record))
        return redirect("quizzes:pathway_feedback", pk=event.pk)
    context = {"record": record, "step": step, "choices": shown_choices(step.choices), "form": form}
    return render(request, "quizzes/consent/pathway_check.html", context, status=400 if form.errors else 200)


def _to_latest_feedback(events):
    answers = selectors.record_answer_events(events)
    if answers:
        return redirect("quizzes:pathway_feedback", pk=answers[-1].pk)
    return redirect("quizzes:pathway_check")


@patient_view
def pathway_feedback(request, enrolment, record, pk):
    feedback = selectors.record_feedback(record=record, events=selectors.record_events(record=record), pk=pk)
    if feedback is None:
        raise Http404
    return render(request, "quizzes/consent/pathway_feedback.html", {"record": record, **feedback})


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to too many wrong tries: patients get their own plain page."""
    template = (
        "quizzes/consent/locked_out.html" if request.path.startswith("/consent/") else "registration/locked_out.html"
    )
    return render(request, template, {"minutes": services.code_pause_minutes()}, status=429)
