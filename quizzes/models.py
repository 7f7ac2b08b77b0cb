from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import grading
from .text import reading_minutes, render_markdown, word_count


class Audience(models.TextChoices):
    PATIENT = "patient", _("Patients")
    TRAINEE = "trainee", _("Trainees")
    BOTH = "both", _("Patients and trainees")


class Topic(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Lesson(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL)
    position = models.PositiveSmallIntegerField(default=0)
    summary = models.CharField(max_length=300, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quizzes:lesson_detail", args=[self.slug])

    @property
    def reading_minutes(self) -> int:
        """Estimated minutes to read every section (uses prefetched sections when present)."""
        return reading_minutes(sum(s.word_count for s in self.sections.all()))


class LessonSection(models.Model):
    lesson = models.ForeignKey(Lesson, related_name="sections", on_delete=models.CASCADE)
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Markdown. Raw HTML is stripped."))
    body_html = models.TextField(editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [models.UniqueConstraint(fields=["lesson", "slug"], name="unique_section_slug_per_lesson")]

    def __str__(self):
        return f"{self.lesson.title} - {self.title}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.word_count = word_count(f"{self.title} {self.body}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{reverse('quizzes:lesson_detail', args=[self.lesson.slug])}#{self.slug}"


class Quiz(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    description = models.TextField(blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Percent needed to pass."),
    )
    shuffle_questions = models.BooleanField(default=True)
    shuffle_choices = models.BooleanField(default=True)
    lessons = models.ManyToManyField(Lesson, related_name="quizzes", blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    translations = models.JSONField(default=dict, blank=True)
    # Bumped by any change to the quiz's questions (see signals.py): an open attempt made from
    # an older version is started afresh.
    content_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "title"]
        verbose_name_plural = "quizzes"
        constraints = [models.CheckConstraint(condition=Q(pass_mark__lte=100), name="quiz_pass_mark_at_most_100")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quizzes:quiz_take", args=[self.slug])


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = grading.Kind.SINGLE.value, _("Single answer")
        MULTIPLE = grading.Kind.MULTIPLE.value, _("Multiple answers")
        TRUEFALSE = grading.Kind.TRUEFALSE.value, _("True or false")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MEDIUM = "medium", _("Medium")
        HARD = "hard", _("Hard")

    quiz = models.ForeignKey(Quiz, related_name="questions", on_delete=models.CASCADE)
    name = models.SlugField(max_length=100, help_text=_("Stable key, unique within the quiz."))
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    stem = models.TextField()
    explanation = models.TextField(blank=True, help_text=_("Markdown, shown after submitting."))
    explanation_html = models.TextField(blank=True, editable=False)
    source = models.CharField(max_length=300, blank=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL)
    difficulty = models.CharField(max_length=6, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    section = models.ForeignKey(
        LessonSection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("The lesson section this question checks."),
    )
    critical = models.BooleanField(
        default=False,
        help_text=_("Must be understood before consent: main risks, alternatives, what happens after."),
    )
    point = models.SlugField(
        max_length=100, blank=True, help_text=_("The idea it checks; questions sharing a point are siblings.")
    )
    translations = models.JSONField(
        default=dict, blank=True, help_text=_('Text in other languages: {"es": {"stem": ..., "explanation": ...}}.')
    )
    # Bumped whenever what a learner sees or how it is marked changes; an open attempt made
    # from an older version is started afresh.
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["quiz", "position", "id"]
        permissions = [("view_question_stats", "Can see how each question performs")]
        constraints = [models.UniqueConstraint(fields=["quiz", "name"], name="unique_question_name_per_quiz")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.explanation_html = render_markdown(self.explanation)
        super().save(*args, **kwargs)


class Choice(models.Model):
    question = models.ForeignKey(Question, related_name="choices", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    fraction = models.DecimalField(
        max_digits=8,
        decimal_places=7,
        default=0,
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text=_("Share of the question's mark: 1 = fully right, 0 = wrong, negative = penalty."),
    )
    feedback = models.TextField(blank=True, help_text=_("Shown after submitting, if this was chosen."))
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(fraction__gte=-1) & Q(fraction__lte=1), name="choice_fraction_in_range")
        ]

    def __str__(self):
        return self.text


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

    attempt = models.ForeignKey(Attempt, related_name="responses", on_delete=models.CASCADE)
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

    def __str__(self):
        return f"{self.attempt_id} #{self.position}"


# Patient consent education ----------------------------------------------------------------------


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class Pathway(models.Model):
    """What a patient works through before consent: ordered lessons, then a comprehension check."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    check_quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, help_text=_("The comprehension check."))
    max_rounds = models.PositiveSmallIntegerField(default=3)
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class PathwayStep(models.Model):
    pathway = models.ForeignKey(Pathway, related_name="steps", on_delete=models.CASCADE)
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["pathway", "position"]
        constraints = [models.UniqueConstraint(fields=["pathway", "position"], name="unique_pathway_step")]

    def __str__(self):
        return f"{self.pathway} #{self.position}: {self.lesson}"


class Enrolment(models.Model):
    """A patient enrolled by a clinician: a pseudonymous label and a password-less way in.

    The access link's token and the short code are stored only as keyed hashes; the clinician
    sees them once, when enrolling.
    """

    label = models.CharField(max_length=100, help_text=_("Pseudonymous label: no name or record number needed."))
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT)
    planned_date = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolment")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("enrol_patient", "Can enrol patients and revoke their access"),
            ("review_patient", "Can see patients' consent education records"),
            ("signoff_record", "Can sign off a consent education record"),
            ("take_pathway", "Can work through an own consent education pathway (patients)"),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("quizzes:patient_detail", args=[self.pk])


class ConsentRecord(models.Model):
    """The consent education record. Once completed it never changes (see `save`)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        MASTERY = "mastery", _("Mastery reached")
        NEEDS_DISCUSSION = "needs_discussion", _("Needs discussion")

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="record")
    language = models.CharField(max_length=2, choices=Language.choices)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    # Every lesson and question text as shown, in the patient's language, and its SHA-256.
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    pass_mark = models.PositiveSmallIntegerField()
    max_rounds = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    rounds_used = models.PositiveSmallIntegerField(default=0)
    discussion_points = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Record for {self.enrolment}"

    def save(self, *args, **kwargs):
        if self.pk and ConsentRecord.objects.filter(pk=self.pk, completed_at__isnull=False).exists():
            raise ValueError("A completed consent education record cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class RecordEvent(models.Model):
    """One step in a record's timeline: a lesson viewed or a question answered."""

    class Kind(models.TextChoices):
        LESSON_VIEWED = "lesson_viewed", _("Lesson viewed")
        ANSWER = "answer", _("Answered")

    record = models.ForeignKey(ConsentRecord, related_name="events", on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lesson = models.SlugField(blank=True)
    question = models.SlugField(max_length=100, blank=True, help_text=_("Question name in the frozen content."))
    slot = models.SlugField(max_length=100, blank=True, help_text=_("The original question this answer counts for."))
    round = models.PositiveSmallIntegerField(null=True, blank=True)
    chosen = models.JSONField(default=list, blank=True)
    correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["record", "at", "id"]
        constraints = [
            # One answer per question slot and round: a double click cannot record two.
            models.UniqueConstraint(
                fields=["record", "slot", "round"], condition=Q(kind="answer"), name="one_answer_per_slot_round"
            )
        ]

    def __str__(self):
        return f"{self.record_id} {self.kind} {self.lesson or self.question}"


class SignOff(models.Model):
    """A clinician's note that the record was reviewed with the patient."""

    record = models.OneToOneField(ConsentRecord, related_name="signoff", on_delete=models.PROTECT)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    def __str__(self):
        return f"Signed off by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class AuditLogEntry(models.Model):
    """Who looked at which patient record, and when."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed record")
        PDF = "pdf", _("Downloaded PDF")
        SIGNOFF = "signoff", _("Signed off")
        REVOKE = "revoke", _("Revoked access")
        ENROL = "enrol", _("Enrolled")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries")
    at = models.DateTimeField(auto_now_add=True)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="audit_entries")
    action = models.CharField(max_length=10, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit log entries"

    def __str__(self):
        return f"{self.user} {self.action} {self.enrolment} at {self.at:%Y-%m-%d %H:%M}"


from .models_selftest import QuestionProgress, SelfTest, SelfTestItem  # noqa: E402,F401 - one app, two files
