"""The four roles and what each may do: one place for who-can-what."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

CLINICIAN = "clinician"
EDUCATOR = "educator"
TRAINEE = "trainee"
PATIENT = "patient"

_CONTENT_MODELS = ["topic", "lesson", "lessonsection", "quiz", "question", "choice", "pathway", "pathwaystep"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    CLINICIAN: ["enrol_patient", "review_patient", "signoff_record", "take_quiz"],
    EDUCATOR: [
        "view_question_stats",
        "take_quiz",
        *(f"{action}_{model}" for model in _CONTENT_MODELS for action in ("view", "add", "change", "delete")),
    ],
    TRAINEE: ["take_quiz"],
    PATIENT: ["take_pathway"],
}


def roles_sync() -> list[str]:
    """Create or update the role groups with exactly their permissions; safe to run again."""
    create_permissions(apps.get_app_config("quizzes"), verbosity=0)
    changed = []
    for name, codenames in ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=name)
        wanted = set(Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames))
        missing = set(codenames) - {p.codename for p in wanted}
        if missing:
            raise LookupError(f"Unknown permissions for role {name}: {sorted(missing)}")
        if created or set(group.permissions.all()) != wanted:
            group.permissions.set(wanted)
            changed.append(name)
    return changed


def role_assign(*, user, role: str) -> None:
    """Put a user in a role's group (the groups are made by `roles_sync`)."""
    user.groups.add(Group.objects.get(name=role))


def staff_name(user) -> str:
    """How a member of staff is named on a patient's record: full name and username, or the username."""
    full, username = user.get_full_name(), user.get_username()
    return f"{full} ({username})" if full else username


def landing_page(user) -> str:
    """Where a user lands after logging in (a URL name): staff who review patients on their
    patient list, everyone else on the lessons and quizzes."""
    return "quizzes:patient_list" if user.has_perm("quizzes.review_patient") else settings.LOGIN_REDIRECT_URL


def _on_post_migrate(sender, **kwargs):
    roles_sync()


# Quizzes, results and self-tests are for learners with the trainee permission; patients have
# their own pathway and are refused there with 403.
learner_required = permission_required("quizzes.take_quiz", raise_exception=True)


def staff_only(perm: str):
    """Login first (anonymous visitors go to the login page), then the permission or 403."""

    def decorate(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate
