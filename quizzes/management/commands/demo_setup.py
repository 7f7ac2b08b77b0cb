from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand

DEMO_PASSWORD = "kyphoquiz-demo"  # noqa: S105 - documented demo password, local use only
DEMO_USERS = ["demo-trainee", "demo-educator", "demo-clinician"]


class Command(BaseCommand):
    help = (
        "Create the demo accounts (demo-trainee, demo-educator, demo-clinician; password "
        f"{DEMO_PASSWORD!r}) for a local trial. Never run this on a real site."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        for username in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            user.set_password(DEMO_PASSWORD)
            user.is_staff = username == "demo-educator"
            user.save()
            if username == "demo-educator":
                # Educators write content in the admin.
                user.user_permissions.set(
                    Permission.objects.filter(
                        content_type__app_label="quizzes",
                        content_type__model__in=["topic", "lesson", "lessonsection", "quiz", "question", "choice"],
                    )
                )
            self.stdout.write(f"{'created' if created else 'reset  '} {username} / {DEMO_PASSWORD}")
        self.stdout.write(self.style.SUCCESS("Demo accounts ready. Log in at http://127.0.0.1:8000/accounts/login/"))
