"""A learner's feedback on the assessments their response received, given once per response."""

from __future__ import annotations

from django.db import models


class AssessmentFeedback(models.Model):
    """What a learner said about the assessments of their response: ora2's ``options`` (their texts, as
    ora2 records them) and a ``comment``. One per workflow, held by the database."""

    workflow = models.OneToOneField("ora_xblock.Workflow", on_delete=models.CASCADE, related_name="feedback")
    options = models.JSONField(default=list)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
