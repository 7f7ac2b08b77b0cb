from quizzes.analysis.export_command import ExportCommand


class Command(ExportCommand):
    help = (
        "Print a quiz's answers as CSV, one row per attempt and question: attempt id, learner, question id, "
        "the question's version as asked, the chosen choice ids and texts (separated by ' | '), and the "
        "mark from 0 to 1 (empty while the attempt is open). Streamed, so memory stays flat."
    )
    export = "responses"
