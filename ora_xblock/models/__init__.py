"""What learners do in a problem, kept across learners so that peers and staff can work on it.

The answer itself lives in edx-submissions (the platform's grading contract);
these tables hold the draft, the workflow and the assessments. Services in
:mod:`ora_xblock.services` are the only writers; nothing else touches them.
"""

from __future__ import annotations

from django.db import models

from ..workflow import Status
from .tracking import SavesChangedColumns


class Draft(models.Model):
    """A learner's unsaved answer, one per learner per problem; in a team problem, one per team.

    A team's draft has ``team:<team_id>`` for ``student_id`` (an anonymous id never has a colon), and keeps,
    for each prompt, how often it was saved and by whom, so that two members' saves never overwrite each
    other unseen (docs/decisions/0031-team-responses.md).
    """

    item_id = models.CharField(max_length=255)
    student_id = models.CharField(max_length=255)
    answers = models.JSONField(default=list)
    updated_at = models.DateTimeField()
    revisions = models.JSONField(default=list)  # per prompt: how many saves changed it (team drafts)
    authors = models.JSONField(default=list)  # per prompt: the username of the last member who changed it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_id", "student_id"], name="ora_one_draft_per_learner")]


class WorkflowQuerySet(models.QuerySet["Workflow"]):
    def lock_for(self, item_id: str, student_id: str) -> Workflow | None:
        """The learner's workflow in the problem, its row locked for the caller's transaction; None if they have
        not submitted (the caller refuses as its request needs)."""
        return self.select_for_update().filter(item_id=item_id, student_id=student_id).first()


class Workflow(SavesChangedColumns):
    """A submitted learner's progress and grade in one problem; one per learner per problem."""

    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255)
    student_id = models.CharField(max_length=255)
    username = models.CharField(max_length=150, blank=True)
    username_lower = models.CharField(max_length=150, blank=True)  # for case-insensitive lookup, search and order
    submission_uuid = models.CharField(max_length=36, unique=True)
    status = models.CharField(max_length=16, choices=[(status.value, status.value) for status in Status])
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    score_earned = models.PositiveIntegerField(null=True)
    score_possible = models.PositiveIntegerField(null=True)
    score_source = models.CharField(max_length=32, blank=True)
    published_earned = models.PositiveIntegerField(null=True)
    published_possible = models.PositiveIntegerField(null=True)
    # When the score must next be sent to edx-submissions: written with the score, NULL once the gradebook has it
    # (a lost or failed send is retried by the refresh; see services/grades.py).
    publish_due_at = models.DateTimeField(null=True)
    # Learner training: the example the learner is on, and whether they passed.
    training_position = models.PositiveIntegerField(default=0)
    training_done = models.BooleanField(default=False)
    # Peer assessment, kept on the row so that choosing whom to review is one indexed query.
    peers_assessed = models.PositiveIntegerField(default=0)  # reviews this learner gave
    reviews_received = models.PositiveIntegerField(default=0)  # reviews of this learner's response
    reviews_load = models.PositiveIntegerField(default=0)  # received + leases still blocking others
    peer_rank = models.PositiveSmallIntegerField(default=0)  # see ora_xblock.peer.rank
    peer_tiebreak = models.FloatField(default=0)  # submission time, or random once graded
    escalated_at = models.DateTimeField(null=True)  # sent to staff: no peer review in time
    # Removed from peer grading by course staff ("cancelled"): when, by whom, and the comment the learner sees.
    cancelled_at = models.DateTimeField(null=True)
    cancelled_by = models.CharField(max_length=150, blank=True)
    cancel_comment = models.TextField(blank=True)
    # A team problem: the team's response this learner shares, and whether this row only shares it (a member
    # other than the submitter, whose row staff grade for the team; see models/teams.py).
    team_response = models.ForeignKey(
        "ora_xblock.TeamResponse", on_delete=models.CASCADE, null=True, related_name="members"
    )
    shares_response = models.BooleanField(default=False)
    # Calibrated peer grading: the points per criterion the problem's calibration gives this response (None: too
    # few reviews yet, the median counts), written by the refresh (models/grading.py, decision 0032).
    adjusted_points = models.JSONField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_id", "student_id"], name="ora_one_workflow_per_learner")]
        indexes = [
            models.Index(fields=["item_id", "status", "submitted_at"], name="ora_workflow_queue"),
            models.Index(fields=["item_id", "-submitted_at"], name="ora_workflow_recent"),
            models.Index(fields=["item_id", "peer_rank", "reviews_load", "peer_tiebreak"], name="ora_peer_pool"),
            models.Index(fields=["item_id", "status", "-score_earned", "submitted_at"], name="ora_top_responses"),
            models.Index(fields=["item_id", "username_lower", "id"], name="ora_gradebook"),
            models.Index(fields=["item_id", "status", "username_lower", "id"], name="ora_gradebook_status"),
            models.Index(fields=["publish_due_at"], name="ora_workflow_publish_due"),
        ]

    objects = WorkflowQuerySet.as_manager()

    def save(self, *args, **kwargs):
        self.username_lower = self.username.lower()
        super().save(*args, **kwargs)

    @property
    def shown_name(self) -> str:
        """How staff see the learner: their username, else the start of their anonymous id."""
        return self.username or self.student_id[:8]

    @property
    def needs_publishing(self) -> bool:
        return self.score_earned is not None and (self.published_earned, self.published_possible) != (
            self.score_earned,
            self.score_possible,
        )


