"""Authoring: the versions of a question that learners, patients and trainees were asked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalogue import Question


class QuestionVersion(models.Model):
    """One version of a question as it was while current: its text, choices, fractions,
    feedback, scoring and translations (`snapshot`), and who saved it when.

    A question answered at its current version gets a new version when edited; one nobody has
    answered yet is edited in place, and so is its current version here.
    """

    question = models.ForeignKey(Question, related_name="versions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When this version was first saved."))
    saved_at = models.DateTimeField(auto_now=True, help_text=_("When this version was last saved."))

    class Meta:
        ordering = ["question", "-number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="unique_question_version")]

    def __str__(self):
        return f"{self.question_id} v{self.number}"
