from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.authoring.imports import FILE_FORMATS, questions_from_file
from quizzes.authoring.item_checks import FlawedQuestions
from quizzes.authoring.services import questions_import
from quizzes.authoring.specs import ContentError
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Import questions from a file into a quiz: JSON in the exchange format (see README), GIFT or Aiken. "
        "Questions are matched by name: new ones are added, changed ones updated. "
        "The whole file is checked first; if any question is invalid nothing is imported, and every "
        "error is listed with its line (GIFT, Aiken). Question types the app does not support "
        "(short answer, numerical, matching, essay, description) are listed and skipped, or refused "
        "with --strict. The item-writing check (as check_questions does) runs too: warnings are "
        "printed and the file is still imported; an error imports nothing unless --allow-flaws."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to read ('-' is not supported).")
        parser.add_argument(
            "--format", default="json", choices=FILE_FORMATS, help="Input format: json (default), gift or aiken."
        )
        parser.add_argument("--quiz", required=True, metavar="SLUG", help="The quiz to import into.")
        parser.add_argument("--create", action="store_true", help="Create the quiz if it does not exist.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and print what would change; write nothing."
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse the file if it holds a question of a type the app does not support, instead of skipping it.",
        )
        parser.add_argument(
            "--allow-flaws",
            action="store_true",
            help="Import even when the item-writing check finds errors (they are still printed).",
        )

    def handle(self, *args, **options):
        slug = options["quiz"]
        dry_run = options["dry_run"]
        try:
            read = questions_from_file(options["path"], options["format"], strict=options["strict"])
            if not options["create"] and not Quiz.objects.filter(slug=slug).exists():
                raise CommandError(f"No quiz with slug {slug!r}. Add --create to create it.")
            for skipped in read.skipped:
                self.stdout.write(self.style.WARNING(str(skipped)))
            for warning in read.warnings:
                self.stdout.write(self.style.WARNING(f"{warning}"))
            report = questions_import(
                quiz_slug=slug,
                specs=read.specs,
                carried=read.carried,
                create=options["create"],
                allow_flaws=options["allow_flaws"],
                dry_run=dry_run,
            )
        except FlawedQuestions as exc:
            for line in exc.report.lines(hints=True):
                self.stdout.write(line)
            raise CommandError(
                f"Nothing imported: {exc} Fix them, or pass --allow-flaws to import them anyway."
            ) from None
        except ContentError as exc:
            raise CommandError(f"Nothing imported: {exc}") from None
        if read.skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"Skipped {len(read.skipped)} question(s) of types the app does not support "
                    "(--strict refuses the file instead)."
                )
            )
        if dry_run:
            for label in report.created:
                self.stdout.write(f"would create {label}")
            for label in report.updated:
                self.stdout.write(f"would update {label}")
        elif f"quiz {slug}" in report.created:
            self.stdout.write(f"created quiz {slug} (unpublished: publish it in the admin when ready)")
        check = report.item_check
        if check.warnings or check.errors:
            for line in check.lines(hints=False):
                self.stdout.write(line)
            let_through = " Imported anyway (--allow-flaws)." if check.errors else " Warnings do not stop an import."
            self.stdout.write(self.style.WARNING(f"Item-writing check: {check.summary()}{let_through}"))
        counts = f"{len(report.created)} created, {len(report.updated)} updated, {report.unchanged} unchanged"
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Dry run, nothing written. Would import into {slug}: {counts}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported into {slug}: {counts}."))
