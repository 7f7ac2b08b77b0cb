import json

from django.core.management.base import BaseCommand, CommandError

from quizzes.authoring.exchange import question_to_exchange
from quizzes.models import Question, Quiz


class Command(BaseCommand):
    help = "Print a quiz's questions as JSON in the exchange format described in the README."

    def add_arguments(self, parser):
        parser.add_argument("--quiz", required=True, metavar="SLUG", help="The quiz's slug.")
        parser.add_argument("--format", default="json", choices=["json"], help="Output format (json).")

    def handle(self, *args, **options):
        quiz = Quiz.objects.filter(slug=options["quiz"]).first()
        if quiz is None:
            raise CommandError(f"No quiz with slug {options['quiz']!r}.")
        questions = (
            Question.objects.filter(quiz=quiz).select_related("topic").prefetch_related("choices").order_by("position")
        )
        self.stdout.write(json.dumps([question_to_exchange(q) for q in questions], indent=2, ensure_ascii=False))
