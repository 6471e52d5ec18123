"""The demo's own pages: the landing page, and resetting the demo (which asks first)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from workbench.runtime import WorkbenchRuntime

from . import scenarios, teams
from .middleware import DEMO_COURSE
from .personas import PERSONAS, STAFF_IDS, shown
from .reset import reset_demo


def home(request: HttpRequest) -> HttpResponse:
    """List the ORA demo problems and how to open each as a learner, course staff or author, and the course
    dashboard for course staff."""
    runtime = WorkbenchRuntime("staff")
    problems = []
    for scenario_id, scenario in scenarios.ora_scenarios():
        block = runtime.get_block(scenario.usage_id)
        single = block.scope_ids.block_type == scenarios.BLOCK_TYPE  # a unit of several has no Studio editor here
        problems.append(
            {
                "id": scenario_id,
                "title": block.display_name if single else scenarios.title(scenario),
                "about": scenarios.title(scenario),
                "links": [
                    {"persona": persona, "url": persona.url(scenario_id)}
                    for persona in shown(teams.is_team_problem(scenario))
                    if single or persona.view_name == "student_view"
                ],
            }
        )
    dashboard = reverse("ora_xblock:course_dashboard", kwargs={"course_id": DEMO_COURSE})
    staff = [p for p in PERSONAS if p.user_id in STAFF_IDS]
    return render(
        request,
        "demo/home.html",
        {"problems": problems, "dashboards": [(p, f"{dashboard}?student={p.user_id}") for p in staff]},
    )


def reset(request: HttpRequest) -> HttpResponse:
    """GET: what resetting deletes, with a button to confirm (where the landing page's dialog cannot open).
    POST: reset the demo, then back to the landing page, which says so."""
    if request.method == "POST":
        reset_demo()
        messages.success(request, "The demo was reset: every answer, grade and edit is gone, the problems are new.")
        return redirect("demo_home")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "demo/reset.html")
