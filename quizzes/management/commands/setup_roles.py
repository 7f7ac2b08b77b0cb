from django.core.management.base import BaseCommand

from quizzes.roles import ROLE_PERMISSIONS, roles_sync


class Command(BaseCommand):
    help = (
        "Create or update the groups clinician, educator, trainee and patient with their permissions. "
        "Safe to run again (migrate also runs it)."
    )

    def handle(self, *args, **options):
        changed = roles_sync()
        for name in ROLE_PERMISSIONS:
            state = "updated" if name in changed else "ok     "
            self.stdout.write(
                f"{state} {name}: {', '.join(ROLE_PERMISSIONS[name][:4])}{' ...' if len(ROLE_PERMISSIONS[name]) > 4 else ''}"
            )
        self.stdout.write(self.style.SUCCESS("Roles are set up."))
