"""The demo's landing page: every ORA problem, with a link for each persona."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from workbench.runtime import WorkbenchRuntime

from . import scenarios
from .personas import PERSONAS


def home(request: HttpRequest) -> HttpResponse:
    """List the ORA demo problems and how to open each as a learner, course staff or author."""
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
                    for persona in PERSONAS
                    if single or persona.view_name == "student_view"
                ],
            }
        )
    return render(request, "demo/home.html", {"problems": problems})
