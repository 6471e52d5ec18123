"""What learners and staff read on their screens: each answer under its question, the grade first, who reviewed,
and every date in the reader's time zone and language (issue 15)."""

from __future__ import annotations

import gettext
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from ora_xblock import platform, scenarios
from tests.conftest import Runtime, call_handler

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 28, 20, 0, tzinfo=UTC)  # three days before the bridges problem's due date
TRAINED = {"options_selected": {"Observation": "Recognisable", "Explanation": "Partly"}}
REVIEW = {"options_selected": {"Observation": "Precise", "Explanation": "Complete"}}
KOLKATA = {"time_zone": "Asia/Kolkata"}


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform, "now", lambda: NOW)


def page(response) -> str:
    assert response.status_code == 200, response.body
    return json.loads(response.body)["html"]


def as_user(users, name: str, preferences: dict[str, str] | None = None, **kwargs) -> None:
    """``name`` is the current user; ``preferences`` as the LMS's user service hands them over."""
    users.as_user(name, **kwargs)
    if preferences is not None:
        users.user.opt_attrs["edx-platform.user_preferences"] = preferences


def submitted(block, users, *names: str) -> None:
    """Each of ``names`` submits two answers and passes the training."""
    for name in names:
        as_user(users, name)
        call_handler(block, "submit", {"answers": [f"{name}'s bridge", f"{name}'s load path"]})
        call_handler(block, "training_assess", TRAINED)


@pytest.fixture
def bridges(make_block):
    return make_block(scenarios.demo_olx("two_questions.xml"))


def test_a_peer_reviewer_reads_each_answer_under_its_question(bridges, users) -> None:
    submitted(bridges, users, "ann", "bob")
    as_user(users, "ann")
    review = page(call_handler(bridges, "peer_next", {}))
    review = review[review.index('class="ora-section ora-peer"') :]
    first, second = review.index("Question 1 of 2"), review.index("Question 2 of 2")
    assert first < review.index("bob&#39;s bridge") < second < review.index("bob&#39;s load path")
    assert "Describe a bridge you cross often: what it carries, what it spans and what it is made of." in review
    # The long second question is cut at a word, with the whole a click away.
    summary = re.search(
        r'<details class="ora-prompt-recall">\s*<summary><span class="ora-recall-cut">([^<]*)</span>', review
    )
    assert summary and summary.group(1).endswith("…") and len(summary.group(1)) <= 161
    assert "what would happen to the rest of the bridge if one of those parts failed." in review


def test_a_training_sample_labels_its_answers_and_one_question_needs_no_label(bridges, make_block, users) -> None:
    as_user(users, "cat")
    sample = page(call_handler(bridges, "submit", {"answers": ["a", "b"]}))
    sample = sample[sample.index('class="ora-section ora-training"') :]
    assert (
        sample.index("Question 1 of 2")
        < sample.index("The footbridge over the river")
        < sample.index("Question 2 of 2")
    )
    single = make_block(scenarios.demo_olx("training_peer.xml"))
    training = page(call_handler(single, "submit", {"answers": ["The sky scatters blue light."]}))
    assert "The sky is blue because it reflects the ocean." in training
    assert "Question 1 of" not in training


def test_once_graded_the_grade_comes_before_the_response_and_the_invitation_to_review_more(bridges, users) -> None:
    submitted(bridges, users, "ann", "bob")
    for name in ("ann", "bob"):
        as_user(users, name)
        lease = page(call_handler(bridges, "peer_next", {}))
        lease_id = re.search(r'name="lease_id" value="(\d+)"', lease).group(1)
        call_handler(bridges, "peer_assess", {**REVIEW, "lease_id": lease_id})
        call_handler(bridges, "self_assess", TRAINED)
    as_user(users, "ann")
    html = page(call_handler(bridges, "render_page", {}))
    grade = html.index('class="ora-section ora-grade"')
    assert grade < html.index('class="ora-section ora-prompts"') < html.index('class="ora-section ora-peer-more"')
    assert html.count("data-ora-focus") == 1 and html.index("data-ora-focus") > grade


