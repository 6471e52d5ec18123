"""Peer assessment in a real browser, as learners do it, on the Ideas/Content/Grammar problem: training, peer, self.

The tests share the demo server's database, so this problem's peer pool, and run in file order.
The first needs the pool empty: four learners review exactly each other and are graded. The
continue-assessing test reuses those four; the other tests only add learners, whose responses
never get ahead of the one that test needs to be reviewed next.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from demo.services import anonymous_id

from .test_journey import scenario_url, submit_answer
from .test_smoke import assert_accessible

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under CI
    expect = None

pytestmark = pytest.mark.browser

PROBLEM = "ideas_content_grammar.xml"
CRITERIA = ("Ideas", "Content", "Grammar")
POINTS = {  # each criterion's options in the order the form lists them, with their points
    "Ideas": {"Missing": 0, "Emerging": 4, "Developed": 7, "Strong": 8, "Excellent": 10},
    "Content": {"Missing": 0, "Thin": 4, "Adequate": 7, "Solid": 8, "Rich": 9, "Excellent": 10},
    "Grammar": {"Many errors": 0, "Few errors": 4, "No errors": 5},
}
POSSIBLE = 25
# The staff's choices for the two training samples, as in the scenario's OLX.
SAMPLES = (
    {"Ideas": "Emerging", "Content": "Thin", "Grammar": "No errors"},
    {"Ideas": "Excellent", "Content": "Rich", "Grammar": "No errors"},
)
SELF_CHOICE = {"Ideas": "Excellent", "Content": "Excellent", "Grammar": "No errors"}
PLAIN_REVIEW = ("Developed", "Adequate", "Few errors")

# Learners of this module only (no other test uses these names), and their answers.
AMARA, BRUNO, CHEN, DANA = "pq_amara", "pq_bruno", "pq_chen", "pq_dana"  # review each other
EZRA, FAYE, GUS, HANA = "pq_ezra", "pq_faye", "pq_gus", "pq_hana"  # reviewing at the same time
IVO, JADE, JOEL, KAI, LENA = "pq_ivo", "pq_jade", "pq_joel", "pq_kai", "pq_lena"
COHORT = (AMARA, BRUNO, CHEN, DANA)
ANSWERS = {
    AMARA: "The washing machine gave families back a whole day of every week.",
    BRUNO: "Electric light let people read, work and meet after dark.",
    CHEN: "The bicycle let factory workers live far from the factory gates.",
    DANA: "Radio brought the news, music and football into every kitchen.",
    EZRA: "Tinned food let sailors and soldiers eat well far from any farm.",
    FAYE: "The railway made time the same in every town along the line.",
    GUS: "The sewing machine turned clothes from heirlooms into everyday goods.",
    HANA: "Vaccines made childhood far less dangerous for ordinary families.",
    IVO: "The telephone let people call a doctor in the middle of the night.",
    JADE: "The typewriter opened office work to thousands of young women.",
    JOEL: "Anaesthesia made surgery something people could survive and bear.",
    KAI: "The refrigerator ended the daily trip to market for fresh food.",
    LENA: "Cheap printing put newspapers and novels into working homes.",
}
# What each reviewer chooses for each author: (Ideas, Content, Grammar).
REVIEWS = {
    (BRUNO, AMARA): ("Developed", "Solid", "No errors"),
    (CHEN, AMARA): ("Strong", "Rich", "Few errors"),
    (DANA, AMARA): ("Emerging", "Adequate", "No errors"),
    (AMARA, BRUNO): ("Excellent", "Excellent", "No errors"),
    (CHEN, BRUNO): ("Strong", "Rich", "No errors"),
    (DANA, BRUNO): ("Excellent", "Solid", "Few errors"),
    (AMARA, CHEN): ("Missing", "Thin", "Many errors"),
    (BRUNO, CHEN): ("Emerging", "Missing", "Few errors"),
    (DANA, CHEN): ("Developed", "Thin", "Many errors"),
    (AMARA, DANA): ("Strong", "Adequate", "Few errors"),
    (BRUNO, DANA): ("Strong", "Solid", "Few errors"),
    (CHEN, DANA): ("Developed", "Excellent", "No errors"),
    # beyond their required reviews
    (AMARA, KAI): ("Strong", "Solid", "No errors"),
    (BRUNO, KAI): ("Excellent", "Rich", "No errors"),
    (CHEN, KAI): ("Developed", "Adequate", "Few errors"),
}


def feedback(reviewer: str, author: str) -> str:
    """An overall comment that tells the test who wrote it for whom, and tells nobody else."""
    return f"Overall feedback {sorted(ANSWERS).index(reviewer)}-{sorted(ANSWERS).index(author)}: keep going."


def peer_medians(author: str) -> dict[str, int]:
    """The points per criterion that the author's three reviewers give, by the median."""
    given = [dict(zip(CRITERIA, options, strict=True)) for (_, whom), options in REVIEWS.items() if whom == author]
    assert len(given) == 3
    return {c: int(statistics.median(POINTS[c][choice[c]] for choice in given)) for c in CRITERIA}


