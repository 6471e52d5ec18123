"""Calibrated peer grades: the issue's bound, and the time the calibration takes.

    make bench
    python bench/bench_calibration.py --learners 1000 --seeds 1 2 3 --draws 3

For each seed, ``ora-xblock simulate --noise`` in a process of its own (its own throwaway database): the real peer
queue hands out the reviews of ``--learners`` learners (must grade 5, graded by 3), then the reviewer-noise model
scores them. Prints each seed's RMSE per strategy, then per rubric size the mean over the seeds of the calibrated-
rounded RMSE over the median's, against the issue's bound (at most 0.8). Then times
:func:`ora_xblock.calibration.calibrate` alone on 1,000 to 10,000 learners' reviews (five each, two criteria).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOUND = 0.8


def measure(learners: int, seeds: list[int], draws: int) -> None:
    ratios: dict[str, list[float]] = {}
    for seed in seeds:
        command = [sys.executable, "-m", "ora_xblock", "simulate", "--noise", "--json"]
        command += ["--learners", str(learners), "--seed", str(seed), "--draws", str(draws)]
        report = json.loads(subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout)
        print(f"seed {seed}: {report['reviews']} peer reviews", flush=True)
        for k, row in report["rubrics"].items():
            rmse = " ".join(f"{name} {value:.2f}" for name, value in row["rmse_quality"].items())
            found = row["random_reviewer_in_worst_5_percent"]
            print(f"  {k} options: RMSE {rmse}; rounded / median {row['ratio']:.3f}; random in worst 5% {found}")
            ratios.setdefault(k, []).append(row["ratio"])
    for k, values in ratios.items():
        average = statistics.mean(values)
        verdict = "meets" if average <= BOUND else "misses"
        print(f"{k} options: calibrated rounded / median = {average:.3f} over seeds {seeds} ({verdict} <= {BOUND})")


def timing() -> None:
    sys.path.insert(0, str(ROOT))
    from ora_xblock.calibration import calibrate

    rng = random.Random(1)
    options = {"Ideas": range(5), "Form": range(5)}
    for learners in (1000, 5000, 10000):
        reviews = [
            (f"l{n}", f"l{(n + step) % learners}", {c: rng.randrange(5) for c in options})
            for n in range(learners)
            for step in range(1, 6)
        ]
        started = time.perf_counter()
        calibrate(reviews, options, graded_by=3)
        print(f"calibrate: {learners} learners, {len(reviews)} reviews: {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--draws", type=int, default=3)
    args = parser.parse_args()
    timing()
    measure(args.learners, args.seeds, args.draws)


if __name__ == "__main__":
    main()
