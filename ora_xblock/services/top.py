"""Top responses: the best-scored answers in a problem, shown to learners who finished it.

Read in two queries, then cached: the graded workflows from the
``ora_top_responses`` index, and their answers from edx-submissions in one
bulk read. ``submissions.api`` has no bulk read by uuid (``get_submission``
costs a query per row), and its ``get_top_submissions`` ranks by
edx-submissions' latest score alone: it knows nothing of our statuses, drops
zero scores, has no tiebreak and caches under its own setting. So the
answers come from its ``Submission`` model, whose default manager hides
deleted submissions just as its API does.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from submissions.models import Submission

from ..conf import ora_settings
from ..html import answers_html
from ..models import Workflow
from ..workflow import Status
from .common import Problem

MAX_COUNT = 100
MAX_CACHE_SECONDS = 3600


def top_responses(problem: Problem, item_id: str, count: int) -> list[dict[str, Any]]:
    """The ``count`` best-scored finished responses, best first, with their answers; nothing names the authors.
    A team's response is one of them, however many members share it.

    Each is ``{"answers": [text, ...], "answers_html": [markup or None, ...], "earned": n, "possible": m}``;
    ``answers_html`` holds the sanitised markup when the editor is rich. Cached per problem for
    ``ORA_XBLOCK_TOP_RESPONSES_CACHE_SECONDS`` (default 300, at most 3600).
    """
    count = max(0, min(count, MAX_COUNT))
    if count == 0:
        return []
    rich = problem.definition.rich_text
    key = _key(item_id)
    cached = cache.get(key)
    if cached is not None and cached["count"] == count and cached["rich"] == rich:
        return cached["rows"]
    rows = _read(item_id, count, rich)
    cache.set(key, {"count": count, "rich": rich, "rows": rows}, cache_seconds())
    return rows


def forget(item_id: str) -> None:
    """Drop the cached list, so that a response staff just removed disappears at once."""
    cache.delete(_key(item_id))


def cache_seconds() -> int:
    seconds = int(ora_settings.ORA_XBLOCK_TOP_RESPONSES_CACHE_SECONDS)
    return max(0, min(seconds, MAX_CACHE_SECONDS))


def _read(item_id: str, count: int, rich: bool) -> list[dict[str, Any]]:
    best = list(
        Workflow.objects.filter(item_id=item_id, status=Status.DONE, score_earned__isnull=False, shares_response=False)
        .order_by("-score_earned", "submitted_at", "id")
        .values_list("submission_uuid", "score_earned", "score_possible")[:count]
    )
    answers = {
        str(submission.uuid): submission.answer
        for submission in Submission.objects.filter(uuid__in=[uuid for uuid, _, _ in best]).only("uuid", "answer")
    }
    rows = []
    for uuid, earned, possible in best:
        if uuid not in answers:  # deleted in edx-submissions
            continue
        texts = [part.get("text", "") for part in (answers[uuid] or {}).get("parts", [])]
        rows.append(
            {
                "answers": texts,
                "answers_html": answers_html(texts, rich),
                "earned": earned,
                "possible": possible,
            }
        )
    return rows


def _key(item_id: str) -> str:
    """A cache key safe for memcached (no spaces, short), whatever the usage id looks like."""
    return "ora_xblock.top_responses." + hashlib.sha256(item_id.encode()).hexdigest()[:40]
