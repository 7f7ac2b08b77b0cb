from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from quizzes.consent import services
from quizzes.consent.frozen import MissingTranslation
from quizzes.consent.services import DEFAULT_EXPIRY_DAYS
from quizzes.models import Enrolment, Language, Pathway

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Enrol a patient on a consent education pathway and print their one-time access link and "
        "short code. They are shown only now: the database keeps only keyed hashes of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--label", required=True, help="Pseudonymous label: no name or record number.")
        parser.add_argument("--pathway", required=True, help="Pathway slug, for example kyphoplasty.")
        parser.add_argument("--language", default=Language.ENGLISH, help="Patient's language: en or es (default: en).")
        parser.add_argument(
            "--expires-days",
            type=int,
            default=DEFAULT_EXPIRY_DAYS,
            help=f"Days the link and code work (default: {DEFAULT_EXPIRY_DAYS}).",
        )
        parser.add_argument("--planned-date", help="Planned procedure date, YYYY-MM-DD.")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", None) or DEFAULT_BASE_URL,
            help="Site address the link starts with (default: settings.SITE_URL or %(default)s).",
        )

    def handle(self, *args, **options):
        label = options["label"].strip()
        if not label:
            raise CommandError("--label must not be empty.")
        language = options["language"]
        if language not in Language.values:
            raise CommandError(f"Unknown language {language!r}: use one of {', '.join(Language.values)}.")
        if options["expires_days"] < 1:
            raise CommandError("--expires-days must be at least 1.")
        planned_date = self._planned_date(options["planned_date"])
        pathway = Pathway.objects.filter(slug=options["pathway"]).first()
        if pathway is None:
            known = ", ".join(Pathway.objects.values_list("slug", flat=True)) or "none (run load_content)"
            raise CommandError(f"Unknown pathway {options['pathway']!r}. Known pathways: {known}.")
        try:
            issued = services.enrolment_create(
                label=label,
                pathway=pathway,
                language=language,
                planned_date=planned_date,
                expires_days=options["expires_days"],
            )
        except MissingTranslation as exc:
            raise CommandError(f"Pathway {pathway.slug!r} is not fully translated into {language!r}: {exc}") from None
        base_url = options["base_url"].rstrip("/")
        self.stdout.write(f"Enrolled {issued.enrolment.label} (id {issued.enrolment.pk}) on {pathway.title}.")
        self.stdout.write(f"Link:    {base_url}{reverse('quizzes:consent_link', args=[issued.token])}")
        self.stdout.write(
            f"Code:    {Enrolment.format_code(issued.code)}  (at {base_url}{reverse('quizzes:consent_code')})"
        )
        self.stdout.write(f"Expires: {timezone.localtime(issued.enrolment.expires_at):%Y-%m-%d %H:%M %Z}")
        self.stdout.write(self.style.WARNING("Shown once: they cannot be shown again."))

    @staticmethod
    def _planned_date(raw: str | None) -> date | None:
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"--planned-date {raw!r} is not a date in the form YYYY-MM-DD.") from None
