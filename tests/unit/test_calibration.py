"""The calibrated peer strategy's core: determinism, the fallback to the median, rounding, priors, bias recovered."""

from __future__ import annotations

import random

import pytest

from ora_xblock import calibration
from ora_xblock.calibration import Calibration, calibrate, enough, nearest, rounded
from ora_xblock.definition import load_olx
from ora_xblock.scoring import median

FIVE = {"Ideas": [0, 1, 2, 3, 4], "Form": [0, 1, 2, 3, 4]}


def _problem(seed: int = 1, reviewers: int = 40, lenient: float = 0.0) -> tuple[list, dict[str, float]]:
    """Each of ``reviewers`` learners reviews the next five (a ring); the first reviewer is ``lenient`` points
    more generous than the others; small noise. Returns the reviews and each response's true points."""
    rng = random.Random(seed)
    truth = {f"r{n:02d}": rng.uniform(0.5, 2.8) for n in range(reviewers)}  # a lenient review stays below 4
    reviews = []
    for n in range(reviewers):
        reviewer = f"r{n:02d}"
        bias = lenient if n == 0 else rng.gauss(0, 0.2)
        for step in range(1, 6):
            response = f"r{(n + step) % reviewers:02d}"
            marks = {c: min(4, max(0, round(truth[response] + bias + rng.gauss(0, 0.3)))) for c in FIVE}
            reviews.append((reviewer, response, marks))
    return reviews, truth


def test_the_same_reviews_in_any_order_give_the_same_result():
    reviews, _ = _problem()
    first = calibrate(reviews, FIVE, graded_by=3)
    for seed in range(3):
        shuffled = list(reviews)
        random.Random(seed).shuffle(shuffled)
        assert calibrate(shuffled, FIVE, graded_by=3) == first
    assert first.calibrated  # the comparison is of calibrated results, not of medians


def test_a_problem_without_enough_reviewers_has_the_median_everywhere():
    reviews, _ = _problem(reviewers=calibration.MIN_REVIEWERS - 1)
    assert not enough(reviews)
    result = calibrate(reviews, FIVE, graded_by=3)
    assert result.calibrated == frozenset()
    assert result.estimates == {response: {} for response in result.points}
    for response, points in result.points.items():
        given = [marks for _, reviewed, marks in reviews if reviewed == response]
        assert points == {c: median([m[c] for m in given]) for c in FIVE}


def test_a_response_short_of_graded_by_reviews_has_its_median():
    reviews, _ = _problem()
    reviews = [review for review in reviews if review[1] != "r07"] + [("r00", "r07", {"Ideas": 4, "Form": 1})]
    result = calibrate(reviews, FIVE, graded_by=3)
    assert "r07" not in result.calibrated
    assert result.points["r07"] == {"Ideas": 4, "Form": 1}
    assert "r08" in result.calibrated


def test_a_lenient_reviewers_bias_is_found_and_taken_out():
    reviews, truth = _problem(lenient=1.0)
    result = calibrate(reviews, FIVE, graded_by=3)
    lenient = result.reviewers["r00"]
    assert all(0.5 < item.bias < 1.5 for item in lenient.values())  # five reviews each, rounded to options
    assert 0.7 < sum(item.bias for item in lenient.values()) / 2 < 1.3
    others = [item.bias for reviewer, by in result.reviewers.items() if reviewer != "r00" for item in by.values()]
    assert max(abs(bias) for bias in others) < min(item.bias for item in lenient.values())
    reviewed = [f"r{n:02d}" for n in range(1, 6)]  # the lenient reviewer's five
    calibrated = sum(abs(result.estimates[r]["Ideas"] - truth[r]) for r in reviewed)
    means = sum(abs(sum(m["Ideas"] for _, u, m in reviews if u == r) / 5 - truth[r]) for r in reviewed)
    assert calibrated < means


