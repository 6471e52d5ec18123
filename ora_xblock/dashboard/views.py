"""The course dashboard's pages (docs/course-dashboard.md): every problem of the course on one page, and the
course's grade and data reports, for course staff only.

The page costs the same few queries whatever the course's size: the problems come from the host's content (or
one query on the index), then one aggregate query for every problem's counts, one for the learners waiting for
peer reviews, two for the learners' feedback and one for the reports.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from .. import platform, uploads
from ..handlers.endpoints import status_of
from ..presenters.staff import reports_view
from ..services import appeals, course, feedback, reports
from ..services.common import Refusal
from . import host, i18n, pages, presenter
from .access import course_staff_only
from .problems import course_problems

RECENT_FEEDBACK = 10  # the latest feedbacks listed with their comments


@require_GET
@course_staff_only
def course_dashboard(request: HttpRequest, course_id: str) -> HttpResponse:
    """Every problem of the course with its counts, the learners waiting for peer reviews, the learners' feedback
    and the course's reports."""
    now = platform.now()
    texts = i18n.catalog()
    _, dates = texts.gettext, i18n.reader(now, texts)
    problems = course_problems(course_id)
    by_item = {problem.item_id: problem for problem in problems}
    tallies = course.tallies(list(by_item))
    counts = feedback.counts_for_course(course_id)
    appealed = appeals.open_counts(course_id)  # open appeals per problem
    waiting = course.waiting_for_peers(list(by_item))
    listed = reports.reports("", now, course_id=course_id)
    me = host.anonymous_id(host.user_of(request), course_id)
    links = {
        task.pk: pages.url(
            request, "course_report_download", course_id=course_id, token=reports.link_token(task, me, now)
        )
        or ""
        for task in listed.finished
    }
    return pages.render_page(
        request,
        "course_dashboard.html",
        course_id,
        notes=[str(message) for message in messages.get_messages(request)],
        totals=presenter.totals_view(tallies),
        problems=[
            presenter.problem_view(
                problem, tallies[problem.item_id], counts.get(problem.item_id), dates, _, appealed.get(problem.item_id)
            )
            for problem in problems
        ],
        waiting=presenter.waiting_view(waiting, by_item, _grade_link(request, course_id), dates),
        feedback=presenter.feedback_view(
            counts, feedback.recent_for_course(course_id, RECENT_FEEDBACK), by_item, dates, _
        ),
        listed=reports_view(listed, links, dates),
        start_url=pages.url(request, "course_report_start", course_id=course_id),
    )


@require_POST
@csrf_protect
@course_staff_only
def start_report(request: HttpRequest, course_id: str) -> HttpResponse:
    """Generate the course's grade or data report (``kind``) in the background, then back to the dashboard."""
    _ = i18n.catalog().gettext
    user = host.user_of(request)
    try:
        with transaction.atomic():
            reports.start(course_id, "", request.POST.get("kind", ""), user.get_username(), platform.now())
    except Refusal as refusal:
        messages.error(request, _(refusal.template).format(**refusal.params), fail_silently=True)
    else:
        note = _("The report is being generated. It appears below when it is ready.")
        messages.success(request, note, fail_silently=True)
    return redirect(f"{pages.url(request, 'course_dashboard', course_id=course_id)}#ora-course-reports")


@require_GET
@course_staff_only
def download_report(request: HttpRequest, course_id: str, token: str) -> HttpResponse:
    """A finished report of the course, through the link signed for this staff member, within 5 minutes."""
    me = host.anonymous_id(host.user_of(request), course_id)
    try:
        task, stored = reports.download(token, "", me, platform.now(), course_id=course_id)
    except Refusal as refusal:
        message = i18n.catalog().gettext(refusal.template).format(**refusal.params)
        return pages.render_page(
            request, "course_refused.html", course_id, status_of(refusal), message=message, back=True
        )
    response = FileResponse(stored, content_type="text/csv")
    response["Content-Disposition"] = uploads.content_disposition(task.file_name.rsplit("/", 1)[-1], "report.csv")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _grade_link(request: HttpRequest, course_id: str) -> presenter.Link:
    def link(item_id: str, student_id: str) -> str | None:
        return pages.url(request, "course_grade", course_id=course_id, item_id=item_id, student_id=student_id)

    return link
