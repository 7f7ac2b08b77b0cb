import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from quizzes.analysis import report, selectors


class Command(BaseCommand):
    help = (
        "Item analysis of a quiz as Moodle's quiz statistics report computes it: test statistics "
        "(mean, median, sd, skewness, kurtosis, Cronbach's alpha, error ratio, standard error), each "
        "question's facility, sd, random guess score, intended and effective weight, discrimination "
        "index and efficiency, and each choice's count, share and the mean total of those who chose "
        "it, with the flags raised (thresholds: KYPHOQUIZ_ITEM_FLAGS). Percentages; null or '-' where "
        "a statistic is undefined."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiz", required=True, metavar="SLUG")
        parser.add_argument(
            "--attempts",
            default="first",
            choices=selectors.ATTEMPT_MODES,
            help="Which finished attempts of each learner count (default: first).",
        )
        parser.add_argument(
            "--source",
            default="quiz",
            choices=selectors.SOURCES,
            help="Quiz attempts, trainees' self-tests that drew the quiz's questions, or both (default: quiz).",
        )
        parser.add_argument("--format", default="table", choices=["table", "json", "csv"])

    def handle(self, *args, quiz, attempts, source, format, **options):
        try:
            found = selectors.quiz_get_for_stats(slug=quiz)
        except Http404:
            raise CommandError(f"No quiz with the slug {quiz!r}.") from None
        analysis = selectors.item_analysis(quiz=found, mode=attempts, source=source)
        if format == "json":
            self.stdout.write(json.dumps(report.as_json(analysis), indent=2, ensure_ascii=False))
        elif format == "csv":
            self.stdout.write(report.as_csv(analysis), ending="")
        else:
            self.stdout.write(report.as_table(analysis), ending="")
