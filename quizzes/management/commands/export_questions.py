from django.core.management.base import BaseCommand, CommandError

from quizzes.authoring.imports import questions_to_file
from quizzes.authoring.selectors import questions_for_export
from quizzes.authoring.specs import ContentError
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Print a quiz's questions in the exchange format described in the README: JSON (default), "
        "which carries everything a question has (its Spanish too), or GIFT, which Moodle and "
        "import_questions --format gift read back as the same English questions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiz", required=True, metavar="SLUG", help="The quiz's slug.")
        parser.add_argument("--format", default="json", choices=["json", "gift"], help="Output format: json or gift.")

    def handle(self, *args, **options):
        quiz = Quiz.objects.filter(slug=options["quiz"]).first()
        if quiz is None:
            raise CommandError(f"No quiz with slug {options['quiz']!r}.")
        questions = questions_for_export(quiz=quiz)
        try:
            text = questions_to_file(list(questions), options["format"])
        except ContentError as exc:
            raise CommandError(f"Cannot export {quiz.slug} as {options['format']}: {exc}") from None
        self.stdout.write(text, ending="")
