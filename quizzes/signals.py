"""Keep quiz versions, cached quiz and result pages and cached permissions in step with the database."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import cache
from .models import Attempt, Choice, Question, Quiz


def _changed(quiz_id) -> None:
    """An open attempt from before this is started afresh, and cached pages are outdated."""
    Quiz.objects.filter(pk=quiz_id).update(content_version=F("content_version") + 1)
    slug = Quiz.objects.filter(pk=quiz_id).values_list("slug", flat=True).first()
    if slug is not None:
        cache.forget_quiz_pages(slug=slug)


@receiver([post_save, post_delete], sender=Quiz, dispatch_uid="quiz_pages_on_quiz")
def _quiz_changed(sender, instance, **kwargs):
    # Title, description, pass mark or publication changed: the page shows them. A result page
    # shows the quiz's title and links to it; the rest of a result is frozen with its attempt.
    cache.forget_quiz_pages(slug=instance.slug)
    cache.forget_all_results()


@receiver(post_delete, sender=Attempt, dispatch_uid="result_pages_on_attempt_delete")
def _attempt_deleted(sender, instance, **kwargs):
    # In the admin, or with its learner. Again after commit: a result page rendered from the
    # row before the delete was committed must not outlive it.
    attempt_id = instance.pk
    cache.forget_attempt_result(attempt_id=attempt_id)
    transaction.on_commit(lambda: cache.forget_attempt_result(attempt_id=attempt_id))


@receiver([post_save, post_delete], sender=Question, dispatch_uid="quiz_version_on_question")
def _question_changed(sender, instance, **kwargs):
    _changed(instance.quiz_id)


@receiver([post_save, post_delete], sender=Choice, dispatch_uid="quiz_version_on_choice")
def _choice_changed(sender, instance, **kwargs):
    quiz_id = Question.objects.filter(pk=instance.question_id).values_list("quiz_id", flat=True).first()
    if quiz_id is not None:
        _changed(quiz_id)


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="perms_on_user_groups")
@receiver(m2m_changed, sender=get_user_model().user_permissions.through, dispatch_uid="perms_on_user_perms")
@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="perms_on_group_perms")
@receiver(post_delete, sender=Group, dispatch_uid="perms_on_group_delete")
@receiver(post_delete, sender=Permission, dispatch_uid="perms_on_permission_delete")
def _roles_changed(sender, **kwargs):
    # Cached permission sets (backends.ModelBackend) must not outlive a role change.
    cache.forget_all_permissions()


@receiver([post_save, post_delete], sender=get_user_model(), dispatch_uid="cached_user_on_save")
def _user_changed(sender, instance, **kwargs):
    # A cached user (backends.ModelBackend.get_user) must not outlive a change to the row:
    # a new password, deactivation, a last-login stamp.
    cache.forget_user(instance.pk)
