"""What `export_results` and `export_responses` share: find the quiz, stream its CSV to stdout."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from . import results, selectors


class ExportCommand(BaseCommand):
    """A command printing one export of a quiz (`results.EXPORTS`) as CSV, a line at a time."""

    export = ""

    def add_arguments(self, parser):
        parser.add_argument("--quiz", required=True, metavar="SLUG", help="The quiz's slug.")
        parser.add_argument("--format", default="csv", choices=["csv"], help="Output format: csv (the default).")

    def handle(self, *args, **options):
        try:
            quiz = selectors.quiz_get_for_stats(slug=options["quiz"])
        except Http404:
            raise CommandError(f"No quiz with slug {options['quiz']!r}.") from None
        for line in results.export_lines(quiz=quiz, export=self.export):
            self.stdout.write(line, ending="")