# Pages, regions and what learners do on them


@pytest.fixture
def open_learner(browser: Any, demo_server: str) -> Iterator[Any]:
    """``open_learner(student)``: the problem as ``student``, in a browser window of their own.

    One context per learner: pages sharing a context are background tabs, which Chromium throttles.
    """
    contexts = []

    def open_page(student: str) -> Any:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(scenario_url(demo_server, PROBLEM, student))
        return page

    yield open_page
    for context in contexts:
        context.close()


def training(page: Any) -> Any:
    return page.get_by_role("region", name="Learn to assess responses")


def peer_region(page: Any) -> Any:
    return page.get_by_role("region", name="Assess peers")


def self_region(page: Any) -> Any:
    return page.get_by_role("region", name="Assess your response")


def progress(page: Any) -> Any:
    return peer_region(page).locator(".ora-peer-progress")


def submit_review_button(page: Any) -> Any:
    return peer_region(page).get_by_role("button", name="Submit your review")


def option(scope: Any, criterion: str, name: str) -> Any:
    group = scope.get_by_role("group", name=criterion, exact=True)
    return group.get_by_role("radio", name=re.compile(rf"^{re.escape(name)} \d+ points?\b"))


def choose(scope: Any, choices: dict[str, str]) -> None:
    """Pick an option per criterion in the rubric form inside ``scope``."""
    for criterion, name in choices.items():
        option(scope, criterion, name).check()


def pass_training(page: Any) -> None:
    """Assess both samples as the staff did; the learner moves on to the peer step, where the page asks for a review."""
    region = training(page)
    check = region.get_by_role("button", name="Check my assessment")
    for number, sample in enumerate(SAMPLES, start=1):
        expect(region).to_contain_text(f"Sample {number} of {len(SAMPLES)}")
        choose(region, sample)
        if number < len(SAMPLES):
            check.click()
    with page.expect_response(lambda response: "/peer_next/" in response.url):
        check.click()
    expect(page.locator(".ora-live")).to_have_text(re.compile("^(Here is a response to review|No response is waiting)"))


def answer_and_train(page: Any, student: str) -> None:
    submit_answer(page, ANSWERS[student])
    pass_training(page)


def shown_author(page: Any) -> str:
    """Whose response the review form shows, recognised by its text."""
    answer = peer_region(page).locator(".ora-peer-answer")
    expect(answer).to_have_count(1)
    text = answer.inner_text().strip()
    authors = [author for author, written in ANSWERS.items() if written == text]
    assert authors, f"{page.url} asks to review an unknown response: {text!r}"
    return authors[0]


def lease_id(page: Any) -> str:
    return peer_region(page).locator("input[type=hidden][name=lease_id]").input_value()


def assert_names_absent(page: Any, students: Iterable[str]) -> None:
    """Nothing in the page's HTML names ``students``: no username, display name, e-mail or anonymous id."""
    html = page.content().lower()
    for student in students:
        for trace in (student, anonymous_id(student), f"{student}@example.com"):
            assert trace.lower() not in html, f"{page.url} shows {trace!r}"


def review(page: Any, choices: tuple[str, str, str], comment: str) -> None:
    region = peer_region(page)
    choose(region, dict(zip(CRITERIA, choices, strict=True)))
    region.get_by_label("Overall comments").fill(comment)
    submit_review_button(page).click()


def review_form(page: Any, done: int) -> None:
    """After ``done`` required reviews, the form for the next one.

    When the page says that no response is waiting, the learner comes back later (reloads); see
    test_the_next_response_is_offered_after_a_review for what the page should do instead.
    """
    expect(progress(page)).to_have_text(f"{min(done, 3)} of 3 required reviews done")
    form = submit_review_button(page)
    expect(form.or_(peer_region(page).get_by_role("button", name="Check for a response to review"))).to_be_visible()
    if not form.is_visible():
        page.reload()  # the page asks for a response as it loads
    expect(form).to_be_visible()


def assess_self(page: Any, comment: str) -> None:
    region = self_region(page)
    expect(region.get_by_role("heading", name="Assess your response")).to_be_focused()
    choose(region, SELF_CHOICE)
    region.get_by_label("Overall comments").fill(comment)
    region.get_by_role("button", name="Submit your assessment").click()
    expect(self_region(page)).to_have_count(0)


