from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.authoring.exchange import exchange_file_read, questions_from_exchange
from quizzes.authoring.item_checks import FlawedQuestions
from quizzes.authoring.services import questions_import
from quizzes.authoring.specs import ContentError
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Import questions from a JSON file in the exchange format (see README) into a quiz. "
        "Questions are matched by name: new ones are added, changed ones updated. "
        "The whole file is checked first; if any question is invalid nothing is imported. "
        "The item-writing check (as check_questions does) runs too: warnings are printed and "
        "the file is still imported; an error imports nothing unless --allow-flaws."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="JSON file to read ('-' is not supported).")
        parser.add_argument("--format", default="json", choices=["json"], help="Input format (json).")
        parser.add_argument("--quiz", required=True, metavar="SLUG", help="The quiz to import into.")
        parser.add_argument("--create", action="store_true", help="Create the quiz if it does not exist.")
        parser.add_argument(
            "--allow-flaws",
            action="store_true",
            help="Import even when the item-writing check finds errors (they are still printed).",
        )

    def handle(self, *args, **options):
        slug = options["quiz"]
        try:
            payload = exchange_file_read(options["path"])
            if not options["create"] and not Quiz.objects.filter(slug=slug).exists():
                raise CommandError(f"No quiz with slug {slug!r}. Add --create to create it.")
            report = questions_import(
                quiz_slug=slug,
                specs=questions_from_exchange(payload),
                create=options["create"],
                allow_flaws=options["allow_flaws"],
            )
        except FlawedQuestions as exc:
            for line in exc.report.lines(hints=True):
                self.stdout.write(line)
            raise CommandError(
                f"Nothing imported: {exc} Fix them, or pass --allow-flaws to import them anyway."
            ) from None
        except ContentError as exc:
            raise CommandError(f"Nothing imported: {exc}") from None
        if f"quiz {slug}" in report.created:
            self.stdout.write(f"created quiz {slug} (unpublished: publish it in the admin when ready)")
        check = report.item_check
        if check.warnings or check.errors:
            for line in check.lines(hints=False):
                self.stdout.write(line)
            let_through = " Imported anyway (--allow-flaws)." if check.errors else " Warnings do not stop an import."
            self.stdout.write(self.style.WARNING(f"Item-writing check: {check.summary()}{let_through}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into {slug}: {len(report.created)} created, {len(report.updated)} updated, "
                f"{report.unchanged} unchanged."
            )
        )
