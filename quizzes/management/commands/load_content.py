from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.authoring.files import CONTENT_DIR, bundle_read
from quizzes.authoring.item_checks import FlawedQuestions
from quizzes.authoring.services import content_sync
from quizzes.authoring.specs import ContentError


class Command(BaseCommand):
    help = (
        "Load lessons, quizzes and topics from the YAML content files into the database. "
        "Safe to run again: unchanged items are left alone, edited ones are updated, and "
        "stored attempts are never touched. Every question is checked for item-writing flaws "
        "first (as check_questions does): warnings are printed and the content still loads; "
        "an error loads nothing until the question is fixed or records a reasoned exception (allow:)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=CONTENT_DIR, help="Content folder (default: quizzes/content).")

    def handle(self, *args, **options):
        directory = options["dir"]
        if not directory.is_dir():
            raise CommandError(f"No content folder at {directory}.")
        try:
            report = content_sync(bundle_read(directory))
        except FlawedQuestions as exc:
            for line in exc.report.lines(hints=True):
                self.stdout.write(line)
            raise CommandError(
                f"Content not loaded, nothing was changed: {exc} Fix them, or record a reasoned exception "
                "on the question (allow:, see quizzes/content/README.md)."
            ) from None
        except ContentError as exc:
            raise CommandError(f"Content not loaded, nothing was changed: {exc}") from None
        for label in report.created:
            self.stdout.write(f"created {label}")
        for label in report.updated:
            self.stdout.write(f"updated {label}")
        if report.item_check.warnings:
            for line in report.item_check.lines(hints=False):
                self.stdout.write(line)
            self.stdout.write(
                self.style.WARNING(
                    f"Item-writing check: {report.item_check.summary()} Warnings do not stop loading; "
                    "run check_questions for the hints."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Content loaded: {len(report.created)} created, {len(report.updated)} updated, "
                f"{report.unchanged} unchanged."
            )
        )
