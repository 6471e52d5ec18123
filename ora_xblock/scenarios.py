"""The problems shipped with the package: the default and the demo set."""

from __future__ import annotations

from functools import cache

from lxml import etree

from .definition.olx import parse_xml_safely
from .templating import resource_text

BLOCK_TYPE = "ora_xblock"

# (file in scenarios/, what the demo shows it for)
DEMO_PROBLEMS = (
    (
        "hundred_years_war.xml",
        "Peer, then self: rich text and a feedback-only criterion",
    ),
    (
        "ideas_content_grammar.xml",
        "Training, peer, self and staff: the Ideas/Content/Grammar rubric",
    ),
    ("training_peer.xml", "Learner training, then peer"),
    ("peer_only.xml", "Peer only, mean grading"),
    ("self_only.xml", "Self only"),
    ("self_staff.xml", "Self, then required staff"),
    ("staff_only.xml", "Staff only: two prompts and file uploads"),
    ("files_peer.xml", "Peer review of uploaded files"),
    ("default.xml", "A new problem, as Studio adds it: build your own in the editor"),
    ("released.xml", "Opened to learners: the editor locks the rubric and steps"),
    ("coffee_frost.xml", "Self only: a prompt with a course diagram (a /static/ link the host rewrites)"),
    ("latex_peer.xml", "Peer only, with LaTeX: math in the prompt, the answers and the feedback"),
    ("two_questions.xml", "Two questions, training, peer and self, with a due date"),
    ("team_project.xml", "Team project, staff graded: one shared draft and one response per team"),
    ("calibrated_peer.xml", "Calibrated peer grading"),
)


@cache
def default_olx() -> str:
    """The OLX of a problem freshly added in Studio."""
    return resource_text("scenarios/default.xml")


def demo_olx(filename: str, block_type: str = BLOCK_TYPE) -> str:
    """A demo problem's OLX with its root renamed to ``block_type``."""
    root = parse_xml_safely(resource_text(f"scenarios/{filename}"))
    root.tag = block_type
    return etree.tostring(root, encoding="unicode")


UNIT_TITLE = "Two problems in one unit"


def workbench_scenarios() -> list[tuple[str, str]]:
    """Each demo problem as an xblock-sdk workbench scenario, then two problems in one unit."""
    scenarios = [(f"ORA: {title}", demo_olx(filename)) for filename, title in DEMO_PROBLEMS]
    unit = "".join(demo_olx(filename) for filename in ("self_only.xml", "self_staff.xml"))
    return [*scenarios, (f"ORA: {UNIT_TITLE}", f"<vertical_demo>{unit}</vertical_demo>")]
