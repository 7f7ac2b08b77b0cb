from django.apps import AppConfig
from django.db.models.signals import post_migrate


class QuizzesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quizzes"
    verbose_name = "Quizzes and lessons"

    def ready(self):
        from kyphoquiz import checks  # noqa: F401 - registers the deployment checks

        from . import roles, signals  # noqa: F401 - connects the content-version signals

        # Every `migrate` (and every test database) ends with the role groups in place.
        post_migrate.connect(roles._on_post_migrate, sender=self, dispatch_uid="quizzes_roles_sync")
