from django.core.management.base import BaseCommand, CommandError

from quizzes.learning.services import attempts_simulate
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Fill a quiz with finished attempts by simulated trainees (sim-<seed>-<n>), answering from an "
        "item response model (learner ability; question difficulty, discrimination and guessing). "
        "Attempts are stored by the same services as real ones. The same seed gives the same answers. "
        "For demos and for trying the item analysis; never on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiz", required=True, metavar="SLUG")
        parser.add_argument("--learners", required=True, type=int, metavar="N")
        parser.add_argument("--seed", type=int, default=0, metavar="S", help="Random seed (default 0).")

    def handle(self, *args, quiz, learners, seed, **options):
        if learners < 1:
            raise CommandError("--learners must be at least 1.")
        found = Quiz.objects.filter(slug=quiz).first()
        if found is None:
            raise CommandError(f"No quiz with the slug {quiz!r}.")
        if not found.questions.exists():
            raise CommandError(f"The quiz {quiz!r} has no questions.")
        attempts = attempts_simulate(quiz=found, learners=learners, seed=seed)
        scores = [float(a.score) for a in attempts]
        mean = sum(scores) / len(scores)
        self.stdout.write(f"Stored {len(attempts)} simulated attempts at {quiz} (seed {seed}); mean score {mean:.1f}%.")
