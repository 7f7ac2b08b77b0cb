"""How long the consent record PDF takes: `python benchmarks/record_pdf.py`.

In a temp SQLite database (production settings, no `.env`), loads the real content
(`load_content`), enrols one English and one Spanish patient on the kyphoplasty pathway, reads
every lesson, answers the check (the first critical point wrong once, so the record has a
teach-back round), and signs off with a note: a full record. Then, for each language, times
`record_pdf` once cold (the first render in the process, after WeasyPrint's import, which is
timed apart) and RUNS times warm, and the HTML alone (`record_pdf_html`). Prints one JSON line
per language on stdout; progress goes to stderr. Nothing leaves 127.0.0.1; the temp dir is
deleted at the end.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
PATHWAY = "kyphoplasty"


def log(message: str) -> None:
    print(f"[bench-pdf] {message}", file=sys.stderr, flush=True)


def full_record(language: str):
    """An enrolment whose record is complete (one teach-back round) and signed off."""
    from django.contrib.auth import get_user_model

    from quizzes import roles
    from quizzes.consent import frozen, selectors, services
    from quizzes.models import Pathway
    from quizzes.rules import teachback

    clinician, created = get_user_model().objects.get_or_create(
        username="bench-clinician", defaults={"first_name": "Ana", "last_name": "Ruiz"}
    )
    if created:
        roles.role_assign(user=clinician, role=roles.CLINICIAN)
    issued = services.enrolment_create(
        label=f"BENCH-{language}", pathway=Pathway.objects.get(slug=PATHWAY), language=language, created_by=clinician
    )
    record = services.record_get_or_start(enrolment=issued.enrolment)
    for lesson in record.content["lessons"]:
        services.record_lesson_viewed(record=record, lesson_slug=lesson["slug"])
    missed = next(slot.name for slot in teachback.slots_of(frozen.items(record.content)) if slot.critical)
    missed_once = False
    while (ask := selectors.record_next_ask(record=record, events=list(record.events.all()))) is not None:
        choices = frozen.question(record.content, ask.question)["choices"]
        wrong = [c["id"] for c in choices if Decimal(c["fraction"]) <= 0]
        if ask.slot == missed and not missed_once:
            chosen, missed_once = frozenset(wrong[:1]), True
        else:
            chosen = frozenset(c["id"] for c in choices if c["id"] not in wrong)
        services.record_answer(record_id=record.pk, ask=ask, chosen=chosen)
        record.refresh_from_db()
    services.record_sign_off(record=record, by=clinician, note="Went over the risks and the recovery.")
    return selectors.enrolment_get_for_staff(pk=issued.enrolment.pk)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kyphoquiz-bench-pdf-") as tmp:
        for name in [n for n in os.environ if n.startswith("DJANGO_")]:
            del os.environ[name]
        os.environ.update(
            {
                "DJANGO_ENV_FILE": "",
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "DJANGO_SETTINGS_MODULE": "kyphoquiz.settings",
            }
        )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        log("migrate and load_content")
        call_command("migrate", verbosity=0)
        call_command("load_content", stdout=io.StringIO(), stderr=io.StringIO())
        records = {language: full_record(language) for language in ("en", "es")}

        started = time.perf_counter()
        from quizzes.consent import pdf

        import_s = time.perf_counter() - started
        from pypdf import PdfReader

        for language, enrolment in records.items():
            started = time.perf_counter()
            data = pdf.record_pdf(enrolment)
            first_s = time.perf_counter() - started
            if os.environ.get("BENCH_PDF_DIR"):  # to look at by eye (pdftoppm -png -r 60 …)
                Path(os.environ["BENCH_PDF_DIR"], f"record-{language}.pdf").write_bytes(data)
            warm, warm_cpu, html = [], [], []
            for _ in range(RUNS):
                started, started_cpu = time.perf_counter(), time.process_time()
                pdf.record_pdf(enrolment)
                warm.append(time.perf_counter() - started)
                warm_cpu.append(time.process_time() - started_cpu)
                started = time.perf_counter()
                pdf.record_pdf_html(enrolment)
                html.append(time.perf_counter() - started)
            record = enrolment.record
            result = {
                "language": language,
                "questions_asked": record.events.filter(kind="answer").count(),
                "pages": len(PdfReader(io.BytesIO(data)).pages),
                "bytes": len(data),
                "import_weasyprint_ms": ms(import_s) if language == "en" else None,
                "first_render_ms": ms(first_s),
                "warm_runs": RUNS,
                "warm_median_ms": ms(statistics.median(warm)),
                "warm_p95_ms": ms(sorted(warm)[max(0, round(0.95 * RUNS) - 1)]),
                "warm_max_ms": ms(max(warm)),
                "warm_cpu_median_ms": ms(statistics.median(warm_cpu)),
                "html_median_ms": ms(statistics.median(html)),
            }
            print(json.dumps(result), flush=True)
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats

                with cProfile.Profile() as profile:
                    pdf.record_pdf(enrolment)
                pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
