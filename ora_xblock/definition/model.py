"""The ORA problem definition: immutable values, no Django or XBlock.

A :class:`Definition` is what an author writes: prompts, rubric, response
settings, the ordered assessment steps and the dates. OLX import and export
live in :mod:`ora_xblock.definition.olx`; the rules live in
:mod:`ora_xblock.definition.validate`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar


class Necessity(enum.StrEnum):
    """Whether a response part is asked for."""

    NONE = ""
    OPTIONAL = "optional"
    REQUIRED = "required"


class CriterionFeedback(enum.StrEnum):
    """Whether a criterion has a written-feedback field."""

    DISABLED = "disabled"
    OPTIONAL = "optional"
    REQUIRED = "required"


class TextEditor(enum.StrEnum):
    """The editor a learner answers in."""

    PLAIN = "text"
    RICH = "tinymce"


class FileType(enum.StrEnum):
    """Which files a learner may upload."""

    IMAGE = "image"
    PDF_AND_IMAGE = "pdf-and-image"
    CUSTOM = "custom"


class PromptsType(enum.StrEnum):
    """How prompt text is written."""

    TEXT = "text"
    HTML = "html"


class GradingStrategy(enum.StrEnum):
    """How peer scores of one criterion combine."""

    MEDIAN = "median"
    MEAN = "mean"
    CALIBRATED = "calibrated"  # ora_xblock's own: reviewers' bias and reliability estimated (decision 0032)


class DateConfig(enum.StrEnum):
    """Where the steps' dates come from (ora2's ``date_config_type``)."""

    MANUAL = "manual"  # each step's own dates, as the author set them here
    SUBSECTION = "subsection"  # every step open from the subsection's release date to its due date
    COURSE_END = "course_end"  # every step open from the course's start to its end


class StepName(enum.StrEnum):
    """The assessment steps, by their OLX names."""

    TRAINING = "student-training"
    PEER = "peer-assessment"
    SELF = "self-assessment"
    STAFF = "staff-assessment"


@dataclass(frozen=True)
class Option:
    """One choice of a criterion, worth ``points``."""

    name: str
    points: int
    label: str = ""
    explanation: str = ""

    @property
    def display_label(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class Criterion:
    """A rubric row; with no options it takes written feedback only."""

    name: str
    prompt: str = ""
    label: str = ""
    feedback: CriterionFeedback = CriterionFeedback.DISABLED
    options: tuple[Option, ...] = ()

    @property
    def display_label(self) -> str:
        return self.label or self.name

    @property
    def max_points(self) -> int:
        return max((option.points for option in self.options), default=0)


@dataclass(frozen=True)
class Rubric:
    """Criteria plus the overall-feedback prompt shown after them."""

    criteria: tuple[Criterion, ...] = ()
    feedback_prompt: str | None = None
    feedback_default_text: str | None = None

    @property
    def max_points(self) -> int:
        return sum(criterion.max_points for criterion in self.criteria)


@dataclass(frozen=True)
class Prompt:
    """One question the learner answers; text or HTML per ``prompts_type``."""

    description: str = ""


@dataclass(frozen=True)
class Selection:
    """A criterion's chosen option in a training example."""

    criterion: str
    option: str


@dataclass(frozen=True)
class TrainingExample:
    """A sample answer (one part per prompt) and the staff's selections."""

    answer: tuple[str, ...]
    selections: tuple[Selection, ...] = ()


@dataclass(frozen=True)
class Step:
    """Fields shared by every step: its name and its window."""

    name: ClassVar[StepName]

    start: datetime | None = None
    due: datetime | None = None


@dataclass(frozen=True)
class TrainingStep(Step):
    """Learner training: grade examples until the staff's grades match."""

    examples: tuple[TrainingExample, ...] = ()
    name: ClassVar[StepName] = StepName.TRAINING


@dataclass(frozen=True)
class PeerStep(Step):
    """Peer assessment."""

    must_grade: int = 5
    must_be_graded_by: int = 3
    enable_flexible_grading: bool = False
    grading_strategy: GradingStrategy = GradingStrategy.MEDIAN
    accuracy_weight: int = 0  # percent of the grade given by the learner's accuracy as a reviewer (ora_xblock's own)
    allow_appeals: bool = True  # a learner may ask staff to review their peer grade (ora_xblock's own)
    appeal_days: int = 14  # ... for this many days after the grade
    name: ClassVar[StepName] = StepName.PEER


@dataclass(frozen=True)
class SelfStep(Step):
    """Self assessment."""

    name: ClassVar[StepName] = StepName.SELF


@dataclass(frozen=True)
class StaffStep(Step):
    """Staff assessment; when required the learner waits for it."""

    required: bool = False
    name: ClassVar[StepName] = StepName.STAFF


AnyStep = TrainingStep | PeerStep | SelfStep | StaffStep

STEP_CLASSES: dict[StepName, type[Step]] = {
    StepName.TRAINING: TrainingStep,
    StepName.PEER: PeerStep,
    StepName.SELF: SelfStep,
    StepName.STAFF: StaffStep,
}


@dataclass(frozen=True)
class Teams:
    """Team settings, kept so that export gives them back."""

    enabled: bool = False
    teamset_id: str = ""


@dataclass(frozen=True)
class Definition:
    """One ORA problem as its author defined it."""

    title: str = ""
    prompts: tuple[Prompt, ...] = (Prompt(),)
    prompts_type: PromptsType = PromptsType.TEXT
    rubric: Rubric = field(default_factory=Rubric)
    steps: tuple[Step, ...] = ()

    text_response: Necessity = Necessity.REQUIRED
    text_response_editor: TextEditor = TextEditor.PLAIN
    file_upload_response: Necessity = Necessity.NONE
    file_upload_type: FileType | None = None
    white_listed_file_types: tuple[str, ...] = ()
    allow_multiple_files: bool = True

    submission_start: datetime | None = None
    submission_due: datetime | None = None
    date_config_type: DateConfig = DateConfig.MANUAL

    leaderboard_show: int = 0
    show_rubric_during_response: bool = False
    allow_latex: bool = False
    allow_learner_resubmissions: bool = False
    resubmissions_grace_period: str = ""
    teams: Teams = field(default_factory=Teams)

    def step(self, name: StepName) -> Step | None:
        """The step called ``name``, or None when the problem lacks it."""
        return next((step for step in self.steps if step.name == name), None)

    @property
    def step_names(self) -> tuple[StepName, ...]:
        return tuple(step.name for step in self.steps)

    @property
    def max_score(self) -> int:
        return self.rubric.max_points

    @property
    def rich_text(self) -> bool:
        """Whether learners answer in the rich-text editor (their answers are HTML)."""
        return self.text_response_editor is TextEditor.RICH