class Assessment(models.Model):
    """One person's rubric assessment of one submission.

    ``once_key`` is set for assessments a person may give only once (a
    learner's self assessment); it is NULL for staff, who may grade again.
    A unique column with NULLs, rather than a conditional constraint,
    because MySQL ignores conditions on unique constraints.
    """

    class Kind(models.TextChoices):
        TRAINING = "training"
        PEER = "peer"
        SELF = "self"
        STAFF = "staff"

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    scorer_id = models.CharField(max_length=255)
    parts = models.JSONField(default=list)
    overall_feedback = models.TextField(blank=True)
    points_earned = models.PositiveIntegerField()
    points_possible = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    once_key = models.CharField(max_length=300, null=True, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["workflow", "kind", "created_at"], name="ora_assessment_by_kind"),
            models.Index(fields=["scorer_id", "created_at"], name="ora_assessment_by_scorer"),  # reviews a learner gave
        ]


class PeerLease(models.Model):
    """A response handed to a reviewer: the only one their peer assessment may land on.

    A lease blocks others from the response until ``blocks_until`` (it
    counts in the response's ``reviews_load``); its holder may still submit
    until ``valid_until``. ``active_key`` is set while the lease is the
    reviewer's current one, so the database allows one at a time; finished
    leases stay, as the record of who reviewed whom, and the pair is unique.
    """

    item_id = models.CharField(max_length=255)
    reviewer_id = models.CharField(max_length=255)
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="leases")
    created_at = models.DateTimeField()
    blocks_until = models.DateTimeField()
    valid_until = models.DateTimeField()
    blocking = models.BooleanField(default=True)
    active_key = models.CharField(max_length=520, null=True, unique=True)
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reviewer_id", "workflow"], name="ora_review_pair_once")]
        indexes = [
            models.Index(fields=["item_id", "blocking", "blocks_until"], name="ora_lease_expiry"),
            models.Index(fields=["blocking", "blocks_until"], name="ora_lease_lapse"),  # the refresh's sweep
        ]


class ProblemSnapshot(models.Model):
    """The definition a problem had when learners last submitted, for work done away from the block.

    Background jobs (flexible grading, staff escalation) and reports have no
    XBlock runtime; they read the problem's canonical OLX from here.
    ``refresh_due_at`` is when a learner of the problem next reaches seven
    days of waiting for peers (see :mod:`ora_xblock.services.overdue`).
    """

    item_id = models.CharField(max_length=255, unique=True)
    course_id = models.CharField(max_length=255)
    olx = models.TextField()
    flexible_forced = models.BooleanField(default=False)
    updated_at = models.DateTimeField()
    refresh_due_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["refresh_due_at"], name="ora_snapshot_refresh_due")]


class RefreshClock(models.Model):
    """The one Celery task that refreshes overdue problems without Celery beat: its token and when it runs.

    A task whose token no longer matches is a duplicate or was replaced, and does nothing.
    """

    name = models.CharField(max_length=32, unique=True)
    token = models.CharField(max_length=32, blank=True)
    wake_at = models.DateTimeField(null=True)


class ResponseFileQuerySet(models.QuerySet["ResponseFile"]):
    def in_order(self) -> ResponseFileQuerySet:
        """The files in the order they are listed and numbered everywhere: as uploaded."""
        return self.order_by("uploaded_at", "id")


class ResponseFile(models.Model):
    """A file a learner uploaded for their response; stored under a generated key, never their file name.

    Before submitting it belongs to the learner's draft (``workflow`` empty);
    submitting attaches it to the workflow.
    """

    item_id = models.CharField(max_length=255)
    student_id = models.CharField(max_length=255)
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, null=True, related_name="files")
    key = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=1000)
    extension = models.CharField(max_length=32)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField()
    # False while a file sent straight to the storage (S3) has not been checked yet.
    confirmed = models.BooleanField(default=True)
    uploaded_by = models.CharField(max_length=150, blank=True)  # the member's username, in a team's draft

    objects = ResponseFileQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["item_id", "student_id"], name="ora_files_of_learner")]


