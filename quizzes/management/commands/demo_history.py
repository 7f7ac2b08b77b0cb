import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from quizzes import roles
from quizzes.models import QuestionProgress, SelfTest
from quizzes.selftest import answers, selectors, services
from quizzes.selftest.services import EmptyPool

PEER_PREFIX = "demo-peer-"


class Command(BaseCommand):
    help = (
        "Give a demo trainee (demo-trainee by default) a few weeks of self-test history: finished "
        "tests across topics with improving scores, flagged questions, a spaced-review session and "
        "questions due for review; plus a few demo peers (who cannot log in) so that percentiles "
        "mean something. Skips a trainee who already has history unless --reset. Local trials only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo-trainee")
        parser.add_argument("--weeks", type=int, default=4)
        parser.add_argument("--peers", type=int, default=6, help="Demo peers to compare with (0 for none).")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="Delete the trainee's history first.")

    def handle(self, *args, **options):
        User = get_user_model()
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}: run `manage.py demo_setup` first.")
        topics = selectors.bank_topics()
        if not topics:
            raise CommandError("The question bank is empty: run `manage.py load_content` first.")
        has_history = SelfTest.objects.filter(user=user).exists() or QuestionProgress.objects.filter(user=user).exists()
        if has_history and not options["reset"]:
            self.stdout.write(f"{user.username} already has self-test history: skipped (use --reset to rebuild it).")
            return
        rng = random.Random(options["seed"])
        with transaction.atomic():
            if options["reset"]:
                SelfTest.objects.filter(user=user).delete()
                QuestionProgress.objects.filter(user=user).delete()
            tests = self._history(user=user, topics=topics, weeks=options["weeks"], rng=rng)
            peers = self._peers(count=options["peers"], rng=rng)
        due = selectors.review_due_count(user=user, now=timezone.now())
        self.stdout.write(
            self.style.SUCCESS(
                f"{user.username}: {tests} finished self-tests over {options['weeks']} weeks, "
                f"{due} questions due for review; {peers} demo peers."
            )
        )

    def _history(self, *, user, topics, weeks, rng) -> int:
        now = timezone.now()
        start = now - timedelta(weeks=weeks)
        sessions = weeks * 2
        for n in range(sessions):
            when = start + timedelta(days=n * 7 * weeks / sessions, hours=rng.randint(8, 20))
            skill = 0.45 + 0.4 * n / max(1, sessions - 1)  # scores improve over the weeks
            chosen_topics = rng.sample(topics, k=min(len(topics), rng.choice([2, 3])))
            mode = SelfTest.Mode.TIMED if n % 2 else SelfTest.Mode.TUTOR
            test = services.selftest_create(
                user=user, topics=chosen_topics, pool=SelfTest.Pool.ALL, count=rng.randint(10, 15), mode=mode,
                rng=rng, now=when,
            )  # fmt: skip
            self._take(user=user, test=test, when=when, skill=skill, rng=rng)
        # A spaced-review session two days ago: some questions moved up a box, the rest are due.
        when = now - timedelta(days=2)
        try:
            review = services.review_session_start(user=user, rng=rng, now=when)
        except EmptyPool:
            return sessions
        self._take(user=user, test=review, when=when, skill=0.7, rng=rng)
        return sessions + 1

    def _take(self, *, user, test, when, skill, rng) -> None:
        items = list(test.items.order_by("position"))
        clock = when
        for item in items:
            clock += timedelta(seconds=rng.randint(25, 80))
            if test.mode == SelfTest.Mode.TIMED and rng.random() < 0.05:
                continue  # ran out of time for this one
            answers.selftest_answer(
                user=user,
                test_id=test.pk,
                position=item.position,
                chosen=_pick(item.snapshot, right=rng.random() < skill, rng=rng),
                flagged=rng.random() < 0.1 or None,
                now=clock,
            )
        services.selftest_finish(user=user, test_id=test.pk, now=clock + timedelta(seconds=30))
        SelfTest.objects.filter(pk=test.pk).update(created_at=when)

    def _peers(self, *, count, rng) -> int:
        User = get_user_model()
        questions = list(selectors.bank_questions().values_list("id", flat=True))
        made = 0
        for n in range(1, count + 1):
            peer, created = User.objects.get_or_create(username=f"{PEER_PREFIX}{n}")
            if created:
                peer.set_unusable_password()
                peer.save()
                roles.role_assign(user=peer, role=roles.TRAINEE)
            if QuestionProgress.objects.filter(user=peer).exists():
                made += 1
                continue
            skill = rng.uniform(0.4, 0.9)
            rows = []
            for question_id in rng.sample(questions, k=min(len(questions), rng.randint(30, 90))):
                seen = rng.randint(1, 3)
                correct = sum(1 for _ in range(seen) if rng.random() < skill)
                rows.append(
                    QuestionProgress(
                        user=peer,
                        question_id=question_id,
                        times_seen=seen,
                        times_correct=correct,
                        last_correct=correct > 0,
                        last_answered_at=timezone.now() - timedelta(days=rng.randint(1, 28)),
                    )
                )
            QuestionProgress.objects.bulk_create(rows)
            made += 1
        return made


def _pick(snapshot, *, right: bool, rng: random.Random) -> list[int]:
    """A right answer, or a plausible wrong one, for a question snapshot."""
    good = [c["id"] for c in snapshot["choices"] if Decimal(c["fraction"]) > 0]
    bad = [c["id"] for c in snapshot["choices"] if Decimal(c["fraction"]) <= 0]
    if right or not bad:
        return good if snapshot["kind"] == "multiple" else good[:1]
    if snapshot["kind"] == "multiple":
        return [*good[:1], rng.choice(bad)]
    return [rng.choice(bad)]
