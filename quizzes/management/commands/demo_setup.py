from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from quizzes import roles
from quizzes.consent import services
from quizzes.consent.frozen import MissingTranslation
from quizzes.models import Enrolment, Pathway

DEMO_PASSWORD = "kyphoquiz-demo"  # noqa: S105 - documented demo password, local use only
DEMO_USERS = {"demo-trainee": roles.TRAINEE, "demo-educator": roles.EDUCATOR, "demo-clinician": roles.CLINICIAN}
DEMO_PATIENTS = {"en": "Demo patient (English)", "es": "Demo patient (Spanish)"}


class Command(BaseCommand):
    help = (
        "Create the demo accounts (demo-trainee, demo-educator, demo-clinician; password "
        f"{DEMO_PASSWORD!r}) in their roles, and enrol one demo patient per language, printing "
        "their links. For a local trial only: never run this on a real site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=getattr(settings, "SITE_URL", "http://127.0.0.1:8000"))

    def handle(self, *args, **options):
        roles.roles_sync()
        User = get_user_model()
        clinician = None
        for username, role in DEMO_USERS.items():
            user, created = User.objects.get_or_create(username=username)
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == roles.EDUCATOR  # educators write content in the admin
            user.save()
            user.groups.clear()
            roles.role_assign(user=user, role=role)
            clinician = user if role == roles.CLINICIAN else clinician
            self.stdout.write(f"{'created' if created else 'reset  '} {username} / {DEMO_PASSWORD} ({role})")
        pathway = Pathway.objects.filter(slug="kyphoplasty").first()
        if pathway is None:
            raise CommandError("No kyphoplasty pathway: run `manage.py load_content` first.")
        base = options["base_url"].rstrip("/")
        for language, label in DEMO_PATIENTS.items():
            # A fresh link every run: the old demo enrolment is revoked, its record kept.
            for old in Enrolment.objects.filter(label=label, revoked_at__isnull=True):
                services.enrolment_revoke(enrolment=old, by=clinician)
            try:
                issued = services.enrolment_create(
                    label=label, pathway=pathway, language=language, created_by=clinician
                )
            except MissingTranslation:
                self.stdout.write(self.style.WARNING(f"{label}: pathway has no {language} text yet, skipped"))
                continue
            link = base + reverse("quizzes:consent_link", args=[issued.token])
            code = f"{issued.code[:4]}-{issued.code[4:]}"
            self.stdout.write(f"{label}: {link}  (code {code})")
        # A few weeks of self-tests for demo-trainee, so progress and review show something.
        call_command("demo_history", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Log in at {base}/accounts/login/"))
