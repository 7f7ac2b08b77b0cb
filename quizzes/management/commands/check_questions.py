import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.authoring.item_checks import paths_check, stored_check
from quizzes.authoring.specs import ContentError
from quizzes.rules.item_writing import RULES


class Command(BaseCommand):
    help = (
        "Check multiple-choice questions for item-writing flaws that let a learner answer without "
        "the knowledge: all/none of the above, a key clearly the longest, absolute terms only in "
        "wrong choices, an unemphasised NOT, overlapping choices and more "
        f"({len(RULES)} rules, listed in quizzes/content/README.md). "
        "An error gives the answer away or makes the key arguable; a warning is a likely flaw for a "
        "person to judge. Each finding names the question, the rule and a hint. "
        "Exits with status 1 when any finding is an error (with --strict, when there is any finding). "
        "To excuse a question from a rule, record the rule and the reason in its content file (allow:)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            metavar="PATH",
            help="A content quiz file (quizzes/content/quizzes/SLUG.yaml, checked with its es/ translation), "
            "a content folder, or a JSON exchange file. Without PATH the database is checked.",
        )
        parser.add_argument(
            "--quiz",
            metavar="SLUG",
            help="Check only this quiz. With exchange files: check them as an import into this quiz "
            "would store them, keeping the stored questions' exceptions.",
        )
        parser.add_argument("--format", default="text", choices=["text", "json"], help="Output format (default: text).")
        parser.add_argument("--strict", action="store_true", help="Count warnings as errors.")

    def handle(self, *args, **options):
        try:
            if options["paths"]:
                report = paths_check(options["paths"], quiz=options["quiz"], strict=options["strict"])
            else:
                report = stored_check(quiz=options["quiz"], strict=options["strict"])
        except ContentError as exc:
            raise CommandError(f"Nothing checked: {exc}") from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        else:
            for line in report.lines(hints=True):
                self.stdout.write(line)
            self.stdout.write(report.summary())
            for line in report.rule_counts():
                self.stdout.write(line)
            if not report.checks and not options["paths"]:
                self.stdout.write("The database holds no questions: run load_content, or give content files.")
        if report.has_errors():
            strict = " (--strict: warnings count as errors)" if options["strict"] else ""
            errors = report.errors
            raise CommandError(f"{errors} item-writing error{'' if errors == 1 else 's'}{strict}.")
