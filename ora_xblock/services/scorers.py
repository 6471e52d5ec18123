"""Who gave a learner's assessments, as course staff may know them: the usernames behind the scorers' ids."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Assessment, AuditEntry, Workflow


def scorer_names(workflow: Workflow, received: Iterable[Assessment], history: Iterable[AuditEntry]) -> dict[str, str]:
    """The username of each scorer of ``received`` that the problem knows (one query at most): peers by their own
    responses here, the learner by theirs, staff by the grades the ``history`` records them giving. A scorer
    whose name is gone (a peer whose state was reset) is missing from the answer."""
    names = {entry.actor_id: entry.actor_username for entry in history if entry.actor_username}
    if workflow.username:
        names[workflow.student_id] = workflow.username
    wanted = {assessment.scorer_id for assessment in received if assessment.kind == Assessment.Kind.PEER} - set(names)
    if wanted:
        peers = Workflow.objects.filter(item_id=workflow.item_id, student_id__in=wanted).exclude(username="")
        names.update(peers.values_list("student_id", "username"))
    return names
