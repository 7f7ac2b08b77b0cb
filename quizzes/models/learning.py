"""Learners' progress through lessons and their quiz attempts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .catalogue import Lesson, Question, Quiz


class LessonProgress(models.Model):
    """When a learner first and last opened a lesson."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE)
    first_viewed_at = models.DateTimeField(auto_now_add=True)
    last_viewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="unique_lesson_progress")]

    def __str__(self):
        return f"{self.user} - {self.lesson}"


class Attempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="attempts", on_delete=models.CASCADE)
    # PROTECT: a quiz with results cannot be deleted by accident; unpublish it instead.
    quiz = models.ForeignKey(Quiz, related_name="attempts", on_delete=models.PROTECT)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(help_text=_("The quiz's pass mark when it was taken."))
    quiz_version = models.PositiveIntegerField(default=1, help_text=_("The quiz's content version when started."))
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [("take_quiz", "Can take quizzes and see own results (trainees)")]
        constraints = [
            # At most one open attempt per learner and quiz, so a reload or a second tab
            # resumes it instead of starting another.
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(submitted_at__isnull=True),
                name="one_open_attempt_per_user_quiz",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="attempt_score_in_range",
            ),
        ]
        indexes = [models.Index(fields=["user", "-started_at"], name="attempt_user_started")]

    def __str__(self):
        return f"{self.user} - {self.quiz} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("quizzes:attempt_result", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Response(models.Model):
    """One question as the learner saw it in an attempt, and what they chose.

    `snapshot` keeps the question exactly as shown (stem, choices in the shuffled order with
    their fractions and feedback, explanation, source), so later edits or deletions of the
    question never change a stored result.
    """

    # No index of its own: `response_stats` and `unique_response_position` both start with it.
    attempt = models.ForeignKey(Attempt, related_name="responses", on_delete=models.CASCADE, db_index=False)
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL)
    question_version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    chosen = models.JSONField(default=list, blank=True)
    mark = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_response_position"),
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | (Q(mark__gte=0) & Q(mark__lte=1)),
                name="response_mark_in_range",
            ),
        ]
        indexes = [
            # Covers the item analysis read (analysis/selectors.py): a million responses come
            # from this small index in attempt order, without reading their wide snapshots.
            models.Index(fields=["attempt", "question", "mark", "chosen"], name="response_stats"),
        ]

    def __str__(self):
        return f"{self.attempt_id} #{self.position}"
