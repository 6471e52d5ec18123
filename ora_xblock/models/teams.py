"""Team responses: one response per team per problem, shared by its members (docs/decisions/0031-team-responses.md)."""

from __future__ import annotations

from django.db import models


class TeamResponse(models.Model):
    """A team's one response to a team problem, submitted by one member for all.

    Each member has their own :class:`~ora_xblock.models.Workflow` (their gradebook row), linked here; the
    submitter's is the one staff grade (``shares_response`` False), the others share it. The unique team per
    problem settles two members submitting at once: the second waits for the first's commit, then is refused.
    """

    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255)
    team_id = models.CharField(max_length=255)  # the platform's CourseTeam.team_id
    team_name = models.CharField(max_length=255)  # as it was when the team submitted
    team_submission_uuid = models.CharField(max_length=36, unique=True)  # edx-submissions' TeamSubmission
    submitter_id = models.CharField(max_length=255)  # the submitting member's anonymous id
    submitted_by_username = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_id", "team_id"], name="ora_one_response_per_team")]
