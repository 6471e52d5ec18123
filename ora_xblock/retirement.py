"""The platform's user retirement: our copies of a retired user's username go when the platform retires its own.

edx-platform's retirement pipeline, in its LMS ``retire`` step
(``AccountRetirementView``, openedx/core/djangoapps/user_api/accounts/views.py),
sends ``USER_RETIRE_LMS_CRITICAL`` (.../accounts/signals.py) with ``user``,
still under the original username, and ``retired_username``: the hashed name
it gives the account right after. Older releases send ``user`` alone; the
platform's ``get_retired_username_by_username`` gives that name then.

Our tables key learners and staff by anonymous ids, one per course (the
platform's ``AnonymousUserId`` rows); the usernames beside them are copies for
display, search and the audit trail, and each becomes the retired username,
as the account does. We keep no email addresses and no names. Answers,
feedback and file names stay: the platform keeps course work too.

Outside the platform the signal does not exist and nothing is connected.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from .models import Appeal, AuditEntry, Draft, ReportTask, ResponseFile, StaffLease, TeamResponse, Workflow

DISPATCH_UID = "ora_xblock.retirement.retire_user"


def connect() -> bool:
    """Listen to the platform's retirement signal, if this is the platform; returns whether it did."""
    try:
        from openedx.core.djangoapps.user_api.accounts.signals import (  # type: ignore[import-not-found]
            USER_RETIRE_LMS_CRITICAL,
        )
    except ImportError:
        return False
    USER_RETIRE_LMS_CRITICAL.connect(retire_user, dispatch_uid=DISPATCH_UID)
    return True


def retire_user(sender: Any, user: Any, retired_username: str | None = None, **kwargs: Any) -> None:
    """The receiver: replace ``user``'s username everywhere we keep it."""
    scrub(user.username, _anonymous_ids(user), retired_username or _retired_username(user))


def scrub(username: str, anonymous_ids: Iterable[str], replacement: str) -> int:
    """Replace ``username`` by ``replacement`` in every table, on the rows of these anonymous ids and on rows
    that name the user; in one transaction, and again without change. Returns how many rows changed."""
    ids = list(anonymous_ids)

    def whose(id_field: str | None, name_field: str) -> Q:
        by_id = Q(**{f"{id_field}__in": ids}) if id_field and ids else Q(pk__in=[])
        return (by_id | Q(**{name_field: username})) if username else by_id

    with transaction.atomic():
        learners = Workflow.objects.filter(whose("student_id", "username")).exclude(username=replacement)
        changed = learners.update(username=replacement, username_lower=replacement.lower())
        changed += Workflow.objects.filter(whose(None, "cancelled_by")).update(cancelled_by=replacement)
        holders = StaffLease.objects.filter(whose("holder_id", "holder_username"))
        changed += holders.exclude(holder_username=replacement).update(holder_username=replacement)
        actors = AuditEntry.objects.filter(whose("actor_id", "actor_username"))
        changed += actors.exclude(actor_username=replacement).update(actor_username=replacement)
        changed += ReportTask.objects.filter(whose(None, "requested_by")).update(requested_by=replacement)
        changed += ResponseFile.objects.filter(whose(None, "uploaded_by")).update(uploaded_by=replacement)
        submitters = TeamResponse.objects.filter(whose("submitter_id", "submitted_by_username"))
        changed += submitters.exclude(submitted_by_username=replacement).update(submitted_by_username=replacement)
        deciders = Appeal.objects.filter(whose("decider_id", "decided_by")).exclude(decided_by=replacement)
        changed += deciders.update(decided_by=replacement)
        changed += _scrub_draft_authors(username, replacement) if username else 0
    return changed


def _scrub_draft_authors(username: str, replacement: str) -> int:
    """Rename the user among the members who last changed each prompt of a team's shared draft."""
    drafts = Draft.objects.annotate(names=Cast("authors", TextField())).filter(names__contains=username)
    changed = 0
    for draft in drafts.select_for_update():
        if username in draft.authors:
            draft.authors = [replacement if name == username else name for name in draft.authors]
            draft.save(update_fields=["authors"])
            changed += 1
    return changed


def _anonymous_ids(user: Any) -> list[str]:
    """Every anonymous id the platform gave ``user`` (one per course)."""
    from common.djangoapps.student.models import AnonymousUserId  # type: ignore[import-not-found]

    return list(AnonymousUserId.objects.filter(user=user).values_list("anonymous_user_id", flat=True))


def _retired_username(user: Any) -> str:
    """The name the platform gives the retired account, for releases whose signal does not send it."""
    from common.djangoapps.student.models import get_retired_username_by_username  # type: ignore[import-not-found]

    return str(get_retired_username_by_username(user.username))
