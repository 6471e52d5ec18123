"""Grades people can trust: calibrated peer scores, reviewers' accuracy, and appeals to staff (issue 18;
docs/decisions/0032-calibrated-peer-grades.md)."""

from __future__ import annotations

from django.db import models


class ReviewerAccuracy(models.Model):
    """How close one reviewer's peer reviews in a problem came to the consensus (or to staff), per criterion.

    Recomputed with the problem's calibrated grades by the refresh; ``criteria`` maps each criterion's name to
    ``{"reviews", "bias", "error", "score"}`` as :class:`ora_xblock.calibration.Accuracy` has them.
    """

    item_id = models.CharField(max_length=255)
    reviewer_id = models.CharField(max_length=255)  # the reviewer's anonymous id
    score = models.PositiveSmallIntegerField()  # 0-100, over every criterion
    reviews = models.PositiveIntegerField()
    criteria = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_id", "reviewer_id"], name="ora_accuracy_once")]
        indexes = [models.Index(fields=["item_id", "score"], name="ora_accuracy_least")]


class Appeal(models.Model):
    """A learner's request that staff review their peer grade: once per response, decided once."""

    class State(models.TextChoices):
        OPEN = "open"
        UPHELD = "upheld"  # the grade stands
        REGRADED = "regraded"  # a staff grade overrides it

    workflow = models.OneToOneField("ora_xblock.Workflow", on_delete=models.CASCADE, related_name="appeal")
    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255)
    reason = models.TextField()
    created_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    decided_by = models.CharField(max_length=150, blank=True)  # the staff member's username
    decider_id = models.CharField(max_length=255, blank=True)
    decided_at = models.DateTimeField(null=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["item_id", "status", "created_at"], name="ora_appeals_open"),
            models.Index(fields=["course_id", "status", "created_at"], name="ora_appeals_of_course"),
        ]
