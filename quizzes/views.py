from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import LoginView, LogoutView
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, ListView

from . import grading, rendering, roles, selectors, services
from .forms import LoginForm, QuizAnswerForm, SignupForm
from .snapshots import snapshot_key


def home(request):
    return render(request, "quizzes/home.html", {"catalogue": selectors.catalogue_list(user=request.user)})


def lesson_detail(request, slug):
    lesson = selectors.lesson_get(slug=slug)
    if request.user.is_authenticated:
        services.lesson_record_view(user=request.user, lesson=lesson)
    return render(request, "quizzes/lesson_detail.html", {"lesson": lesson})


# Quizzes and results are for learners with the trainee permission; patients have their own
# pathway (views_consent) and are refused here.
learner_required = permission_required("quizzes.take_quiz", raise_exception=True)


@never_cache
@login_required
@learner_required
def quiz_take(request, slug):
    if request.method == "POST":
        quiz = selectors.quiz_get_published(slug=slug)
        if request.POST.get("action") == "start":
            services.attempt_get_or_start(user=request.user, quiz=quiz)
            return redirect(quiz)
        return _quiz_submit(request, quiz)
    cached = rendering.cached_quiz_page(request, slug=slug)
    if cached is not None:
        return cached
    latest = selectors.attempt_latest(user=request.user, quiz_slug=slug)
    quiz = latest.quiz if latest is not None else selectors.quiz_get_published(slug=slug)
    if latest is not None and latest.is_submitted:
        # Opening the page again after submitting (the back button, a bookmark) must not
        # start a new attempt by itself: the learner chooses to.
        return render(request, "quizzes/quiz_done.html", {"quiz": quiz, "attempt": latest})
    attempt = services.attempt_resume(user=request.user, quiz=quiz, open_attempt=latest)
    if attempt is None:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    return rendering.quiz_page(request, quiz=quiz, attempt=attempt)


def _quiz_submit(request, quiz):
    try:
        attempt = selectors.attempt_get_for_user(pk=int(request.POST.get("attempt", "")), user=request.user)
    except ValueError:
        raise Http404 from None
    if attempt.quiz_id != quiz.id:
        raise Http404
    if attempt.is_submitted:
        messages.info(request, _("This quiz was already submitted. Here is your result."))
        return redirect(attempt)
    form = QuizAnswerForm(request.POST, responses=attempt.responses.all())
    if not form.is_valid():
        return _render_quiz(request, quiz, attempt, form, status=400)
    if form.unanswered_count() and not form.cleaned_data["confirm_unanswered"]:
        return _render_quiz(request, quiz, attempt, form, unanswered=form.unanswered_count())
    attempt = services.attempt_submit(attempt=attempt, answers=form.answers())
    return redirect(attempt)


def _render_quiz(request, quiz, attempt, form, *, unanswered=0, status=200):
    """The quiz page again after a POST, keeping what the learner ticked."""
    responses = list(attempt.responses.all())
    errors = {
        r.position: form.errors[form.field_name(r.position)]
        for r in responses
        if form.field_name(r.position) in form.errors
    }
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "form": form,
        "blocks": rendering.question_blocks(responses, selected=form.selected(), errors=errors),
        "total": len(responses),
        "unanswered": unanswered,
    }
    return render(request, "quizzes/quiz_take.html", context, status=status)


@login_required
@learner_required
def attempt_result(request, pk):
    attempt = selectors.attempt_get_for_user(pk=pk, user=request.user)
    if not attempt.is_submitted:
        return redirect(attempt.quiz)
    review = []
    for response in attempt.responses.all():
        key = snapshot_key(response.snapshot)
        correct = grading.correct_choice_ids(key)
        chosen = set(response.chosen)
        review.append(
            {
                "response": response,
                "snapshot": response.snapshot,
                "outcome": grading.outcome(response.mark, chosen),
                "choices": [
                    {**c, "chosen": c["id"] in chosen, "correct": c["id"] in correct}
                    for c in response.snapshot["choices"]
                ],
            }
        )
    return render(request, "quizzes/attempt_result.html", {"attempt": attempt, "review": review})


class MyResultsView(ListView):
    template_name = "quizzes/attempt_list.html"
    context_object_name = "attempts"
    paginate_by = 25

    def get_queryset(self):
        return selectors.attempt_list_for_user(user=self.request.user)


my_results = login_required(learner_required(MyResultsView.as_view()))


class SignupView(CreateView):
    form_class = SignupForm
    template_name = "registration/signup.html"
    success_url = reverse_lazy("quizzes:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        roles.role_assign(user=self.object, role=roles.TRAINEE)
        login(self.request, self.object, backend="quizzes.backends.ModelBackend")
        messages.success(self.request, _("Welcome! Your account is ready."))
        return response


class KQLoginView(LoginView):
    authentication_form = LoginForm


class KQLogoutView(LogoutView):
    """Logging out needs a POST (CSRF-safe); a GET shows a page with the button."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "registration/logout_confirm.html")


@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
