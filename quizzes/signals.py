"""Keep quiz versions and cached quiz pages in step with what a learner would see."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Choice, Question, Quiz
from .rendering import forget_quiz_pages


def _changed(quiz_id) -> None:
    """An open attempt from before this is started afresh, and cached pages are outdated."""
    Quiz.objects.filter(pk=quiz_id).update(content_version=F("content_version") + 1)
    slug = Quiz.objects.filter(pk=quiz_id).values_list("slug", flat=True).first()
    if slug is not None:
        forget_quiz_pages(slug=slug)


@receiver([post_save, post_delete], sender=Quiz, dispatch_uid="quiz_pages_on_quiz")
def _quiz_changed(sender, instance, **kwargs):
    # Title, description, pass mark or publication changed: the page shows them.
    forget_quiz_pages(slug=instance.slug)


@receiver([post_save, post_delete], sender=Question, dispatch_uid="quiz_version_on_question")
def _question_changed(sender, instance, **kwargs):
    _changed(instance.quiz_id)


@receiver([post_save, post_delete], sender=Choice, dispatch_uid="quiz_version_on_choice")
def _choice_changed(sender, instance, **kwargs):
    quiz_id = Question.objects.filter(pk=instance.question_id).values_list("quiz_id", flat=True).first()
    if quiz_id is not None:
        _changed(quiz_id)
