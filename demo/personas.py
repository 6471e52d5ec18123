"""The people the demo lets you be, and the workbench URL that shows a problem to each."""

from __future__ import annotations

from typing import NamedTuple

from django.urls import reverse


class Persona(NamedTuple):
    """A demo user: the workbench ``?student=`` id, a role and the view they use."""

    user_id: str
    role: str
    view_name: str = "student_view"

    @property
    def name(self) -> str:
        return self.user_id.title()

    def url(self, scenario_id: str) -> str:
        """Where this persona sees scenario ``scenario_id``."""
        path = reverse("scenario", kwargs={"scenario_id": scenario_id, "view_name": self.view_name})
        return f"{path}?student={self.user_id}"


PERSONAS = (
    Persona("alice", "learner"),
    Persona("bob", "learner"),
    Persona("carol", "learner"),
    Persona("dave", "learner"),
    Persona("staff", "course staff"),
    Persona("author", "Studio editor", "studio_view"),
)
STAFF_IDS = frozenset({"staff", "author"})
