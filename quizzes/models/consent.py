"""Patient consent education: pathways, enrolments, the frozen record, sign-off and the audit log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Lesson, Quiz


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

    def title_in(self, language: str) -> str:
        """The title in `language`, or the English one when it has no translation."""
        return self.translations.get(language, {}).get("title", self.title)


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

    @staticmethod
    def format_code(code: str) -> str:
        """The short code as printed for the patient: two groups of four ("ABCD-EFGH")."""
        return f"{code[:4]}-{code[4:]}"

    def access(self, now=None) -> str:
        """Whether the link and code still work: "open", "expired" or "revoked" (the one rule)."""
        if self.revoked_at is not None:
            return "revoked"
        return "open" if self.expires_at > (now or timezone.now()) else "expired"

    @property
    def is_open(self) -> bool:
        return self.access() == "open"


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
    """One step in a record's timeline: a lesson step reached, a lesson read to its last step,
    a "More about this" part opened, or a question answered."""

    class Kind(models.TextChoices):
        LESSON_VIEWED = "lesson_viewed", _("Lesson read to the end")
        STEP = "step", _("Lesson step reached")
        MORE_OPENED = "more_opened", _("Opened “More about this”")
        ANSWER = "answer", _("Answered")

    record = models.ForeignKey(ConsentRecord, related_name="events", on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lesson = models.SlugField(blank=True)
    section = models.SlugField(blank=True, help_text=_("Section slug in the frozen lesson (steps, optional parts)."))
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
            ),
            # Each step reached and each optional part opened is noted once.
            models.UniqueConstraint(
                fields=["record", "kind", "lesson", "section"],
                condition=Q(kind__in=["step", "more_opened"]),
                name="one_event_per_step_or_more",
            ),
        ]

    def __str__(self):
        return f"{self.record_id} {self.kind} {self.lesson or self.question} {self.section}".rstrip()


class SignOff(models.Model):
    """A clinician's note that the record was reviewed with the patient."""

    record = models.OneToOneField(ConsentRecord, related_name="signoff", on_delete=models.PROTECT)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    def __str__(self):
        return f"Signed off by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are added, never changed or removed: bulk update and delete refuse too."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows cannot be changed.")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows cannot be deleted.")


class AuditLogEntry(models.Model):
    """Who looked at which patient record, and when. Append-only: no role, no admin page and
    no code path can change or delete an entry (the admin is view-only; save and delete refuse)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed record")
        PDF = "pdf", _("Downloaded PDF")
        SIGNOFF = "signoff", _("Signed off")
        REVOKE = "revoke", _("Revoked access")
        ENROL = "enrol", _("Enrolled")
        LIFT_LOCKOUT = "unlock", _("Lifted the pause on codes")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries")
    at = models.DateTimeField(auto_now_add=True)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="audit_entries")
    action = models.CharField(max_length=10, choices=Action.choices)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit log entries"

    def __str__(self):
        return f"{self.user} {self.action} {self.enrolment} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit log entries cannot be deleted.")
