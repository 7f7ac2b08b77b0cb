from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.authoring.files import CONTENT_DIR, bundle_read
from quizzes.authoring.services import content_sync
from quizzes.authoring.specs import ContentError


class Command(BaseCommand):
    help = (
        "Load lessons, quizzes and topics from the YAML content files into the database. "
        "Safe to run again: unchanged items are left alone, edited ones are updated, and "
        "stored attempts are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=CONTENT_DIR, help="Content folder (default: quizzes/content).")

    def handle(self, *args, **options):
        directory = options["dir"]
        if not directory.is_dir():
            raise CommandError(f"No content folder at {directory}.")
        try:
            report = content_sync(bundle_read(directory))
        except ContentError as exc:
            raise CommandError(f"Content not loaded, nothing was changed: {exc}") from None
        for label in report.created:
            self.stdout.write(f"created {label}")
        for label in report.updated:
            self.stdout.write(f"updated {label}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Content loaded: {len(report.created)} created, {len(report.updated)} updated, "
                f"{report.unchanged} unchanged."
            )
        )
