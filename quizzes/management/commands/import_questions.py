import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.authoring.exchange import questions_from_exchange
from quizzes.authoring.services import questions_import
from quizzes.authoring.specs import ContentError
from quizzes.models import Audience, Quiz


class Command(BaseCommand):
    help = (
        "Import questions from a JSON file in the exchange format (see README) into a quiz. "
        "Questions are matched by name: new ones are added, changed ones updated. "
        "The whole file is checked first; if any question is invalid nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="JSON file to read ('-' is not supported).")
        parser.add_argument("--format", default="json", choices=["json"], help="Input format (json).")
        parser.add_argument("--quiz", required=True, metavar="SLUG", help="The quiz to import into.")
        parser.add_argument("--create", action="store_true", help="Create the quiz if it does not exist.")

    def handle(self, *args, **options):
        path = options["path"]
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"No file at {path}.") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from None
        slug = options["quiz"]
        quiz = Quiz.objects.filter(slug=slug).first()
        if quiz is None and not options["create"]:
            raise CommandError(f"No quiz with slug {slug!r}. Add --create to create it.")
        try:
            specs = questions_from_exchange(payload)
        except ContentError as exc:
            raise CommandError(f"Nothing imported: {exc}") from None
        if quiz is None:
            quiz = Quiz.objects.create(
                slug=slug, title=slug.replace("-", " ").capitalize(), audience=Audience.TRAINEE, is_published=False
            )
            self.stdout.write(f"created quiz {slug} (unpublished: publish it in the admin when ready)")
        report = questions_import(quiz=quiz, specs=specs)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into {slug}: {len(report.created)} created, {len(report.updated)} updated, "
                f"{report.unchanged} unchanged."
            )
        )