def review_with_keyboard(page: Any, choices: tuple[str, str, str], comment: str) -> None:
    """Complete and submit the review form with Tab, the arrow keys or Space, typing and Enter only."""
    region = peer_region(page)
    expect(region.get_by_role("heading", name="Assess peers")).to_be_focused()
    for criterion, name in zip(CRITERIA, choices, strict=True):
        page.keyboard.press("Tab")  # into the criterion's radio group: its first option
        names = list(POINTS[criterion])
        expect(option(region, criterion, names[0])).to_be_focused()
        page.keyboard.press("Space")
        expect(option(region, criterion, names[0])).to_be_checked()
        for _ in range(names.index(name)):
            page.keyboard.press("ArrowDown")
        expect(option(region, criterion, name)).to_be_focused()
        expect(option(region, criterion, name)).to_be_checked()
    page.keyboard.press("Tab")
    expect(region.get_by_label("Overall comments")).to_be_focused()
    page.keyboard.type(comment)
    page.keyboard.press("Tab")
    expect(submit_review_button(page)).to_be_focused()
    page.keyboard.press("Enter")


def expect_grade(page: Any, author: str) -> Any:
    """The author's grade: the peers' median per criterion (out of 25), with the self assessment beside it."""
    medians = peer_medians(author)
    grade = page.locator(".ora-grade")
    expect(grade.get_by_role("heading", name=f"Your grade: {sum(medians.values())} out of {POSSIBLE}")).to_be_visible()
    expect(grade.locator(".ora-grade-source")).to_have_text("Graded by: Peers")
    for criterion in CRITERIA:
        row = grade.get_by_role("row", name=re.compile(rf"^{criterion}\b"))
        possible = max(POINTS[criterion].values())
        expect(row).to_contain_text(f"{medians[criterion]} / {possible}")
        expect(row).to_contain_text(f"Peers: {medians[criterion]}, You: {POINTS[criterion][SELF_CHOICE[criterion]]}")
    return grade


# 1. Four learners answer, train, review each other, assess themselves and are graded; axe and keyboard on the way.


