"""Patient pages: the consent education pathway, reached with a link or a code, no password."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
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
    return redirect("quizzes:pathway_resume")


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
        return error_page(request, status=404)


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
def pathway_resume(request, enrolment, record):
    """Where a returning patient lands: the step or question where they stopped (a new patient:
    the pathway home, which says how long it takes; a finished one: the ending)."""
    events = selectors.record_events(record=record)
    if record.is_completed:
        return redirect("quizzes:pathway_done")
    if not events:
        return redirect("quizzes:pathway_home")
    resume = selectors.record_resume(record=record, events=events)
    if resume.lesson is None:
        return redirect("quizzes:pathway_check")
    return redirect("quizzes:pathway_lesson_step", slug=resume.lesson, number=resume.step)


@patient_view
def pathway_lesson(request, enrolment, record, slug):
    """A lesson's own address: its first step, or the step where the patient stopped in it."""
    if frozen.lesson(record.content, slug) is None:
        raise Http404
    resume = selectors.record_resume(record=record, events=selectors.record_events(record=record))
    number = resume.step if resume.lesson == slug else 1
    return redirect("quizzes:pathway_lesson_step", slug=slug, number=number)


@patient_view
def pathway_lesson_step(request, enrolment, record, slug, number):
    step = selectors.lesson_step(record=record, slug=slug, number=number)
    if step is None:
        raise Http404
    services.record_step_reached(record=record, step=step)
    return render(request, "quizzes/consent/pathway_lesson.html", {"record": record, "s": step})


@patient_view
def pathway_more(request, enrolment, record, slug, section):
    """A "More about this" part of one of the patient's own lessons."""
    more = selectors.lesson_more(record=record, slug=slug, section=section)
    if more is None:
        raise Http404
    services.record_more_opened(record=record, lesson_slug=slug, section_slug=section)
    return render(request, "quizzes/consent/pathway_more.html", {"record": record, **more})


@patient_view
def pathway_check(request, enrolment, record):
    if record.is_completed:
        return redirect("quizzes:pathway_done")
    events = selectors.record_events(record=record)
    step = selectors.record_check_step(record=record, events=events)
    if step.next_lesson is not None:
        return redirect("quizzes:pathway_lesson", slug=step.next_lesson["slug"])
    if step.ask is None:
        return redirect("quizzes:pathway_done")
    token = ask_token(record.pk, step.ask)
    form = ConsentAnswerForm(request.POST or None, question=step.question, choices=step.choices, token=token)
    if form.is_stale():
        # A double click or an old tab: nothing is stored; show what was answered last.
        return _after_answer(request, events, confirm=False)
    if request.method == "POST" and form.is_valid():
        event = services.record_answer(record_id=record.pk, ask=step.ask, chosen=form.chosen())
        if event is None:
            return _after_answer(request, selectors.record_events(record=record), confirm=False)
        return _after_answer(request, [event], confirm=True)
    context = {"record": record, "step": step, "choices": shown_choices(step.choices), "form": form}
    return render(request, "quizzes/consent/pathway_check.html", context, status=400 if form.errors else 200)


def _after_answer(request, events, *, confirm: bool):
    """A wrong answer gets its teach-back page; a right one a short "That is right." on the next
    question (or the ending)."""
    answers = selectors.record_answer_events(events)
    if answers and not answers[-1].correct:
        return redirect("quizzes:pathway_feedback", pk=answers[-1].pk)
    if confirm:
        # Evaluated now, in the patient's language (the message is stored after the view returns).
        messages.success(request, str(selectors.RIGHT_ANSWER))
    return redirect("quizzes:pathway_check")


@patient_view
def pathway_feedback(request, enrolment, record, pk):
    feedback = selectors.record_feedback(record=record, events=selectors.record_events(record=record), pk=pk)
    if feedback is None:
        raise Http404
    return render(request, "quizzes/consent/pathway_feedback.html", {"record": record, **feedback})


@patient_view
def pathway_done(request, enrolment, record):
    """The ending: what happens next, and the points still to talk about."""
    if not record.is_completed:
        return redirect("quizzes:pathway_check")
    overview = selectors.pathway_overview(record=record, events=selectors.record_events(record=record))
    return render(request, "quizzes/consent/pathway_done.html", {"enrolment": enrolment, "record": record, **overview})


@patient_view
def pathway_practice(request, enrolment, record, number):
    """Extra practice questions a patient may choose: answered and explained at once, never
    stored and never part of the check."""
    practice = selectors.practice_question(record=record, number=number)
    if practice is None:
        raise Http404
    token = ask_token(record.pk, practice["ask"])
    question, choices = practice["question"], practice["choices"]
    form = ConsentAnswerForm(request.POST or None, question=question, choices=choices, token=token)
    context = {"record": record, **practice, "choices": shown_choices(choices), "form": form}
    if request.method == "POST" and not form.is_stale() and form.is_valid():
        context["feedback"] = selectors.practice_feedback(question, form.chosen())
    return render(request, "quizzes/consent/pathway_practice.html", context, status=400 if form.errors else 200)


def in_pathway(path: str) -> bool:
    """Whether an address is in the patient's part of the site (everything under /consent/)."""
    return path.startswith(reverse("quizzes:consent_code"))


def error_page(request, *, status: int, **context):
    """The 403 or 404 page (templates/<status>.html) in the site's look. In the patient's part
    it has the patient's header, speaks their enrolment's language and leads back to their
    lessons, not to the learner menu."""
    patient_part = in_pathway(request.path)
    language = translation.get_language()
    user = getattr(request, "user", None)
    if patient_part and user is not None and user.is_authenticated:
        enrolment = selectors.enrolment_for_patient(user=user)
        language = enrolment.language if enrolment is not None else language
    with translation.override(language):
        response = render(request, f"{status}.html", {"in_pathway": patient_part, **context}, status=status)
    response["Content-Language"] = language
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to too many wrong tries: patients get their own plain page."""
    template = "quizzes/consent/locked_out.html" if in_pathway(request.path) else "registration/locked_out.html"
    return render(request, template, {"minutes": services.code_pause_minutes()}, status=429)
