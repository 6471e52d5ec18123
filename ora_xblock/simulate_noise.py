"""Reviewer noise on the review graph the real peer queue hands out: how near each peer strategy gets to the truth.

The simulation (:mod:`.simulate`) runs once through the real services; who
reviewed whom is then read back, and on that same graph each draw (a noise
seed) gives every response a true quality on 0-100 (``N(60, 20)``, and per
criterion ``N(0, 10)`` more, clipped), every reviewer a bias (``N(0,
bias_sd)``) and every review a noise (``N(0, noise_sd)``); a reviewer picks
the option whose place on 0-100 is nearest what they perceive. A few
reviewers, drawn anew each draw, pick options at random. The median, the
mean, the calibrated estimate and the calibrated estimate rounded to the
rubric's options are scored on the same reviews, as RMSE (0-100) against
the true quality (the mean of the criteria's) and against the rubric's
truth (the options a reviewer without bias or noise would pick), over the
responses with Graded By reviews. Deterministic for the seeds.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import calibration, simulate
from .scoring import median

CRITERIA = ("Ideas", "Form")
STRATEGIES = ("median", "mean", "calibrated", "calibrated_rounded", "calibrated_nearest")


@dataclass(frozen=True)
class Noise:
    """The noise model's settings: ``draws`` noise seeds on one review graph, rubrics of ``options`` options."""

    draws: int = 5
    options: tuple[int, ...] = (3, 4, 5)
    bias_sd: float = 6
    noise_sd: float = 8
    random_reviewers: int = 3


def review_graph(params: simulate.Params) -> list[tuple[str, str]]:
    """(reviewer, reviewed) for every peer review the simulation's learners gave, in the services' order."""
    from .models import Assessment  # Django is set up by the caller

    simulate.run(params)
    rows = Assessment.objects.filter(workflow__item_id=simulate.ITEM_ID, kind=Assessment.Kind.PEER)
    return list(rows.order_by("pk").values_list("scorer_id", "workflow__student_id"))


def run(params: simulate.Params, noise: Noise) -> dict[str, Any]:
    """The report: RMSE per rubric size and strategy, averaged over the draws, and the random reviewers' ranks."""
    graph = review_graph(params)
    return {
        "parameters": {
            "learners": params.learners,
            "seed": params.seed,
            "must_grade": params.must_grade,
            "graded_by": params.graded_by,
            **noise.__dict__,
        },
        "reviews": len(graph),
        "rubrics": {str(k): measure(graph, k, noise, params.graded_by, params.seed) for k in noise.options},
    }


def measure(graph: Sequence[tuple[str, str]], k: int, noise: Noise, graded_by: int, seed: int) -> dict[str, Any]:
    """One rubric size over every draw."""
    squares = {name: [0.0, 0.0] for name in STRATEGIES}  # against the quality, against the rubric's truth
    counted, worst, random_total = 0, 0, 0
    for draw in range(noise.draws):
        rng = random.Random(f"{seed}-{k}-{draw}")  # noqa: S311 - a reproducible simulation
        reviews, quality, truth, chaotic = _draw(graph, k, noise, rng)
        result = calibration.calibrate(reviews, dict.fromkeys(CRITERIA, range(k)), graded_by=graded_by)
        got: dict[str, list[dict[str, int]]] = {}
        for _, response, points in reviews:
            got.setdefault(response, []).append(dict(points))
        for response, marks in sorted(got.items()):
            if len(marks) < graded_by:
                continue
            counted += 1
            estimates = _estimates(marks, result, response, k)
            for name, value in estimates.items():
                score = 100 * sum(value[c] for c in CRITERIA) / (len(CRITERIA) * (k - 1))
                squares[name][0] += (score - quality[response]) ** 2
                squares[name][1] += (score - truth[response]) ** 2
        ranked = result.least_reliable(max(1, math.ceil(0.05 * len(result.reviewers))))
        worst += sum(reviewer in ranked for reviewer in chaotic)
        random_total += len(chaotic)
    rmse = {name: [round(math.sqrt(total / max(1, counted)), 2) for total in pair] for name, pair in squares.items()}
    return {
        "rmse_quality": {name: pair[0] for name, pair in rmse.items()},
        "rmse_rubric_truth": {name: pair[1] for name, pair in rmse.items()},
        "ratio": round(rmse["calibrated_rounded"][0] / rmse["median"][0], 3) if rmse["median"][0] else None,
        "random_reviewer_in_worst_5_percent": round(worst / random_total, 3) if random_total else None,
    }