def test_four_learners_train_review_each_other_and_are_graded_by_the_median(open_learner: Any, axe: Any) -> None:
    pages = {}

    # The first learner answers and trains alone: nothing chosen, then wrong choices.
    amara = pages[AMARA] = open_learner(AMARA)
    submit_answer(amara, ANSWERS[AMARA])
    region = training(amara)
    expect(region.get_by_role("heading", name="Learn to assess responses")).to_be_focused()
    expect(region).to_contain_text("Sample 1 of 2")
    expect(region.locator(".ora-submitted-answer")).to_contain_text("only lists dates of inventions")
    assert_accessible(axe, amara)
    form = region.locator("form")
    blank_form = form.inner_html()
    check = region.get_by_role("button", name="Check my assessment")
    check.click()
    expect(region.locator(".ora-errors")).to_have_text("Choose an option for every criterion: Ideas, Content, Grammar.")

    choose(region, {**SAMPLES[0], "Ideas": "Strong"})
    check.click()
    notice = region.get_by_role("alert")
    expect(notice).to_have_text(
        "Your choices differ from the staff assessment for: Ideas. Look again and try once more."
    )
    expect(region).to_contain_text("Sample 1 of 2")
    for name in POINTS["Ideas"]:  # the staff's choice is not given away: not named, preselected or marked
        expect(notice).not_to_contain_text(name)
    expect(region.locator("input[type=radio]:checked")).to_have_count(0)
    assert form.inner_html() == blank_form
    assert_accessible(axe, amara)

    choose(region, {**SAMPLES[0], "Content": "Missing", "Grammar": "Few errors"})
    check.click()
    expect(notice).to_have_text(
        "Your choices differ from the staff assessment for: Content, Grammar. Look again and try once more."
    )
    choose(region, SAMPLES[0])
    check.click()
    expect(region.locator(".ora-success")).to_have_text("Your choices matched. Here is the next sample.")
    expect(region).to_contain_text("Sample 2 of 2")
    expect(region.locator(".ora-submitted-answer")).to_contain_text("Refrigeration changed what people ate")
    choose(region, SAMPLES[1])
    with amara.expect_response(lambda response: "/peer_next/" in response.url):  # the page asks for a review
        check.click()

    # Nobody else has answered yet: nothing to review; come back later.
    peer = peer_region(amara)
    expect(peer.get_by_role("heading", name="Assess peers")).to_be_focused()
    expect(progress(amara)).to_have_text("0 of 3 required reviews done")
    expect(peer.locator(".ora-notice")).to_have_text("No response is waiting for a review right now. Check back later.")
    expect(submit_review_button(amara)).to_have_count(0)

    # The others answer and train; each is handed a response to review as soon as they pass.
    for student in (BRUNO, CHEN, DANA):
        page = pages[student] = open_learner(student)
        answer_and_train(page, student)
        expect(submit_review_button(page)).to_be_visible()

    # The first learner checks again and gets a response.
    peer.get_by_role("button", name="Check for a response to review").click()
    expect(submit_review_button(amara)).to_be_visible()

    # Each reviews the three others, without learning who wrote them, then assesses their own response.
    for reviewer in COHORT:
        page = pages[reviewer]
        others = [student for student in COHORT if student != reviewer]
        reviewed = []
        for done in range(3):
            review_form(page, done)
            author = shown_author(page)
            assert author in others and author not in reviewed, f"{reviewer} was handed {author}'s response"
            reviewed.append(author)
            assert_names_absent(page, others)
            if reviewer == AMARA and done == 0:
                assert_accessible(axe, page)
            if reviewer == DANA and done == 0:
                review_with_keyboard(page, REVIEWS[(reviewer, author)], feedback(reviewer, author))
            else:
                review(page, REVIEWS[(reviewer, author)], feedback(reviewer, author))
        assess_self(page, f"My own view, learner {COHORT.index(reviewer) + 1}.")
        if reviewer == AMARA:  # the others have not reviewed her yet
            expect(page.locator(".ora-waiting")).to_contain_text(
                "Your grade appears here once enough peers have assessed your response."
            )
    # The last learner's own response was already reviewed three times: graded at once.
    expect(pages[DANA].get_by_role("heading", name=re.compile("^Your grade: "))).to_be_focused()

    # Everyone is graded by their peers, sees their comments, and not who wrote them.
    for author in COHORT:
        page = pages[author]
        page.reload()
        grade = expect_grade(page, author)
        for reviewer in COHORT:
            if reviewer != author:
                expect(grade).to_contain_text(feedback(reviewer, author))
        expect(grade.locator(".ora-feedback-received h5")).to_have_text(["Peer 1", "Peer 2", "Peer 3", "You"])
        expect(grade).to_contain_text(f"My own view, learner {COHORT.index(author) + 1}.")
        assert_names_absent(page, [student for student in COHORT if student != author])
        if author == AMARA:
            assert_accessible(axe, page)


# 2. Reviewing at the same time, and from a stale tab.


def test_reviewers_at_the_same_time_get_different_responses_and_a_stale_tab_is_refused(open_learner: Any) -> None:
    """Two reviewers ask at once and get one response each, without an error; a stale tab cannot submit."""
    for author in (EZRA, FAYE):  # responses waiting for reviews
        submit_answer(open_learner(author), ANSWERS[author])
    gus, hana = open_learner(GUS), open_learner(HANA)
    for page, student in ((gus, GUS), (hana, HANA)):
        submit_answer(page, ANSWERS[student])
        region = training(page)
        choose(region, SAMPLES[0])
        region.get_by_role("button", name="Check my assessment").click()
        expect(region).to_contain_text("Sample 2 of 2")
        choose(region, SAMPLES[1])

    # Both pass training together, so both pages ask for a response at the same moment.
    for page in (gus, hana):
        training(page).get_by_role("button", name="Check my assessment").click()
    for page in (gus, hana):
        expect(submit_review_button(page)).to_be_visible()
    leased = {GUS: shown_author(gus), HANA: shown_author(hana)}
    assert leased[GUS] != GUS and leased[HANA] != HANA
    assert leased[GUS] != leased[HANA], f"both reviewers were handed {leased[GUS]}'s response"

    # A second tab of the same learner shows the same response, on the same lease.
    stale = gus.context.new_page()
    stale.set_default_timeout(10_000)
    stale.goto(gus.url)
    expect(submit_review_button(stale)).to_be_visible()
    assert shown_author(stale) == leased[GUS]
    assert lease_id(stale) == lease_id(gus)

    # Reviewed in the first tab, which moves on to another response.
    gus.bring_to_front()
    review(gus, PLAIN_REVIEW, "Reviewed in the first tab.")
    review_form(gus, 1)
    following = shown_author(gus)
    assert following not in (GUS, leased[GUS])

    # The stale tab's review is refused, clearly, and lands on neither response.
    stale.bring_to_front()
    with stale.expect_response(lambda response: "/peer_assess/" in response.url) as refused:
        review(stale, PLAIN_REVIEW, "Reviewed in a stale tab.")
    assert refused.value.status == 409
    expect(peer_region(stale).locator(".ora-errors")).to_have_text(
        "This review is no longer yours to submit. Reload the page."
    )
    expect(progress(stale)).to_have_text("0 of 3 required reviews done")
    stale.reload()
    expect(progress(stale)).to_have_text("1 of 3 required reviews done")  # one review counted, not two
    assert shown_author(stale) == following
    review(stale, PLAIN_REVIEW, "Reviewed after a reload.")  # refused had the stale review landed on it
    expect(progress(stale)).to_have_text("2 of 3 required reviews done")
    expect(peer_region(stale).locator(".ora-errors")).to_have_text("")  # the new form starts with no errors


