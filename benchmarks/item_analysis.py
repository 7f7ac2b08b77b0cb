"""Item analysis over a million responses: `make bench-items`.

Fills 50,000 finished attempts (one per learner) of a 20-question quiz, 1,000,000 responses,
then times `manage.py item_analysis --format json` on them, in a fresh process, for the default
attempts (each learner's first) and for all attempts. Prints one JSON line per database and
mode on stdout: seconds, responses per second, and the measuring process's peak resident memory
(`resource.getrusage`, which includes Python and Django themselves). Progress goes to stderr.

Databases: a temp SQLite file always; PostgreSQL too when BENCH_DATABASE_URL (or DATABASE_URL)
names one. It must be an empty database: the script migrates it and flushes it at the end.

Speed of filling: rows are written directly, not through attempt_start and attempt_submit
(which `simulate_attempts` uses): those take a few milliseconds per attempt, and the benchmark
measures reading, not writing. Learners and attempts go in with `bulk_create`; the million
responses with the cursor's `executemany` on SQLite and `COPY ... FROM STDIN` on PostgreSQL
(columns and table named from the model), because `bulk_create` builds a model instance per row
and took about 10 minutes for them here. PostgreSQL's tables are then vacuumed and analysed, as
autovacuum would do soon after such a load. The answers still come from the item response
model of `quizzes/rules/simulation.py`, and every response keeps a real snapshot of its
question, so rows are as wide as real ones.

Targets on a 2-core machine: under 10 s and under 500 MB for the million responses.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-items"
QUESTIONS = 20
CHOICES = 4
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", "50000"))
BATCH = 5000
TARGET_SECONDS = 10
TARGET_MB = 500
UNUSABLE = "!"  # an unusable password hash: these learners never log in


def log(message: str) -> None:
    print(f"[bench-items] {message}", file=sys.stderr, flush=True)


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyphoquiz.settings")
    import django

    django.setup()


def fill() -> None:
    """Migrate and write the quiz, learners, attempts and responses (child process)."""
    _django()
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from quizzes.models import Attempt, Choice, Question, Quiz, Response
    from quizzes.rules import grading, simulation
    from quizzes.snapshots import question_snapshot

    call_command("migrate", verbosity=0)
    rng = random.Random(14)
    with transaction.atomic():
        quiz = Quiz.objects.create(slug=SLUG, title="Item analysis benchmark", audience="trainee")
        for n in range(1, QUESTIONS + 1):
            question = Question.objects.create(
                quiz=quiz,
                name=f"bench-q{n:02d}",
                position=n,
                stem=f"Benchmark question {n}: which vertebral level is most often fractured in osteoporosis?",
                explanation=f"Explanation for question {n}: the **thoracolumbar junction** takes the load.",
                source="Benchmark source, 2024",
            )
            Choice.objects.bulk_create(
                Choice(question=question, position=i, text=f"Answer {i} to question {n}", fraction=Decimal(i == 1))
                for i in range(1, CHOICES + 1)
            )
    questions = list(Question.objects.filter(quiz=quiz).order_by("position").prefetch_related("choices"))
    snapshots = [json.dumps(question_snapshot(q)) for q in questions]
    columns = ["attempt", "position", "question", "question_version", "snapshot", "chosen", "mark"]
    names = ", ".join(Response._meta.get_field(c).column for c in columns)
    # Names from the model, values as parameters.
    insert = f"INSERT INTO {Response._meta.db_table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    copy = f"COPY {Response._meta.db_table} ({names}) FROM STDIN"
    choices = [[(c.id, c.fraction) for c in q.choices.all()] for q in questions]
    models = [simulation.item_model("single", "medium", cs, rng) for cs in choices]
    User = get_user_model()
    now = timezone.now()
    started = time.perf_counter()
    for first in range(0, ATTEMPTS, BATCH):
        count = min(BATCH, ATTEMPTS - first)
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(username=f"bench-{first + i:06d}", password=UNUSABLE) for i in range(count)
            )
            thetas = [rng.gauss(0, 1) for _ in users]
            picks = [
                [
                    next(iter(simulation.answer(m, theta, "single", cs, rng)))
                    for m, cs in zip(models, choices, strict=True)
                ]
                for theta in thetas
            ]
            marks = [
                [Decimal(1) if dict(cs)[p] > 0 else Decimal(0) for p, cs in zip(row, choices, strict=True)]
                for row in picks
            ]
            attempts = Attempt.objects.bulk_create(
                Attempt(
                    user=u,
                    quiz=quiz,
                    pass_mark=70,
                    submitted_at=now - timedelta(seconds=first + i),
                    score=grading.score_percent(m),
                    passed=grading.is_pass(grading.score_percent(m), 70),
                )
                for i, (u, m) in enumerate(zip(users, marks, strict=True))
            )
            rows = (
                (a.pk, j + 1, questions[j].id, 1, snapshots[j], f"[{row[j]}]", str(m[j]))
                for a, row, m in zip(attempts, picks, marks, strict=True)
                for j in range(QUESTIONS)
            )
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.copy(copy) as stream:
                        for values in rows:
                            stream.write_row(values)
                else:
                    cursor.executemany(insert, list(rows))
        done = first + count
        if done % 10000 == 0 or done == ATTEMPTS:
            log(f"filled {done} attempts ({done * QUESTIONS} responses) in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: planner statistics, and the visibility
        # map that lets an index-only scan skip the table.
        with connection.cursor() as cursor:
            for model in (User, Attempt, Response):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def measure(mode: str) -> None:
    """Time item_analysis in this fresh process and print its numbers (child process)."""
    _django()
    import io
    import resource

    from django.core.management import call_command
    from django.db import connection

    out = io.StringIO()
    started = time.perf_counter()
    call_command("item_analysis", "--quiz", SLUG, "--attempts", mode, "--format", "json", stdout=out)
    seconds = time.perf_counter() - started
    report = json.loads(out.getvalue())
    attempts = report["quiz"]["attempts"]
    responses = attempts * QUESTIONS
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    result = {
        "benchmark": "item_analysis",
        "database": connection.vendor,
        "attempts": mode,
        "attempts_counted": attempts,
        "responses": responses,
        "seconds": round(seconds, 2),
        "responses_per_second": round(responses / seconds),
        "peak_rss_mb": round(peak_mb),
        "target_seconds": TARGET_SECONDS,
        "target_mb": TARGET_MB,
        "cic": report["quiz"]["cic"],
    }
    print(json.dumps(result), flush=True)


def flush() -> None:
    _django()
    from django.core.management import call_command

    call_command("flush", "--no-input", verbosity=0)


def _child(step: str, env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, __file__, step, *args], env=env, check=True, cwd=ROOT)


def main() -> int:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    base.update({"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_DEBUG": "false", "DJANGO_ENV_FILE": ""})
    targets = []
    with tempfile.TemporaryDirectory(prefix="kyphoquiz-bench-items-") as tmp:
        targets.append(("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"))
        postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if postgres and postgres.startswith("postgres"):
            targets.append(("postgresql", postgres))
        for name, url in targets:
            env = {**base, "DATABASE_URL": url}
            log(f"{name}: filling {ATTEMPTS} attempts of {QUESTIONS} questions")
            _child("--fill", env)
            try:
                for mode in ("first", "all"):
                    log(f"{name}: item_analysis --attempts {mode}")
                    _child("--measure", env, mode)
            finally:
                if name == "postgresql":
                    _child("--flush", env)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--fill":
        fill()
    elif len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measure(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "--flush":
        flush()
    else:
        sys.exit(main())
