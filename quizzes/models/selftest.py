"""Trainee self-tests: custom tests drawn from the question bank, and spaced review."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..rules.taking import DEADLINE_GRACE
from .catalogue import Question, Topic


class SelfTestQuerySet(models.QuerySet):
    def unfinished(self):
        """Tests still being taken: neither finished nor discarded (the one place that says so)."""
        return self.filter(finished_at__isnull=True, abandoned_at__isnull=True)

    def kept(self):
        """Every test but the discarded ones: what the trainee's lists show."""
        return self.filter(abandoned_at__isnull=True)

    def expired(self, now):
        """Timed tests whose deadline plus the grace has passed (`taking.is_expired`, as a query)."""
        return self.filter(deadline__lt=now - DEADLINE_GRACE)

    def in_progress(self, now):
        """Unfinished tests a trainee can still answer: what lists show as "in progress"."""
        return self.unfinished().exclude(deadline__lt=now - DEADLINE_GRACE)

    def with_counts(self):
        """Each test with `question_count` and `answered_count` (a choice stored)."""
        return self.annotate(question_count=Count("items"), answered_count=Count("items", filter=~Q(items__chosen=[])))


class SelfTest(models.Model):
    class Mode(models.TextChoices):
        TUTOR = "tutor", _("Tutor: feedback after each answer")
        TIMED = "timed", _("Timed: feedback at the end")

    class Pool(models.TextChoices):
        ALL = "all", _("All questions")
        UNUSED = "unused", _("Questions I have not seen")
        INCORRECT = "incorrect", _("Questions I got wrong")
        FLAGGED = "flagged", _("Questions I flagged")

    class Kind(models.TextChoices):
        CUSTOM = "custom", _("Custom test")
        REVIEW = "review", _("Spaced review")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="selftests", on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CUSTOM)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TUTOR)
    pool = models.CharField(max_length=10, choices=Pool.choices, default=Pool.ALL)
    topics = models.ManyToManyField(Topic, blank=True)
    seconds_per_question = models.PositiveSmallIntegerField(default=90)
    created_at = models.DateTimeField(auto_now_add=True)
    # Timed tests only: answers saved after this (plus a short grace) are not counted. Set when
    # the test is made. Saves check it in the cached answer sheet (selectors_selftest), and only
    # hand an expired answer to the locked path, which reads this row: a deadline may later be
    # extended, but never brought forward.
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # Discarded by the trainee before finishing: kept (never deleted), never listed, scored or
    # counted, and closed to answers. A test is finished or abandoned, never both.
    abandoned_at = models.DateTimeField(null=True, blank=True)

    objects = SelfTestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)), name="selftest_score_in_range"
            ),
            models.CheckConstraint(condition=Q(seconds_per_question__gte=10), name="selftest_seconds_at_least_10"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(abandoned_at__isnull=True),
                name="selftest_not_finished_and_abandoned",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("quizzes:selftest_take", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_abandoned(self) -> bool:
        return self.abandoned_at is not None


class SelfTestItem(models.Model):
    """One question in a self-test, frozen as shown (snapshot, with the choice order), and the answer."""

    test = models.ForeignKey(SelfTest, related_name="items", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL)
    snapshot = models.JSONField()
    chosen = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    mark = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["test", "position"]
        constraints = [
            models.UniqueConstraint(fields=["test", "position"], name="unique_selftest_item_position"),
            models.UniqueConstraint(fields=["test", "question"], name="unique_selftest_item_question"),
        ]

    def __str__(self):
        return f"{self.test_id} #{self.position}"


class QuestionProgressQuerySet(models.QuerySet):
    def due(self, now):
        """Questions in spaced review (a box) that are due at `now`, from the trainee bank."""
        return self.filter(box__gt=0, due_at__lte=now, question__in=Question.objects.in_trainee_bank())


class QuestionProgress(models.Model):
    """A trainee's history with one question: seen, last result, flag, and its Leitner box."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="question_progress", on_delete=models.CASCADE)
    question = models.ForeignKey(Question, related_name="progress", on_delete=models.CASCADE)
    times_seen = models.PositiveIntegerField(default=0)
    times_correct = models.PositiveIntegerField(default=0)
    last_correct = models.BooleanField(null=True)
    last_answered_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    # Spaced review (Leitner boxes, see quizzes/spaced.py): 0 = not in review.
    box = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "question progress"
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="unique_question_progress")]
        indexes = [models.Index(fields=["user", "due_at"], name="qprogress_user_due")]

    def __str__(self):
        return f"{self.user} {self.question}"
