"""Lesson and quiz pages: the catalogue, a lesson, taking a quiz, its result, my results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from ..roles import learner_required
from . import answers, rendering, selectors, services
from .forms import QuizAnswerForm


def home(request):
    """The lessons and quizzes; for a learner who takes quizzes (a trainee), their own work
    first (reviews due, tests and quizzes in progress) and the trainee material before the
    patients'."""
    trainee = request.user.has_perm("quizzes.take_quiz")
    catalogue = selectors.catalogue_list(user=request.user, trainee_first=trainee)
    desk = selectors.trainee_desk(user=request.user, now=timezone.now(), catalogue=catalogue) if trainee else None
    return render(request, "quizzes/learning/home.html", {"catalogue": catalogue, "desk": desk})


def lesson_detail(request, slug):
    lesson = selectors.lesson_get(slug=slug)
    if request.user.is_authenticated:
        services.lesson_record_view(user=request.user, lesson=lesson)
    return render(request, "quizzes/learning/lesson_detail.html", {"lesson": lesson})


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
    quiz, attempt = services.attempt_for_page(user=request.user, slug=slug)
    if attempt.is_submitted:
        return render(request, "quizzes/learning/quiz_done.html", {"quiz": quiz, "attempt": attempt})
    return rendering.quiz_page(request, quiz=quiz, attempt=attempt)


@require_POST
@login_required
@learner_required
def quiz_save(request, slug):
    """The page's script saves answers as they are chosen: `attempt` and, for each question
    changed since its last save, `q<position>` with an empty value and the values ticked."""
    try:
        attempt_id = int(request.POST.get("attempt", ""))
        shown = {
            int(key[1:]): request.POST.getlist(key) for key in request.POST if key[:1] == "q" and key[1:].isdigit()
        }
        saved = answers.attempt_answers_save(user=request.user, attempt_id=attempt_id, shown=shown)
    except (ValueError, ObjectDoesNotExist):
        raise Http404 from None
    except answers.InvalidAnswer as error:
        return JsonResponse({"saved": False, "error": error.message}, status=400)
    except answers.AttemptClosed:
        message = _("This quiz was already submitted, or changed since you opened it. Reload the page.")
        return JsonResponse({"saved": False, "error": message, "reload": True}, status=409)
    return JsonResponse({"saved": True, "positions": saved})


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
        return rendering.quiz_page_with_answers(request, quiz=quiz, attempt=attempt, form=form, status=400)
    unanswered = form.unanswered_count()
    if unanswered and not form.cleaned_data["confirm_unanswered"]:
        return rendering.quiz_page_with_answers(request, quiz=quiz, attempt=attempt, form=form, unanswered=unanswered)
    return redirect(services.attempt_submit(attempt=attempt, answers=form.answers()))


@login_required
@learner_required
def attempt_result(request, pk):
    missed_only = request.GET.get("show") == "missed"
    # The cache checks the owner before it serves a page; anyone else falls through to the 404.
    cached = rendering.cached_result_page(request, pk=pk, missed_only=missed_only)
    if cached is not None:
        return cached
    attempt = selectors.attempt_get_for_user(pk=pk, user=request.user)
    if not attempt.is_submitted:
        return redirect(attempt.quiz)
    return rendering.result_page(request, attempt=attempt, missed_only=missed_only)


class MyResultsView(ListView):
    template_name = "quizzes/learning/attempt_list.html"
    context_object_name = "attempts"
    paginate_by = 25

    def get_queryset(self):
        return selectors.attempt_list_for_user(user=self.request.user)


my_results = login_required(learner_required(MyResultsView.as_view()))
