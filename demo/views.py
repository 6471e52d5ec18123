"""The demo's landing page: every ORA problem, with a link for each persona."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from workbench.runtime import WorkbenchRuntime

from . import scenarios
from .personas import PERSONAS


def home(request: HttpRequest) -> HttpResponse:
    """List the ORA demo problems and how to open each as a learner, course staff or author."""
    runtime = WorkbenchRuntime("staff")
    problems = [
        {
            "id": scenario_id,
            "title": runtime.get_block(scenario.usage_id).display_name,
            "about": scenarios.title(scenario),
            "links": [{"persona": p, "url": p.url(scenario_id)} for p in PERSONAS],
        }
        for scenario_id, scenario in scenarios.ora_scenarios()
    ]
    return render(request, "demo/home.html", {"problems": problems})
