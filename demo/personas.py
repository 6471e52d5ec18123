"""The people the demo lets you be, and the workbench URL that shows a problem to each."""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.urls import reverse


class Persona(NamedTuple):
    """A demo user: the workbench ``?student=`` id, a role and the view they use.

    ``views_as`` names the learner that course staff are viewing the course as (the LMS's
    "View this course as: Specific learner"): the page is that learner's, and read-only.
    """

    user_id: str
    role: str
    view_name: str = "student_view"
    views_as: str | None = None
    teams_only: bool = False  # on the bar of team problems only, where the teams need them (demo/teams.py)

    @property
    def name(self) -> str:
        return f"Staff as {self.views_as.title()}" if self.views_as else self.user_id.title()

    @property
    def account(self) -> str:
        """The username of the person actually making the request."""
        return "staff" if self.views_as else self.user_id

    def url(self, scenario_id: str) -> str:
        """Where this persona sees scenario ``scenario_id``."""
        path = reverse("scenario", kwargs={"scenario_id": scenario_id, "view_name": self.view_name})
        return f"{path}?student={self.user_id}"


PERSONAS = (
    Persona("alice", "learner"),
    Persona("bob", "learner"),
    Persona("carol", "learner"),
    Persona("dave", "learner"),
    Persona("erin", "learner", teams_only=True),
    Persona("frank", "learner", teams_only=True),
    Persona("grace", "learner", teams_only=True),
    Persona("staff", "course staff"),
    Persona("staff_as_bob", "course staff viewing the course as Bob", views_as="bob"),
    Persona("author", "Studio editor", "studio_view"),
)
# Course staff in the course (the LMS gives them a staff role); "sam" is a second one, not on the persona bar, for
# trying the staff grading queue in two windows (?student=sam).
STAFF_IDS = frozenset({"staff", "sam"})
COURSE_TEAM = frozenset({"staff", "author"})  # may edit the course in Studio
DEFAULT_ID = "student_1"  # what the workbench uses when the URL has no ?student=


def shown(team_problem: bool) -> list[Persona]:
    """The personas a problem's bar and links offer: those of team problems only on team problems."""
    return [p for p in PERSONAS if team_problem or not p.teams_only]


def persona(user_id: str) -> Persona:
    """The persona with this workbench id; any other id is a learner of that name."""
    return next((p for p in PERSONAS if p.user_id == user_id), Persona(user_id, "learner"))


def create_accounts() -> None:
    """The personas' accounts (idempotent), so that staff can find a learner by email (alice@example.com)."""
    for account in dict.fromkeys(p.account for p in PERSONAS):
        get_user_model().objects.get_or_create(username=account, defaults={"email": f"{account}@example.com"})
