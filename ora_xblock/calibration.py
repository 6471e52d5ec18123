"""Calibrated peer scores: each reviewer's bias and reliability estimated with the responses' true scores. Pure Python.

A model of the PG1 family (Piech et al. 2013, "Tuned models of peer assessment
in MOOCs"), per criterion, on points scaled to 0-1 by the criterion's options:
a review ``y`` of response ``u`` by reviewer ``v`` is ``z_u + b_v`` plus noise
of precision ``tau_v``, with priors ``z_u ~ N(mu, s_z^2)``, ``b_v ~ N(0, s_b^2)``
and ``tau_v ~ Gamma(ALPHA, ALPHA * s_e^2)``. Mean-field variational inference
(coordinate ascent) for z, b and tau; the prior's centres and spreads (mu,
s_z, s_b, s_e) are estimated from the problem's reviews (empirical Bayes),
so that a problem with few reviews shrinks towards a plain mean. Inputs are
sorted and the iteration count is fixed: the same reviews in any order give
the same result. See docs/decisions/0032-calibrated-peer-grades.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .scoring import median

Review = tuple[str, str, Mapping[str, int]]  # (reviewer_id, response_id, {criterion: points})

ITERATIONS = 40
ALPHA = 100.0  # the reliability prior's weight, in pseudo-reviews: measured best (decision 0032)
MIN_SPREAD = 0.02  # floors, on the 0-1 scale, for the estimated spreads (a problem where everyone agrees)
MIN_REVIEWERS = 10  # a problem is calibrated once this many reviewers ...
MIN_REVIEWS_EACH = 3  # ... have each given at least this many reviews


@dataclass(frozen=True)
class Accuracy:
    """One reviewer on one criterion, against the consensus (staff's points where staff graded the response).

    ``bias`` is signed, in points (positive: more lenient); ``error`` is the mean absolute difference in points;
    ``score`` is 0-100 (100: always the consensus; 0: a whole rubric's range away on average)."""

    reviews: int
    bias: float
    error: float
    score: int


@dataclass(frozen=True)
class Calibration:
    """What a problem's peer reviews give.

    ``points``: the points that count per response and criterion (calibrated and rounded, or the median);
    ``estimates``: the unrounded calibrated points; ``calibrated``: the responses not on the median;
    ``reviewers``: each reviewer's accuracy per criterion."""

    points: Mapping[str, Mapping[str, int]]
    estimates: Mapping[str, Mapping[str, float]]
    calibrated: frozenset[str]
    reviewers: Mapping[str, Mapping[str, Accuracy]]

    def accuracy(self, reviewer_id: str) -> int | None:
        """The reviewer's score over every criterion (the mean), None without reviews."""
        by_criterion = self.reviewers.get(reviewer_id)
        if not by_criterion:
            return None
        return round(sum(item.score for item in by_criterion.values()) / len(by_criterion))

    def least_reliable(self, count: int, min_reviews: int = MIN_REVIEWS_EACH) -> list[str]:
        """Up to ``count`` reviewers with at least ``min_reviews`` reviews, the lowest accuracy first (ties by id)."""
        ranked = []
        for reviewer_id, by_criterion in self.reviewers.items():
            score = self.accuracy(reviewer_id)
            if score is not None and max(item.reviews for item in by_criterion.values()) >= min_reviews:
                ranked.append((score, reviewer_id))
        return [reviewer_id for _, reviewer_id in sorted(ranked)[:count]]


def enough(reviews: Sequence[Review]) -> bool:
    """Whether the problem has enough reviewers with enough reviews to calibrate (see the decision)."""
    given: dict[str, int] = {}
    for reviewer_id, _, _ in reviews:
        given[reviewer_id] = given.get(reviewer_id, 0) + 1
    return sum(count >= MIN_REVIEWS_EACH for count in given.values()) >= MIN_REVIEWERS


def calibrate(
    reviews: Sequence[Review],
    options: Mapping[str, Sequence[int]],
    *,
    graded_by: int,
    staff: Mapping[str, Mapping[str, int]] | None = None,
) -> Calibration:
    """Every response's points from all its peer reviews (extras included).

    ``options``: each criterion with options, its options' points. A response
    with fewer than ``graded_by`` reviews, or every response while the problem
    has not :func:`enough` reviews, gets the median of its reviews. ``staff``:
    staff's points for responses staff graded; they anchor those responses'
    true scores and are the consensus reviewers are measured against there.
    """
    staff = staff or {}
    ordered = sorted(reviews, key=lambda review: (review[0], review[1], sorted(review[2].items())))
    responses = sorted({response_id for _, response_id, _ in ordered})
    counts = {response_id: 0 for response_id in responses}
    for _, response_id, _ in ordered:
        counts[response_id] += 1
    calibrating = enough(ordered)
    calibrated = frozenset(r for r in responses if calibrating and counts[r] >= graded_by)
    points: dict[str, dict[str, int]] = {response_id: {} for response_id in responses}
    estimates: dict[str, dict[str, float]] = {response_id: {} for response_id in responses}
    reviewers: dict[str, dict[str, Accuracy]] = {}
    for criterion in sorted(options):
        scale = sorted(options[criterion])
        observed = [(v, u, given[criterion]) for v, u, given in ordered if criterion in given]
        anchors = {u: marks[criterion] for u, marks in staff.items() if criterion in marks}
        fitted = _fit(observed, scale, anchors) if calibrating else {}
        for response_id in responses:
            if response_id in calibrated and response_id in fitted:
                estimates[response_id][criterion] = fitted[response_id]
            else:
                mine = [y for _, u, y in observed if u == response_id]
                points[response_id][criterion] = median(mine)
        consensus = {
            u: float(anchors.get(u, estimates[u].get(criterion, points[u].get(criterion, 0)))) for u in responses
        }
        for reviewer_id, accuracy in _accuracy(observed, consensus, scale).items():
            reviewers.setdefault(reviewer_id, {})[criterion] = accuracy
    for response_id in calibrated:
        points[response_id] |= rounded(estimates[response_id], options)
    return Calibration(points, estimates, calibrated, reviewers)


def rounded(estimates: Mapping[str, float], options: Mapping[str, Sequence[int]]) -> dict[str, int]:
    """Each criterion's estimate on one of the two options around it, the total as near the estimates' as can be.

    Largest remainders: every criterion starts on the option at or below its
    estimate; then, the criteria nearest their option above first (ties: in
    name order), each is raised while that brings the total nearer; halfway,
    it is raised (as the median rounds up). One criterion alone is rounded to
    its nearest option, halfway up.
    """
    chosen, gaps = {}, []
    for name in sorted(estimates):
        scale, value = sorted(options[name]), estimates[name]
        below = max((p for p in scale if p <= value + 1e-9), default=scale[0])
        above = min((p for p in scale if p >= value - 1e-9), default=scale[-1])
        chosen[name] = below
        if above > below:
            gaps.append((above - value, name, above))
    deficit = math.fsum(estimates.values()) - sum(chosen.values())
    for _, name, above in sorted(gaps):
        step = above - chosen[name]
        if abs(deficit - step) <= abs(deficit) + 1e-9:
            chosen[name], deficit = above, deficit - step
    return chosen


def nearest(value: float, scale: Sequence[int]) -> int:
    """The option's points nearest ``value``; halfway between two options, the higher (as the median rounds up)."""
    return rounded({"": value}, {"": scale})[""]


def _fit(
    observed: Sequence[tuple[str, str, int]], scale: Sequence[int], anchors: Mapping[str, int]
) -> dict[str, float]:
    """The true score of each response, in points (coordinate ascent on the model in the module's docstring)."""
    low, span = scale[0], (scale[-1] - scale[0]) or 1
    by_response: dict[str, list[tuple[str, float]]] = {}
    by_reviewer: dict[str, list[tuple[str, float]]] = {}
    for v, u, y in observed:
        value = (y - low) / span
        by_response.setdefault(u, []).append((v, value))
        by_reviewer.setdefault(v, []).append((u, value))
    fixed = {u: (points - low) / span for u, points in anchors.items() if u in by_response}
    z = {u: fixed.get(u, sum(y for _, y in got) / len(got)) for u, got in by_response.items()}
    vz = dict.fromkeys(z, 0.0)
    b = dict.fromkeys(by_reviewer, 0.0)
    vb = dict.fromkeys(by_reviewer, 0.0)
    noise = max(MIN_SPREAD**2, _mean([(y - z[u]) ** 2 for v, got in by_reviewer.items() for u, y in got]))
    tau = dict.fromkeys(by_reviewer, 1 / noise)
    for _ in range(ITERATIONS):
        mu = _mean(list(z.values()))
        spread_z = max(MIN_SPREAD**2, _mean([(z[u] - mu) ** 2 + vz[u] for u in z]))
        spread_b = max(MIN_SPREAD**2, _mean([b[v] ** 2 + vb[v] for v in b]))
        for u, got in by_response.items():
            if u in fixed:
                continue
            precision = 1 / spread_z + sum(tau[v] for v, _ in got)
            z[u] = (mu / spread_z + sum(tau[v] * (y - b[v]) for v, y in got)) / precision
            vz[u] = 1 / precision
        residuals = []
        for v, got in by_reviewer.items():
            precision = 1 / spread_b + len(got) * tau[v]
            b[v] = tau[v] * sum(y - z[u] for u, y in got) / precision
            vb[v] = 1 / precision
            squares = sum((y - z[u] - b[v]) ** 2 + vz[u] + vb[v] for u, y in got)
            residuals.append((squares, len(got)))
        noise = max(MIN_SPREAD**2, sum(s for s, _ in residuals) / sum(n for _, n in residuals))
        for (squares, n), v in zip(residuals, by_reviewer, strict=True):
            tau[v] = (ALPHA + n / 2) / (ALPHA * noise + squares / 2)
    return {u: low + span * min(1.0, max(0.0, value)) for u, value in z.items()}


def _accuracy(
    observed: Sequence[tuple[str, str, int]], consensus: Mapping[str, float], scale: Sequence[int]
) -> dict[str, Accuracy]:
    span = (scale[-1] - scale[0]) or 1
    differences: dict[str, list[float]] = {}
    for v, u, y in observed:
        differences.setdefault(v, []).append(y - consensus[u])
    result = {}
    for v, diffs in differences.items():
        error = _mean([abs(d) for d in diffs])
        score = round(100 * max(0.0, 1 - error / span))
        result[v] = Accuracy(len(diffs), round(_mean(diffs), 3), round(error, 3), score)
    return result


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0
