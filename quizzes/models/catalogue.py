"""The catalogue: topics, lessons and their sections, quizzes, questions and choices."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..rules import grading
from ..rules.text import reading_minutes, render_markdown, word_count


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
    optional = models.BooleanField(
        default=False,
        help_text=_('"More about this": a patient may open it; it is not part of the core path.'),
    )
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


class QuestionQuerySet(models.QuerySet):
    def in_trainee_bank(self):
        """The trainee question bank: questions with a topic in published trainee quizzes."""
        return self.filter(
            quiz__is_published=True, quiz__audience__in=[Audience.TRAINEE, Audience.BOTH], topic__isnull=False
        )


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
    practice = models.BooleanField(
        default=False,
        help_text=_("Extra practice a patient may choose; never asked in a consent check."),
    )
    translations = models.JSONField(
        default=dict, blank=True, help_text=_('Text in other languages: {"es": {"stem": ..., "explanation": ...}}.')
    )
    # For each translated field, a digest of the English it was translated from
    # ({"es": {"stem": "<sha256>"}}): when the English changes, the translation shows as older.
    translation_sources = models.JSONField(default=dict, blank=True, editable=False)
    scoring = models.CharField(
        max_length=16,
        choices=[
            (grading.Scoring.PARTIAL.value, _("Partial: each choice's percentage counts")),
            (grading.Scoring.ALL_OR_NOTHING.value, _("All or nothing: full mark only for exactly the right choices")),
        ],
        default=grading.Scoring.PARTIAL.value,
        help_text=_("How a multiple-answer question is marked."),
    )
    # Reasoned exceptions to the item-writing check; not part of what learners see.
    item_check_allow = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Item-writing rules that do not apply to this question, each with its reason: "
            '[{"rule": "longest-correct", "reason": "..."}].'
        ),
    )
    # Bumped whenever what a learner sees or how it is marked changes; an open attempt made
    # from an older version is started afresh.
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()

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
    translation_sources = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(fraction__gte=-1) & Q(fraction__lte=1), name="choice_fraction_in_range")
        ]

    def __str__(self):
        return self.text
