"""benchmarks/attempts.py (make bench-attempt, make bench-class): its options and the arithmetic of
its JSON line. The benchmark itself takes minutes and is never run by the test suite."""

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import attempts

ROOT = Path(__file__).resolve().parents[1]


def help_text(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "benchmarks/attempts.py", *args, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_help_names_both_benchmarks_and_their_options():
    assert "attempt" in help_text() and "class" in help_text()
    attempt = help_text("attempt")
    for option in ("--users", "--seconds", "--flows", "--bare-seconds", "--quiz-questions", "--selftest-questions"):
        assert option in attempt
    paced = help_text("class")
    for option in ("--steps", "--duration", "--pace", "--open-within"):
        assert option in paced


def test_options_without_a_command_are_the_attempt_benchmarks():
    options = attempts.parse(["--users", "5", "--flows", "quiz_js,selftest"])
    assert (options.command, options.users, options.flows) == ("attempt", 5, ["quiz_js", "selftest"])
    assert attempts.parse(["class", "--steps", "10,20"]).steps == [10, 20]


def test_an_unknown_flow_is_refused(capsys):
    with pytest.raises(SystemExit):
        attempts.parse(["--flows", "quiz_js,sprint"])
    assert "sprint" in capsys.readouterr().err


def test_attempts_per_second_counts_the_requests_answered_as_whole_attempts():
    # 24 requests an attempt, 480 answered in 20 s: 20 attempts' worth, 1 a second.
    assert attempts.attempts_rate(requests=480, seconds=20, requests_per_attempt=24) == 1.0
    assert attempts.attempts_rate(requests=480, seconds=20, requests_per_attempt=None) == 0.0


def summary(flow="quiz_js", database="sqlite", bare_rps=3000.0, saves_stored=40):
    # Two whole attempts of 24 requests each by 10 users, plus a cut-short one each: 480
    # requests answered in 20 s, 1 attempt a second.
    acks = [{"completed": [[0.0, 8.0, 24, 20], [8.0, 16.0, 24, 20]], "incomplete": {}, "answered": 48}] * 10
    steps = {
        "quiz save": {"requests": 400, "errors": 0, "rps": 20.0, "p50_ms": 30.0, "p95_ms": 60.0},
        "Aggregated": {"requests": 480, "errors": 0, "rps": 24.0, "p50_ms": 30.0, "p95_ms": 90.0},
    }
    stored = {
        "attempts_acknowledged": 20,
        "attempts_stored": 20,
        "answers_acknowledged": 400,
        "answers_stored": 400,
        "quiz_saves_acknowledged": 40,
        "quiz_saves_stored": saves_stored,
        "selftest_saves_acknowledged": 0,
        "selftest_saves_stored": 0,
        "tests_finished_acknowledged": 0,
        "tests_finished_stored": 0,
    }
    return attempts.flow_summary(
        flow,
        acks=acks,
        steps=steps,
        stored=stored,
        seconds=20,
        bare={"rps": bare_rps, "cpu_ms": 0.5},
        database=database,
        cpu={"server_s": 20.0, "locust_s": 5.0, "locust_share": 0.2},
    )


def test_a_flow_costs_bare_view_requests_per_attempt_against_the_issue_target():
    cheap, dear = summary(bare_rps=80.0), summary(bare_rps=3000.0)
    assert (cheap["attempts_per_s"], cheap["requests_per_attempt"]) == (1.0, 24.0)
    assert (cheap["bare_view_requests_per_attempt"], cheap["target"], cheap["target_met"]) == (80.0, 85, True)
    assert (dear["bare_view_requests_per_attempt"], dear["target_met"]) == (3000.0, False)
    assert cheap["requests"] == {"quiz save": {"requests": 400, "errors": 0, "p50_ms": 30.0, "p95_ms": 60.0}}
    # 20 s of server CPU for 20 attempts: 1 s each, the CPU of 2,000 bare requests of 0.5 ms.
    assert (cheap["server_cpu_ms_per_attempt"], cheap["bare_view_requests_per_attempt_by_cpu"]) == (1000.0, 2000.0)


def test_postgresql_targets_are_half_as_loose_again_and_selftest_nojs_has_none():
    assert summary(bare_rps=120.0, database="postgresql")["target_met"] is True
    assert summary(bare_rps=120.0)["target_met"] is False
    assert attempts.target_for("quiz_nojs", "postgresql") == 63
    assert attempts.target_for("selftest_nojs", "sqlite") is None


def test_an_acknowledged_save_missing_from_the_database_fails_the_flow():
    assert attempts.flow_failed(summary()) == []
    assert attempts.flow_failed(summary(saves_stored=39)) == ["saves: 40 acknowledged, 39 stored"]


def class_step(users, p95s, errors=0, stored=100):
    step = {
        "users": users,
        "requests": {name: {"requests": 100, "errors": 0, "p50_ms": 10.0, "p95_ms": p95} for name, p95 in p95s.items()},
        "errors": errors,
        "saves_acknowledged": 100,
        "saves_stored": stored,
    }
    return {**step, "held": attempts.step_held(step)}


def test_the_largest_class_held_is_the_largest_step_with_every_p95_under_500_ms_and_no_error():
    steps = [
        class_step(250, {"class open": 120.0, "class save": 40.0}),
        class_step(500, {"class open": 480.0, "class save": 90.0}),
        class_step(1000, {"class open": 510.0, "class save": 90.0}),
    ]
    assert [s["held"] for s in steps] == [True, True, False]
    assert attempts.largest_held(steps) == 500
    assert not class_step(250, {"class save": 40.0}, errors=1)["held"]
    assert not class_step(250, {"class save": 40.0}, stored=99)["held"]
    assert attempts.largest_held([class_step(250, {"class save": 900.0})]) is None
