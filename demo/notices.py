"""The demo's notifications page: what the platform's notifications framework would have shown a persona.

The demo has no notifications framework, so every notice is recorded as sent and shown here instead: a learner's
grades and peer review reminders, and, for course staff, the course's new responses and daily digests
(docs/notifications.md). Reminders run on the site's clock, which the demo does not have: a button runs them now.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from ora_xblock import platform
from ora_xblock.models.notices import Notice
from ora_xblock.services import notices, reminders

from .middleware import DEMO_COURSE
from .personas import DEFAULT_ID, PERSONAS, STAFF_IDS, persona
from .services import anonymous_id

KINDS = {
    Notice.Kind.GRADE: "Grade received",
    Notice.Kind.NEW_RESPONSE: "New response to grade",
    Notice.Kind.PEER_REMINDER: "Peer review reminder",
    Notice.Kind.STAFF_DIGEST: "Daily digest",
}


def notices_page(request: HttpRequest) -> HttpResponse:
    """GET: the persona's latest notices (``?student=``). POST: run the reminders now, as the clock would."""
    who = persona(request.GET.get("student") or DEFAULT_ID)
    here = f"{reverse('demo_notices')}?student={who.user_id}"
    if request.method == "POST":
        done = reminders.run(platform.now(), everything=True)
        messages.success(request, f"Reminders ran: {done.learners} learner reminder(s), {done.digests} digest(s).")
        return redirect(here)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    staff = who.account in STAFF_IDS
    rows = notices.of_person(DEMO_COURSE, anonymous_id(who.account), staff)
    return render(
        request,
        "demo/notices.html",
        {
            "who": who,
            "staff": staff,
            "notices": [_shown(notice) for notice in rows],
            "others": [
                (p, f"{reverse('demo_notices')}?student={p.user_id}")
                for p in PERSONAS
                if p.view_name == "student_view" and not p.views_as
            ],
        },
    )


def _shown(notice: Notice) -> dict[str, Any]:
    """A notice in the words the platform's tray would use."""
    content = notice.context.get("content", {})
    name = content.get("ora_name", "")
    if notice.kind == Notice.Kind.GRADE and "points_before" in content:  # a calibrated grade changed (decision 0032)
        text = _sentence(
            f"Your grade for {name} changed from {content['points_before']} to {content.get('points_earned')}"
            " after reviewers' leniency was taken into account"
        )
    elif notice.kind == Notice.Kind.GRADE:
        text = _sentence(
            f"You received {content.get('points_earned')} out of {content.get('points_possible')} on {name}"
        )
    elif notice.kind == Notice.Kind.PEER_REMINDER:
        left = content.get("reviews_left", 1)
        text = _sentence(f"You still have {left} peer review{'s' if left != 1 else ''} to do in {name}")
        if content.get("due"):
            text += f" The peer step closes {content['due'][:16].replace('T', ' ')} UTC."
    elif notice.kind == Notice.Kind.STAFF_DIGEST:
        text = _sentence(f"{content.get('waiting')} response(s) wait for staff grading: {name}")
    else:
        text = _sentence(f"A new response waits for staff grading in {name}")
    return {"kind": KINDS[Notice.Kind(notice.kind)], "text": text, "at": notice.created_at, "sent": notice.sent_at}


def _sentence(text: str) -> str:
    """``text`` ended by a full stop, unless a problem's title ending it has its own mark."""
    return text if text.endswith((".", "?", "!", "…")) else f"{text}."
