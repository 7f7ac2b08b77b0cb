from quizzes.analysis.export_command import ExportCommand


class Command(ExportCommand):
    help = (
        "Print a quiz's attempts as CSV, one row per attempt: attempt id, learner, started, submitted, "
        "duration in seconds, score (percent) and passed (yes/no; empty while open). Streamed, so "
        "memory stays flat however many attempts there are."
    )
    export = "results"
