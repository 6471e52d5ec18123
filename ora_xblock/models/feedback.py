"""A learner's feedback on the assessments their response received, given once per response."""

from __future__ import annotations

from django.db import models


class AssessmentFeedback(models.Model):
    """What a learner said about the assessments of their response: ora2's ``options`` (their texts, as
    ora2 records them) and a ``comment``. One per workflow, held by the database. The workflow's course and problem
    are kept beside it, so the course dashboard reads a course's feedback on its own index, never its workflows."""

    workflow = models.OneToOneField("ora_xblock.Workflow", on_delete=models.CASCADE, related_name="feedback")
    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255)
    options = models.JSONField(default=list)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = (models.Index(fields=["course_id", "created_at"], name="ora_feedback_course"),)
