"""Calibrated peer scores: each reviewer's bias and reliability estimated with the responses' true scores. Pure Python.

A model of the PG1 family (Piech et al. 2013, "Tuned models of peer assessment
in MOOCs"), on points scaled to 0-1 by each criterion's options: a review
``y`` of response ``u`` on criterion ``c`` by reviewer ``v`` is ``z_uc + g_v +
d_vc`` plus noise of precision ``tau_v``, with priors ``z_uc ~ N(mu_c,
s_c^2)``, ``g_v ~ N(0, s_g^2)``, ``d_vc ~ N(0, s_d^2)`` and ``tau_v ~
Gamma(ALPHA, ALPHA * s_e^2)``: a true score per response and criterion, a
bias per reviewer and criterion (the reviewer's own plus the criterion's
part), a reliability per reviewer. Mean-field variational inference
(coordinate ascent); the priors' centres and spreads are estimated from the
problem's reviews (empirical Bayes), so that a problem with few reviews
shrinks towards a plain mean. Inputs are sorted and the iteration count is
fixed: the same reviews in any order give the same result. See
docs/decisions/0032-calibrated-peer-grades.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .scoring import median

Review = tuple[str, str, Mapping[str, int]]  # (reviewer_id, response_id, {criterion: points})

ITERATIONS = 40
ALPHA = 30.0  # the reliability prior's weight, in pseudo-reviews: measured best (decision 0032)
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
    observed = [(v, u, c, given[c]) for v, u, given in ordered for c in sorted(given) if c in options]
    anchors = {(u, c): marks[c] for u, marks in staff.items() for c in marks if c in options}
    fitted = _fit(observed, options, anchors) if calibrating else {}
    given_to: dict[tuple[str, str], list[int]] = {}
    for _, u, c, y in observed:
        given_to.setdefault((u, c), []).append(y)
    points: dict[str, dict[str, int]] = {response_id: {} for response_id in responses}
    estimates: dict[str, dict[str, float]] = {response_id: {} for response_id in responses}
    consensus: dict[tuple[str, str], float] = {}
    for (u, c), values in sorted(given_to.items()):
        if u in calibrated:
            estimates[u][c] = fitted[u, c]
        else:
            points[u][c] = median(values)
        consensus[u, c] = float(anchors.get((u, c), estimates[u].get(c, points[u].get(c, 0))))
    for response_id in sorted(calibrated):
        points[response_id] |= rounded(estimates[response_id], options)
    return Calibration(points, estimates, calibrated, _accuracy(observed, consensus, options))


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
    observed: Sequence[tuple[str, str, str, int]],
    options: Mapping[str, Sequence[int]],
    anchors: Mapping[tuple[str, str], int],
) -> dict[tuple[str, str], float]:
    """Each (response, criterion)'s true score, in points (coordinate ascent on the module docstring's model).

    A reviewer's bias on a criterion is their own (``g_v``) plus the criterion's part (``d_vc``, its own prior):
    leniency found on one criterion informs the others, and a reviewer lenient on one only is still seen there.
    Reliability is the reviewer's, over every criterion."""
    low = {c: min(options[c]) for c in options}
    span = {c: (max(options[c]) - low[c]) or 1 for c in options}
    x = [(y - low[c]) / span[c] for _, _, c, y in observed]
    by_key: dict[tuple[str, str], list[int]] = {}
    by_reviewer: dict[str, list[int]] = {}
    by_part: dict[tuple[str, str], list[int]] = {}
    for i, (v, u, c, _) in enumerate(observed):
        by_key.setdefault((u, c), []).append(i)
        by_reviewer.setdefault(v, []).append(i)
        by_part.setdefault((v, c), []).append(i)
    fixed = {key: (p - low[key[1]]) / span[key[1]] for key, p in anchors.items() if key in by_key}
    z = {key: fixed.get(key, _mean([x[i] for i in got])) for key, got in by_key.items()}
    vz = dict.fromkeys(z, 0.0)
    g, vg = dict.fromkeys(by_reviewer, 0.0), dict.fromkeys(by_reviewer, 0.0)
    d, vd = dict.fromkeys(by_part, 0.0), dict.fromkeys(by_part, 0.0)
    noise = max(MIN_SPREAD**2, _mean([(x[i] - z[u, c]) ** 2 for i, (_, u, c, _) in enumerate(observed)]))
    tau = dict.fromkeys(by_reviewer, 1 / noise)

    def rest(i: int) -> float:  # the review less its response's score and its reviewer's bias
        v, u, c, _ = observed[i]
        return x[i] - z[u, c] - g[v] - d[v, c]

    keys_of: dict[str, list[tuple[str, str]]] = {}
    for key in by_key:
        keys_of.setdefault(key[1], []).append(key)
    for _ in range(ITERATIONS):
        prior = {}
        for c, mine in keys_of.items():
            mu = _mean([z[key] for key in mine])
            prior[c] = (mu, max(MIN_SPREAD**2, _mean([(z[key] - mu) ** 2 + vz[key] for key in mine])))
        spread_g = max(MIN_SPREAD**2, _mean([g[v] ** 2 + vg[v] for v in g]))
        spread_d = max(MIN_SPREAD**2, _mean([d[part] ** 2 + vd[part] for part in d]))
        for key, got in by_key.items():
            if key in fixed:
                continue
            mu, spread = prior[key[1]]
            precision = 1 / spread + sum(tau[observed[i][0]] for i in got)
            z[key] = (mu / spread + sum(tau[observed[i][0]] * (rest(i) + z[key]) for i in got)) / precision
            vz[key] = 1 / precision
        for v, got in by_reviewer.items():
            precision = 1 / spread_g + len(got) * tau[v]
            g[v] = tau[v] * sum(rest(i) + g[v] for i in got) / precision
            vg[v] = 1 / precision
        for part, got in by_part.items():
            precision = 1 / spread_d + len(got) * tau[part[0]]
            d[part] = tau[part[0]] * sum(rest(i) + d[part] for i in got) / precision
            vd[part] = 1 / precision
        residuals = []
        for v, got in by_reviewer.items():
            squares = 0.0
            for i in got:
                _, u, c, _ = observed[i]
                squares += rest(i) ** 2 + vz[u, c] + vg[v] + vd[v, c]
            residuals.append((squares, len(got)))
        noise = max(MIN_SPREAD**2, sum(q for q, _ in residuals) / sum(n for _, n in residuals))
        for (squares, n), v in zip(residuals, by_reviewer, strict=True):
            tau[v] = (ALPHA + n / 2) / (ALPHA * noise + squares / 2)
    return {key: low[key[1]] + span[key[1]] * min(1.0, max(0.0, value)) for key, value in z.items()}


def _accuracy(
    observed: Sequence[tuple[str, str, str, int]],
    consensus: Mapping[tuple[str, str], float],
    options: Mapping[str, Sequence[int]],
) -> dict[str, dict[str, Accuracy]]:
    differences: dict[str, dict[str, list[float]]] = {}
    for v, u, c, y in observed:
        differences.setdefault(v, {}).setdefault(c, []).append(y - consensus[u, c])
    result: dict[str, dict[str, Accuracy]] = {}
    for v, by_criterion in differences.items():
        for c, diffs in by_criterion.items():
            span = (max(options[c]) - min(options[c])) or 1
            error = _mean([abs(diff) for diff in diffs])
            score = round(100 * max(0.0, 1 - error / span))
            result.setdefault(v, {})[c] = Accuracy(len(diffs), round(_mean(diffs), 3), round(error, 3), score)
    return result


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0