class StaffLease(models.Model):
    """A response handed to a staff member from the grading queue, kept from other staff until ``expires_at``.

    One row per response at most (a unique workflow): taking a response whose
    lease has expired replaces the row, so two staff can never hold it at once.
    """

    item_id = models.CharField(max_length=255)
    workflow = models.OneToOneField(Workflow, on_delete=models.CASCADE, related_name="staff_lease")
    holder_id = models.CharField(max_length=255)
    holder_username = models.CharField(max_length=150, blank=True)
    taken_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["item_id", "expires_at"], name="ora_staff_lease_live")]


class AuditEntry(models.Model):
    """Something course staff did to a learner's work: kept when the learner's state is reset."""

    item_id = models.CharField(max_length=255)
    student_id = models.CharField(max_length=255)
    actor_id = models.CharField(max_length=255)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    details = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["item_id", "student_id", "created_at"], name="ora_audit_of_learner")]


class ReportTask(models.Model):
    """A CSV report of one problem (or, with a blank ``item_id``, of the whole course), or a zip of its files,
    generated in the background, and the file it produced.

    ``file_name`` is set before any byte reaches storage, so that a report that fails or dies can have its
    file deleted; a failed task with a ``file_name`` still has a file to delete. ``alive_at`` is the task's
    last sign of life (asked for, started, writing); a task silent for too long is marked failed.
    """

    class Kind(models.TextChoices):
        GRADE = "grade"
        DATA = "data"
        FILES = "files"  # a zip of every response's files

    class State(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    requested_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    file_name = models.CharField(max_length=255, blank=True)  # the storage key
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    alive_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["item_id", "-created_at"], name="ora_reports_of_problem"),
            models.Index(fields=["status", "alive_at"], name="ora_reports_by_status"),
        ]


class PartialUpload(models.Model):
    """A file a learner is sending in pieces, for hosts that cap each request; only they may continue it.

    Nothing of it is in the draft until ``upload_finish`` has joined the pieces and checked the whole
    file; then its pieces go and ``finished_at`` is set, so that a repeated finish answers the same.
    Rows idle for a day, finished or not, are cleaned with their pieces.
    """

    public_id = models.CharField(max_length=32, unique=True)  # random: the browser's handle on the upload
    item_id = models.CharField(max_length=255)
    student_id = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    extension = models.CharField(max_length=32)
    description = models.CharField(max_length=1000)
    size = models.PositiveBigIntegerField()  # declared when the upload began; the file must have exactly this
    piece_bytes = models.PositiveIntegerField()  # every piece but the last has exactly this many bytes
    next_index = models.PositiveIntegerField(default=0)
    received = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["item_id", "student_id", "finished_at"], name="ora_uploads_of_learner"),
            models.Index(fields=["updated_at"], name="ora_uploads_idle"),
        ]


class UploadPiece(models.Model):
    """One piece of a :class:`PartialUpload`, stored on its own under ``key`` until the file is joined."""

    upload = models.ForeignKey(PartialUpload, on_delete=models.CASCADE, related_name="pieces")
    index = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)  # SHA-256 of the bytes: a repeated piece must be the same
    key = models.CharField(max_length=255, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "index"], name="ora_upload_piece_once")]


class LooseFile(models.Model):
    """A key in file storage that no row may point at, to delete from ``storage`` once ``due_at`` has passed.

    Written in the transaction that drops the last row naming the key (a reset, a removed draft file, an
    abandoned upload), due at once; and before a single upload's bytes reach storage, due a day later, then
    taken off by the transaction that records the file. ``ora_clean_uploads`` deletes what is due, and a
    failed delete is tried again later (``attempts``).
    """

    storage = models.CharField(max_length=64)  # the alias in STORAGES
    key = models.CharField(max_length=255)
    due_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["storage", "key"], name="ora_loose_file_once")]
        indexes = [models.Index(fields=["due_at"], name="ora_loose_files_due")]


class PendingReset(models.Model):
    """A learner's edx-submissions score to reset after a staff reset deleted their work (decision 0016).

    Written in the reset's transaction and removed once ``reset_score`` went through, after commit or, if that
    never happened or failed, at the refresh (``due_at``).
    """

    course_id = models.CharField(max_length=255)
    item_id = models.CharField(max_length=255)
    student_id = models.CharField(max_length=255)
    due_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["due_at"], name="ora_pending_reset_due")]


# The app's models are found through this module.
from .feedback import AssessmentFeedback  # noqa: E402, F401
from .grading import Appeal, ReviewerAccuracy  # noqa: E402, F401
from .notices import Notice  # noqa: E402, F401
from .teams import TeamResponse  # noqa: E402, F401
