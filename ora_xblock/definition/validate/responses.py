"""What a learner may send, and the problem's other settings (top responses, resubmission, teams)."""

from __future__ import annotations

from collections.abc import Iterator

from ... import uploads
from ..dates import grace_period_minutes
from ..errors import N_, DefinitionError
from ..limits import MAX_EXTENSION_CHARS, MAX_FILE_TYPES, MAX_GRACE_DAYS, MAX_TOP_RESPONSES
from ..model import Definition, FileType, Necessity, StepName
from .common import error, too_many


def response_errors(definition: Definition, extra_prohibited: tuple[str, ...] = ()) -> Iterator[DefinitionError]:
    """What a learner may send: text, files, or both, and which files."""
    if definition.text_response is Necessity.NONE and definition.file_upload_response is Necessity.NONE:
        yield error(
            "response.nothing_asked",
            N_("Learners must be asked for a text response, a file upload, or both."),
        )
    asks_files = definition.file_upload_response is not Necessity.NONE
    if asks_files and definition.file_upload_type is None:
        yield error("files.no_type", N_("Choose which files learners may upload."), "file_upload_type")
    if definition.file_upload_type is FileType.CUSTOM:
        if not definition.white_listed_file_types:
            yield error(
                "files.custom_list_empty",
                N_("List the file extensions learners may upload."),
                "white_listed_file_types",
            )
        yield from too_many(
            "files.too_many_types",
            N_("A custom file-type list can have at most {limit} extensions, not {count}."),
            "white_listed_file_types",
            len(definition.white_listed_file_types),
            MAX_FILE_TYPES,
        )
        for extension in definition.white_listed_file_types:
            if len(extension) > MAX_EXTENSION_CHARS:
                yield error(
                    "files.extension_too_long",
                    N_('The extension "{extension}" is longer than {limit} characters.'),
                    "white_listed_file_types",
                    extension=extension[: MAX_EXTENSION_CHARS + 1] + "…",
                    limit=MAX_EXTENSION_CHARS,
                )
        not_plain = [item for item in definition.white_listed_file_types if not uploads.plain_extension(item)]
        if not_plain:  # shown escaped, so that an invisible or look-alike character can be seen
            yield error(
                "files.extension_not_plain",
                N_("File extensions can only have ASCII letters and digits (a-z, A-Z, 0-9), not: {extensions}."),
                "white_listed_file_types",
                extensions=", ".join(item.encode("unicode_escape").decode("ascii") for item in not_plain),
            )
        banned = uploads.prohibited(definition.white_listed_file_types, extra_prohibited)
        if banned:
            yield error(
                "files.prohibited_extension",
                N_("These extensions can never be uploaded: {extensions}."),
                "white_listed_file_types",
                extensions=", ".join(banned),
            )


def setting_errors(definition: Definition) -> Iterator[DefinitionError]:
    """Top responses, resubmission and teams."""
    if not 0 <= definition.leaderboard_show <= MAX_TOP_RESPONSES:
        yield error(
            "leaderboard.out_of_range",
            N_("Top responses must be between 0 and {limit}, not {value}."),
            "leaderboard_show",
            limit=MAX_TOP_RESPONSES,
            value=definition.leaderboard_show,
        )
    if definition.resubmissions_grace_period:
        yield from _grace_period_errors(definition.resubmissions_grace_period)
    if definition.teams.enabled:
        if not definition.teams.teamset_id:
            yield error("teams.no_teamset", N_("A team problem needs a team set."), "selected_teamset_id")
        if any(step.name is not StepName.STAFF for step in definition.steps):
            yield error("teams.only_staff", N_("A team problem can only be assessed by staff."), "assessments")


def _grace_period_errors(text: str) -> Iterator[DefinitionError]:
    try:
        minutes = grace_period_minutes(text)
    except ValueError:
        yield error(
            "resubmission.bad_grace_period",
            N_('The resubmission grace period "{value}" must be written DD:HH:MM, like 01:12:00.'),
            "resubmissions_grace_period",
            value=text[:40],
        )
        return
    if minutes > MAX_GRACE_DAYS * 24 * 60:
        yield error(
            "resubmission.grace_period_too_long",
            N_('The resubmission grace period can be at most {limit} days (written "{limit}:00:00"), not "{value}".'),
            "resubmissions_grace_period",
            limit=MAX_GRACE_DAYS,
            value=text[:40],
        )