def _draw(graph: Sequence[tuple[str, str]], k: int, noise: Noise, rng: random.Random) -> tuple[Any, ...]:
    """One draw's reviews, each response's quality and rubric truth on 0-100, and the random reviewers."""
    responses = sorted({reviewed for _, reviewed in graph})
    reviewers = sorted({reviewer for reviewer, _ in graph})
    given = Counter(reviewer for reviewer, _ in graph)
    eligible = [r for r in reviewers if given[r] >= calibration.MIN_REVIEWS_EACH]
    chaotic = set(rng.sample(eligible, min(noise.random_reviewers, len(eligible))))
    base = {u: rng.gauss(60, 20) for u in responses}
    true = {(u, c): _clip(base[u] + rng.gauss(0, 10)) for u in responses for c in CRITERIA}
    bias = {v: rng.gauss(0, noise.bias_sd) for v in reviewers}

    def option(value: float) -> int:
        return min(k - 1, max(0, round(value / 100 * (k - 1))))

    reviews = []
    for reviewer, reviewed in graph:
        if reviewer in chaotic:
            points = {c: rng.randrange(k) for c in CRITERIA}
        else:
            points = {c: option(true[reviewed, c] + bias[reviewer] + rng.gauss(0, noise.noise_sd)) for c in CRITERIA}
        reviews.append((reviewer, reviewed, points))
    quality = {u: sum(true[u, c] for c in CRITERIA) / len(CRITERIA) for u in responses}
    truth = {u: 100 * sum(option(true[u, c]) for c in CRITERIA) / (len(CRITERIA) * (k - 1)) for u in responses}
    return reviews, quality, truth, sorted(chaotic)


def _estimates(marks: list[dict[str, int]], result: calibration.Calibration, response: str, k: int) -> dict[str, Any]:
    """Each strategy's points; ``calibrated_nearest``: each criterion alone to its nearest option, for comparison."""
    calibrated = result.estimates.get(response) or {c: float(result.points[response][c]) for c in CRITERIA}
    return {
        "median": {c: median([m[c] for m in marks]) for c in CRITERIA},
        "mean": {c: sum(m[c] for m in marks) / len(marks) for c in CRITERIA},
        "calibrated": calibrated,
        "calibrated_rounded": result.points[response],
        "calibrated_nearest": {c: calibration.nearest(calibrated[c], range(k)) for c in CRITERIA},
    }


def _clip(value: float) -> float:
    return min(100.0, max(0.0, value))


def text_report(report: dict[str, Any]) -> str:
    """The table for people."""
    p = report["parameters"]
    lines = [
        f"Reviewer noise: {p['learners']} learners (seed {p['seed']}), must_grade {p['must_grade']}, graded_by "
        f"{p['graded_by']}, {report['reviews']} peer reviews; bias SD {p['bias_sd']:g}, noise SD {p['noise_sd']:g}, "
        f"{p['random_reviewers']} random reviewers, {p['draws']} draws",
        "RMSE on 0-100 against the true quality (against the rubric's truth)",
        f"{'options':<9}"
        + "".join(f"{name:>24}" for name in STRATEGIES)
        + f"{'rounded/median':>16}{'random in worst 5%':>20}",
    ]
    for k, row in report["rubrics"].items():
        cells = "".join(
            f"{row['rmse_quality'][name]:>14.2f} ({row['rmse_rubric_truth'][name]:>6.2f})" for name in STRATEGIES
        )
        found = row["random_reviewer_in_worst_5_percent"]
        lines.append(f"{k:<9}{cells}{row['ratio'] or 0:>16.3f}{'-' if found is None else f'{found:.0%}':>20}")
    return "\n".join(lines)
