"""Patient pages: the consent education pathway, reached with a link or a code, no password."""

from functools import wraps

from django.contrib.auth import authenticate, login, logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import consent_content, selectors, services
from .forms_consent import ConsentAnswerForm, ConsentCodeForm, ask_token
from .models import RecordEvent
from .snapshots import shown_choices
from .teachback import Ask, slots_of

PATIENT_BACKEND = "quizzes.backends.EnrolmentBackend"


def _access_problem(request):
    """One page for a wrong, expired or revoked link or code: it does not say which."""
    return render(request, "quizzes/consent/access_problem.html", status=403)


def _sign_in(request, user):
    login(request, user, backend=PATIENT_BACKEND)
    return redirect("quizzes:pathway_home")


@never_cache
def consent_link(request, token):
    user = authenticate(request, consent_token=token)
    return _sign_in(request, user) if user is not None else _access_problem(request)


@never_cache
@require_http_methods(["GET", "POST"])
def consent_code(request):
    if request.GET.get("lang") in {"en", "es"}:
        translation.activate(request.GET["lang"])
    form = ConsentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, consent_code=form.cleaned_data["code"])
        return _sign_in(request, user) if user is not None else _access_problem(request)
    return render(request, "quizzes/consent/code_form.html", {"form": form})


def patient_view(view):
    """Only a signed-in patient with open access; pages speak the enrolment's language."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        enrolment = (
            selectors.enrolment_for_patient(user=user)
            if user.is_authenticated and user.has_perm("quizzes.take_pathway")
            else None
        )
        if enrolment is None:
            return redirect("quizzes:consent_code")
        with translation.override(enrolment.language):
            request.LANGUAGE_CODE = enrolment.language
            if not selectors.enrolment_is_open(enrolment):
                logout(request)
                response = _access_problem(request)
            else:
                record = services.record_get_or_start(enrolment=enrolment)
                try:
                    response = view(request, enrolment, record, *args, **kwargs)
                except Http404:
                    response = render(request, "404.html", status=404)
        # The locale middleware would otherwise label the page with the browser's language.
        response["Content-Language"] = enrolment.language
        return response

    return never_cache(wrapper)


def _pathway_state(record, events):
    """Lessons with their viewed state, the next step, and the check's progress."""
    viewed = {e.lesson for e in events if e.kind == RecordEvent.Kind.LESSON_VIEWED}
    lessons = [{**lesson, "viewed": lesson["slug"] in viewed} for lesson in record.content["lessons"]]
    next_lesson = next((lesson for lesson in lessons if not lesson["viewed"]), None)
    return lessons, next_lesson


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
    events = selectors.record_events(record=record)
    lessons, next_lesson = _pathway_state(record, events)
    context = {
        "enrolment": enrolment,
        "record": record,
        "lessons": lessons,
        "next_lesson": next_lesson,
        "steps_total": len(lessons) + 1,
        "steps_done": sum(1 for lesson in lessons if lesson["viewed"]) + (1 if record.is_completed else 0),
        "discussion": [consent_content.question(record.content, name)["stem"] for name in record.discussion_points],
        "check_started": any(e.kind == RecordEvent.Kind.ANSWER for e in events),
    }
    return render(request, "quizzes/consent/pathway_home.html", context)


@patient_view
def pathway_lesson(request, enrolment, record, slug):
    lesson = consent_content.lesson(record.content, slug)
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


def _check_progress(record, events, ask):
    slots = slots_of(consent_content.items(record.content))
    if ask.round == 1:
        done = sum(1 for e in events if e.kind == RecordEvent.Kind.ANSWER and e.round == 1)
        return {"number": done + 1, "total": len(slots), "again": False}
    due = {e.slot for e in events if e.kind == RecordEvent.Kind.ANSWER and e.round == ask.round - 1 and not e.correct}
    done = sum(1 for e in events if e.kind == RecordEvent.Kind.ANSWER and e.round == ask.round)
    return {"number": done + 1, "total": len(due), "again": True}


@patient_view
def pathway_check(request, enrolment, record):
    events = selectors.record_events(record=record)
    _, next_lesson = _pathway_state(record, events)
    if next_lesson is not None:
        return redirect("quizzes:pathway_lesson", slug=next_lesson["slug"])
    ask = selectors.record_next_ask(record=record, events=events)
    if record.is_completed or ask is None:
        return redirect("quizzes:pathway_home")
    question = consent_content.question(record.content, ask.question)
    choices = consent_content.choices_in_order(record.pk, ask, question)
    form = ConsentAnswerForm(request.POST or None, question=question, choices=choices, token=ask_token(record.pk, ask))
    if form.is_stale():
        # A double click or an old tab: nothing is stored; show what was answered last.
        return _to_latest_feedback(events)
    if request.method == "POST" and form.is_valid():
        event = services.record_answer(record_id=record.pk, ask=ask, chosen=form.chosen())
        if event is None:
            return _to_latest_feedback(selectors.record_events(record=record))
        return redirect("quizzes:pathway_feedback", pk=event.pk)
    context = {
        "record": record,
        "ask": ask,
        "question": question,
        "choices": shown_choices(choices),
        "form": form,
        "progress": _check_progress(record, events, ask),
    }
    return render(request, "quizzes/consent/pathway_check.html", context, status=400 if form.errors else 200)


def _to_latest_feedback(events):
    answers = [e for e in events if e.kind == RecordEvent.Kind.ANSWER]
    if answers:
        return redirect("quizzes:pathway_feedback", pk=answers[-1].pk)
    return redirect("quizzes:pathway_check")


@patient_view
def pathway_feedback(request, enrolment, record, pk):
    event = next(
        (e for e in selectors.record_events(record=record) if e.pk == pk and e.kind == RecordEvent.Kind.ANSWER), None
    )
    if event is None:
        raise Http404
    question = consent_content.question(record.content, event.question)
    chosen = [c for c in question["choices"] if c["id"] in set(event.chosen)]
    context = {
        "record": record,
        "event": event,
        "question": question,
        "chosen": chosen,
        "section": consent_content.section(record.content, question["section"]),
        "ask": Ask(slot=event.slot, question=event.question, round=event.round),
    }
    return render(request, "quizzes/consent/pathway_feedback.html", context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to too many wrong tries: patients get their own plain page."""
    template = (
        "quizzes/consent/locked_out.html" if request.path.startswith("/consent/") else "registration/locked_out.html"
    )
    return render(request, template, status=429)