def test_staff_see_who_gave_each_assessment_received_and_each_answer_under_its_question(bridges, users) -> None:
    submitted(bridges, users, "ann", "bob")
    as_user(users, "bob")
    lease = page(call_handler(bridges, "peer_next", {}))
    call_handler(bridges, "peer_assess", {**REVIEW, "lease_id": re.search(r'name="lease_id" value="(\d+)"', lease)[1]})
    as_user(users, "staff", staff=True)
    bridges.runtime.handler_url = lambda block, name, suffix="", *args, **kwargs: f"/handler/{name}/{suffix}"
    student_id = anonymous_id("ann")
    call_handler(bridges, "staff_grade", {"student_id": student_id, **REVIEW, "reason": ""})
    record = page(call_handler(bridges, "staff_learner", {"student_id": student_id}))
    received = record[record.index("Assessments received") : record.index("Assessments given")]
    assert re.search(r"Peer</span>\s*by bob,", received)
    assert re.search(r"Staff</span>\s*by staff,", received)
    response = record[record.index(">Response<") : record.index("Assessments received")]
    assert response.index("Question 1 of 2") < response.index("ann&#39;s bridge") < response.index("Question 2 of 2")


def anonymous_id(name: str) -> str:
    """The anonymous id tests.conftest.FakeUserService gives ``name``."""
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def test_dates_are_shown_in_the_readers_time_zone_with_how_far_away_they_are(bridges, users) -> None:
    as_user(users, "carol", KOLKATA)
    html = bridges.student_view().content
    due = re.search(r'Due <time datetime="2030-12-31T20:00:00\+00:00">([^<]*)</time> <span class="ora-relative">', html)
    assert due and due.group(1).replace("\u202f", " ") == "Jan 1, 2031, 1:30 AM GMT+05:30"  # a day later there
    assert "(in 4 years)" in html


def test_without_a_time_zone_dates_are_utc_and_the_browser_is_asked_to_show_them_in_its_own(bridges, users) -> None:
    as_user(users, "dan")
    html = bridges.student_view().content
    assert re.search(
        r'<time datetime="2030-12-31T20:00:00\+00:00" data-ora-local="datetime" data-ora-lang="en[-A-Z]*">'
        r"Dec 31, 2030, 8:00\u202fPM UTC</time>",
        html,
    )
    scripts = "".join(resource.data for resource in bridges.student_view().resources)
    assert "time[data-ora-local]" in scripts  # static/js/when.js, which does it


def test_dates_speak_the_pages_language_not_another() -> None:
    folder = resources.files("ora_xblock") / "translations"
    esperanto = gettext.translation("text", localedir=str(folder), languages=["eo"])
    from tests.conftest import FakeUserService

    users = FakeUserService()
    as_user(users, "carol", {**KOLKATA, "pref-lang": "fr"})  # the page is in Esperanto: its dates are too
    runtime = Runtime(user=users, i18n=esperanto)
    block = runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx("two_questions.xml")))
    html = block.student_view().content
    assert "(post 4 jaroj)" in html and "1 Jan 2031, 01:30" in html


def test_a_refusal_names_its_date_as_the_reader_reads_dates(make_block, users) -> None:
    closed = scenarios.demo_olx("self_only.xml").replace(
        "<ora_xblock", '<ora_xblock submission_due="2026-12-01T12:00:00+00:00"', 1
    )
    block = make_block(closed)
    as_user(users, "carol", KOLKATA)
    refused = call_handler(block, "submit", {"answers": ["late"]})
    assert refused.status_code == 403
    message = json.loads(refused.body)["error"]["message"].replace("\u202f", " ")
    assert message == "Responses closed on Dec 1, 2026, 5:30 PM GMT+05:30."


