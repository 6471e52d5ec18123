"""``ora-xblock simulate --noise``: on the review graph the real peer queue hands out, calibrated peer grades beat
the median against the truth of a reviewer-noise model. The 1,000-learner measure is ``make bench``'s."""

from __future__ import annotations

import pytest

from ora_xblock import simulate, simulate_noise
from ora_xblock.cli import main


@pytest.mark.slow  # one simulation of 60 learners and three draws on each rubric: about 15 s
@pytest.mark.django_db(transaction=True)
def test_calibrated_rounded_beats_the_median_on_the_same_reviews() -> None:
    report = simulate_noise.run(simulate.Params(learners=60, seed=4), simulate_noise.Noise(draws=3))
    assert report["reviews"] > 200
    for k in ("3", "4", "5"):
        row = report["rubrics"][k]
        rmse = row["rmse_quality"]
        assert rmse["calibrated"] < 0.9 * rmse["median"], k
        assert row["ratio"] < 0.96, k
        assert rmse["calibrated_rounded"] <= rmse["calibrated_nearest"] + 0.01, k
        assert 0 <= row["random_reviewer_in_worst_5_percent"] <= 1
    assert sum(report["rubrics"][k]["ratio"] for k in ("3", "4", "5")) / 3 < 0.92
    assert sum(report["rubrics"][k]["random_reviewer_in_worst_5_percent"] for k in ("3", "4", "5")) >= 1.5


@pytest.mark.slow  # about 5 s
@pytest.mark.django_db(transaction=True)
def test_without_random_reviewers_the_table_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", "--noise", "--learners", "20", "--draws", "1", "--options", "4", "--random-reviewers", "0"]
    assert main(args) == 0
    assert capsys.readouterr().out.rstrip().endswith("-")


@pytest.mark.slow  # about 12 s
@pytest.mark.django_db(transaction=True)
def test_the_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--noise", "--learners", "40", "--draws", "1", "--options", "4", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "RMSE on 0-100 against the true quality" in out
    assert out.splitlines()[-1].startswith("4 ")
