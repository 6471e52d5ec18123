"""``ora-xblock simulate``: synthetic learners through the real services, deterministic for a seed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ora_xblock.cli import main


def simulate_in_a_process(*args: str) -> str:
    """The command's JSON report, from a process of its own (so on its own throwaway database)."""
    command = [sys.executable, "-m", "ora_xblock", "simulate", "--json", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.mark.slow  # two runs of 30 learners: about 26 s; make test runs it, make test-fast does not
def test_the_same_seed_gives_the_same_report_and_nobody_deserving_is_left_behind() -> None:
    first = simulate_in_a_process("--learners", "30", "--seed", "7")
    assert simulate_in_a_process("--learners", "30", "--seed", "7") == first
    report = json.loads(first)
    assert report["learners"] == 30
    assert 0 < report["deserving"] <= 30
    assert report["deserving_without_grade_or_escalation_by_day_8"] == 0
    assert report["refusals"] == {}
    histogram = {int(reviews): count for reviews, count in report["reviews_per_submission"].items()}
    assert sum(histogram.values()) == 30
    assert report["peer_reviews"] == sum(reviews * count for reviews, count in histogram.items())
    shares = [report["graded_by_day"][day]["deserving"] for day in ("3", "7", "14", "end")]
    assert shares == sorted(shares)


@pytest.mark.slow  # about 14 s with its transactional database
@pytest.mark.django_db(transaction=True)
def test_the_command_prints_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    """In a process whose Django is already set up, the command uses that database."""
    assert main(["simulate", "--learners", "12", "--days", "3", "--seed", "2", "--self", "--no-flexible"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("12 learners arriving over 3 days (seed 2), simulated for 13 days: must_grade 5, ")
    assert "flexible grading off, self step on" in out
    assert "Final grade by day after submitting:" in out
    assert "Refusals: none" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--leave-at-once", "0.8", "--leave-midway", "0.5"],
        ["--must-grade", "2", "--graded-by", "3"],
    ],
)
def test_impossible_parameters_are_refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", *args]) == 2
    assert capsys.readouterr().err


def test_shares_must_be_between_0_and_1() -> None:
    with pytest.raises(SystemExit):
        main(["simulate", "--continue", "1.5"])
