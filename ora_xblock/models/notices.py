"""Notifications and reminders sent, so that each is sent once: the key says what it is about and when."""

from __future__ import annotations

from django.db import models


class Notice(models.Model):
    """One notification or reminder, recorded in the transaction that caused it and sent after commit.

    ``once_key`` is unique: a grade is notified once per score, a reminder once per learner, problem and day,
    a digest once per course and day. ``sent_at`` is set when the platform's framework took it (or when there
    is none to take it); a notice left unsent by a crash is sent by the refresh.
    """

    class Kind(models.TextChoices):
        GRADE = "grade"  # a learner's response was graded
        NEW_RESPONSE = "new_response"  # staff: a response waits for them
        PEER_REMINDER = "peer_reminder"  # a learner has reviews to do
        STAFF_DIGEST = "staff_digest"  # staff: what waits for them, once a day

    kind = models.CharField(max_length=16, choices=Kind.choices)
    once_key = models.CharField(max_length=400, unique=True)
    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255, blank=True)  # blank for a course-wide notice
    recipient_id = models.CharField(max_length=255, blank=True)  # the learner's anonymous id; blank for staff
    context = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["sent_at", "created_at"], name="ora_notices_unsent"),
            models.Index(fields=["course_id", "recipient_id", "-created_at"], name="ora_notices_of_learner"),
        ]