# 3. After a review the next response is offered; continuing beyond the required reviews.


def test_the_next_response_is_offered_after_a_review(open_learner: Any) -> None:
    """After a review, with required reviews left and responses waiting, the page hands over the next one."""
    for author in (JADE, JOEL):  # responses waiting for reviews
        submit_answer(open_learner(author), ANSWERS[author])
    ivo = open_learner(IVO)
    answer_and_train(ivo, IVO)
    expect(submit_review_button(ivo)).to_be_visible()
    first = shown_author(ivo)
    review(ivo, PLAIN_REVIEW, "A first review.")
    expect(progress(ivo)).to_have_text("1 of 3 required reviews done")
    # Responses are waiting (every other learner's): the page must not say otherwise, nor make the learner ask.
    expect(peer_region(ivo).locator(".ora-notice")).to_have_count(0)
    expect(submit_review_button(ivo)).to_be_visible()
    assert shown_author(ivo) not in (IVO, first)


def test_a_learner_continues_assessing_and_the_author_sees_the_feedback(open_learner: Any, axe: Any) -> None:
    reviewers = {student: open_learner(student) for student in (AMARA, BRUNO, CHEN)}
    graded = reviewers[AMARA].locator(".ora-grade")
    expect(graded, "run the whole module: its first test grades these learners").to_be_visible()

    # A new learner does their part; their response is the one most in need of reviews.
    kai = open_learner(KAI)
    answer_and_train(kai, KAI)
    for done in range(3):
        review_form(kai, done)
        assert shown_author(kai) != KAI
        review(kai, PLAIN_REVIEW, "A fair effort.")
    assess_self(kai, "My own view, learner 10.")
    expect(kai.locator(".ora-waiting")).to_contain_text("once enough peers have assessed your response")

    # Graded learners go on reviewing; it does not change their grade.
    for reviewer, page in reviewers.items():
        more = page.get_by_role("region", name="Continue assessing peers")
        expect(more).to_contain_text("You have done 3 reviews.")
        more.get_by_role("button", name="Continue assessing peers").click()
        expect(submit_review_button(page)).to_be_visible()
        expect(progress(page)).to_have_text("3 of 3 required reviews done")
        assert shown_author(page) == KAI
        assert_names_absent(page, [KAI])
        if reviewer == AMARA:
            assert_accessible(axe, page)
        review(page, REVIEWS[(reviewer, KAI)], feedback(reviewer, KAI))
        expect(more).to_contain_text("You have done 4 reviews.")
        expect(submit_review_button(page)).to_have_count(0)
        expect_grade(page, reviewer)

    # The author sees the extra reviewers' grade and feedback, anonymously.
    kai.reload()
    grade = expect_grade(kai, KAI)
    for reviewer in reviewers:
        expect(grade).to_contain_text(feedback(reviewer, KAI))
    assert_names_absent(kai, reviewers)


def test_continue_assessing_from_the_self_step_shows_a_response(open_learner: Any) -> None:
    """The "Continue assessing peers" button offered beside the self assessment shows a response to review."""
    lena = open_learner(LENA)
    answer_and_train(lena, LENA)
    for done in range(3):
        review_form(lena, done)
        review(lena, PLAIN_REVIEW, "Thanks for sharing.")
    expect(self_region(lena)).to_be_visible()
    more = lena.get_by_role("region", name="Continue assessing peers")
    expect(more).to_contain_text("You have done 3 reviews.")
    more.get_by_role("button", name="Continue assessing peers").click()
    expect(submit_review_button(lena)).to_be_visible()
    expect(progress(lena)).to_have_text("3 of 3 required reviews done")
    assert shown_author(lena) != LENA
    review(lena, PLAIN_REVIEW, "One more, before my own.")
    expect(more).to_contain_text("You have done 4 reviews.")
    assess_self(lena, "My own view, learner 13.")