def test_staff_dates_are_in_their_zone_with_a_hint(make_block, users, monkeypatch) -> None:
    block = make_block(scenarios.demo_olx("self_staff.xml"))
    as_user(users, "ann")
    call_handler(block, "submit", {"answers": ["uniforms"]})
    as_user(users, "staff", KOLKATA, staff=True)
    block.runtime.handler_url = lambda block, name, suffix="", *args, **kwargs: f"/handler/{name}/{suffix}"
    record = page(call_handler(block, "staff_learner", {"query": "ann"}))
    submitted_at = re.search(r"<dt>Submitted</dt><dd>(.*?)</dd>", record).group(1).replace("\u202f", " ")
    assert submitted_at == (
        '<time datetime="2026-12-28T20:00:00+00:00">Dec 29, 2026, 1:30 AM GMT+05:30</time>'
        ' <span class="ora-relative">(now)</span>'
    )
    monkeypatch.setattr(platform, "now", lambda: NOW + timedelta(hours=3))
    book = page(call_handler(block, "staff_gradebook", {}))
    assert '<time datetime="2026-12-28T20:00:00+00:00">Dec 29, 2026</time>' in book
    assert "(3 hours ago)" in book


def test_empty_histogram_buckets_draw_an_empty_track_and_the_numbers_stay_in_the_table(make_block, users) -> None:
    block = make_block(scenarios.demo_olx("self_only.xml"))
    as_user(users, "ann")
    call_handler(block, "submit", {"answers": ["spaced repetition"]})
    call_handler(block, "self_assess", {"options_selected": {"Reflection": "Deep reflection"}})
    as_user(users, "staff", staff=True)
    overview = page(call_handler(block, "staff_overview", {}))
    chart = overview[overview.index('class="ora-staff-table ora-chart"') :]
    tracks = re.findall(r'<span class="ora-bar-track" aria-hidden="true">(.*?)</span></td>', chart)
    assert len(tracks) > 1
    assert sum('class="ora-bar"' in track for track in tracks) == 1  # one learner, one bucket with a bar
    assert all(track == "" for track in tracks if 'class="ora-bar"' not in track)
    assert re.search(r"<td>1</td>", chart) and re.search(r"<td>0</td>", chart)


class ArabicPage(gettext.NullTranslations):
    """An ``i18n`` service whose active language is Arabic, as the LMS's passes Django's on (ModuleI18nService)."""

    def get_language(self) -> str:
        return "ar"


def test_a_right_to_left_page_gets_its_dates_in_its_own_language(users) -> None:
    as_user(users, "carol", KOLKATA)
    runtime = Runtime(user=users, i18n=ArabicPage())
    block = runtime.get_block(runtime.parse_xml_string(scenarios.demo_olx("two_questions.xml")))
    html = block.student_view().content
    due = re.search(r'<time datetime="2030-12-31T20:00:00\+00:00">([^<]*)</time>', html)
    assert due and "غرينتش+05:30" in due.group(1) and "01" in due.group(1)
    assert "(خلال 4 سنوات)" in html


@pytest.mark.parametrize(
    ("preferences", "zone"),
    [
        ({"time_zone": "Asia/Kolkata", "pref-lang": "fr"}, "Asia/Kolkata"),
        ({}, None),  # the LMS hands over only the preferences that are set
        (None, None),
        (["Asia/Kolkata"], None),
        ({"time_zone": 5.5}, None),
        ({"time_zone": "  "}, None),
    ],
)
def test_the_time_zone_preference_is_read_as_the_lms_hands_it_over(bridges, users, preferences, zone) -> None:
    as_user(users, "carol")
    users.user.opt_attrs["edx-platform.user_preferences"] = preferences
    viewer = platform.viewer(bridges)
    assert viewer.time_zone == zone
    assert platform.reader(bridges, NOW, viewer).language.startswith("en")  # the page's language, not pref-lang