def test_one_review_is_held_by_the_priors():
    """A reviewer with a single, extreme review: the priors keep their bias small and every estimate in range."""
    reviews, _ = _problem()
    reviews.append(("newcomer", "r03", {"Ideas": 4, "Form": 0}))
    result = calibrate(reviews, FIVE, graded_by=3)
    newcomer = result.reviewers["newcomer"]
    assert newcomer["Ideas"].reviews == 1
    assert all(0 <= value <= 4 for by in result.estimates.values() for value in by.values())
    plain = calibrate(reviews[:-1], FIVE, graded_by=3)
    assert abs(result.estimates["r03"]["Ideas"] - plain.estimates["r03"]["Ideas"]) < 0.5


def test_a_random_reviewer_is_among_the_least_reliable():
    reviews, _ = _problem()
    rng = random.Random(5)
    reviews = [(v, u, {c: rng.randrange(5) for c in FIVE}) if v == "r13" else (v, u, m) for v, u, m in reviews]
    result = calibrate(reviews, FIVE, graded_by=3)
    assert result.least_reliable(2)[0] == "r13"
    assert result.accuracy("r13") < min(result.accuracy(f"r{n:02d}") for n in range(40) if n != 13)
    assert result.accuracy("nobody") is None


def test_staff_grades_anchor_the_response_and_are_the_consensus_there():
    reviews, _ = _problem()
    staff = {"r05": {"Ideas": 0, "Form": 0}}
    result = calibrate(reviews, FIVE, graded_by=3, staff=staff)
    assert result.estimates["r05"] == {"Ideas": 0.0, "Form": 0.0}
    without = calibrate(reviews, FIVE, graded_by=3)
    assert result.reviewers["r00"]["Ideas"].bias > without.reviewers["r00"]["Ideas"].bias


@pytest.mark.parametrize(
    ("estimates", "expected"),
    [
        ({"A": 2.4, "B": 2.4}, {"A": 3, "B": 2}),  # 4.8: the total to 5; equally near their options, A by name
        ({"A": 2.2, "B": 2.2}, {"A": 2, "B": 2}),  # 4.4: stays at 4
        ({"A": 2.5, "B": 2.0}, {"A": 3, "B": 2}),  # halfway: up, as the median
        ({"A": 0.6, "B": 3.7}, {"A": 0, "B": 4}),  # 4.3: the total to 4, B the nearer its option above
        ({"A": 4.0, "B": 0.0}, {"A": 4, "B": 0}),
    ],
)
def test_rounding_keeps_each_criterion_on_an_option_around_it_and_the_total_nearest(estimates, expected):
    assert rounded(estimates, {"A": range(5), "B": range(5)}) == expected


def test_rounding_on_uneven_options():
    assert nearest(4.9, [0, 2, 10]) == 2
    assert nearest(6.0, [0, 2, 10]) == 10  # halfway: the higher
    assert nearest(1.0, [0, 2, 10]) == 2
    assert rounded({"A": 7.0, "B": 1.0}, {"A": [0, 2, 10], "B": [0, 5]}) == {"A": 10, "B": 0}


def test_calibrated_points_are_options_and_the_grade_takes_them():
    from ora_xblock.scoring import grade

    reviews, _ = _problem()
    result = calibrate(reviews, FIVE, graded_by=3)
    assert isinstance(result, Calibration)
    assert all(set(points.values()) <= set(range(5)) for points in result.points.values())
    definition = load_olx(_OLX)
    given = grade(definition, peer=[{"Ideas": 0, "Form": 0}], peer_points={"Ideas": 3, "Form": 2})
    assert given is not None and given.earned == 5


_OLX = """<openassessment><title>T</title><prompts><prompt><description>P</description></prompt></prompts>
<rubric>
<criterion><name>Ideas</name><prompt>I</prompt>{0}</criterion><criterion><name>Form</name><prompt>F</prompt>{0}</criterion>
</rubric>
<assessments><assessment name="peer-assessment" must_grade="5" must_be_graded_by="3" grading_strategy="calibrated"/>
</assessments></openassessment>""".format(
    "".join(f'<option points="{p}"><name>o{p}</name><explanation>e</explanation></option>' for p in range(5))
)
