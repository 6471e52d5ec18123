"""The Studio editor's handlers: save the OLX or the editor's form, check the form without saving, or fetch the
rubric of another problem of the course to copy into the form."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import platform
from ..dashboard import host
from ..definition.codec import editor_path, from_dict
from ..definition.errors import DefinitionError, InvalidDefinition
from ..definition.model import Definition
from ..definition.olx import parse_olx
from ..presenters.author import studio_context
from ..services import definitions, rubric_reuse
from ..templating import render
from .context import Request
from .endpoints import HandlerError

MAX_ITEM_ID = 255  # a usage key is far shorter


def save_definition(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Validate and store an author's OLX; on any error nothing changes."""
    olx = data.get("olx")
    if not isinstance(olx, str):
        raise HandlerError(400, "bad_request", request._("Send the problem's OLX as a string in the 'olx' field."))
    return _save(request, lambda: parse_olx(olx))


def save_editor(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Validate and store the editor's JSON form of the problem (see definition.codec)."""
    return _save(request, lambda: from_dict(data.get("definition")))


def check_editor(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Judge the editor's JSON as saving would, without storing anything."""
    return _save(request, lambda: from_dict(data.get("definition")), store=False)


def course_rubrics(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """The course's other problems whose rubric the author may copy into this one (``{"problems": [...]}``: id,
    title, criteria, points); with ``item_id``, that problem's rubric in the editor's JSON (``{"title",
    "rubric"}``), which the editor puts in its form: nothing is stored until the author saves."""
    gettext = request._
    _require_author(request)
    wanted = data.get("item_id")
    if wanted is not None and (not isinstance(wanted, str) or not 0 < len(wanted) <= MAX_ITEM_ID):
        raise HandlerError(400, "bad_request", gettext("Send the id of a problem of this course in 'item_id'."))
    if wanted is not None and request.block.is_released():
        message = gettext("Learners may already have answered this problem, so its rubric can no longer be replaced.")
        raise HandlerError(409, "rubric_frozen", message)
    blocks = host.course_blocks(request.course_id)
    hosted = None if blocks is None else list(_readable(block for block, _url in blocks))
    found = rubric_reuse.sources(request.course_id, request.item_id, hosted)
    if wanted is None:
        return {"problems": rubric_reuse.listed(found)}
    return rubric_reuse.rubric_of(found, wanted)


def form_html(block: Any, definition: Definition, released: bool) -> str:
    """The editor's form (``studio_form.html``) for ``definition``; ``released`` locks what learners answered."""
    i18n = platform.translations(block)
    context = studio_context(definition, released=released)
    return render("studio_form.html", **context, uid=block.dom_id, _=i18n.gettext, ngettext=i18n.ngettext)


def _save(request: Request, read: Callable[[], Definition], store: bool = True) -> dict[str, Any]:
    """Read a new definition, judge it with the one validator, and store it; on any error nothing changes."""
    block, gettext = request.block, request._
    _require_author(request)
    released = block.is_released()
    try:
        definition, advice = definitions.judge(
            read, current=request.definition, released=released, **block.validation_context()
        )
    except InvalidDefinition as invalid:
        message = gettext("The problem was not saved: correct the errors listed.")
        errors = [_editor_error(error, gettext) for error in invalid.errors]
        raise HandlerError(400, "invalid_definition", message, errors=errors) from None
    answer: dict[str, Any] = {"warnings": [_editor_error(warning, gettext) for warning in advice]}
    if not store:
        return answer
    block.store_definition(definition)
    form = form_html(block, definition, released)
    return answer | {"olx": block.definition_olx, "display_name": block.display_name, "form": form}


def _readable(blocks: Iterable[Any]) -> Iterator[tuple[str, Definition]]:
    """Each block's id and definition; a block whose content no longer reads (OLX imported by hand) is left out."""
    for block in blocks:
        try:
            yield platform.item_id(block), block.definition
        except InvalidDefinition:
            continue


def _require_author(request: Request) -> None:
    if not platform.can_edit(request.block):
        raise HandlerError(403, "forbidden", request._("Only the course's authors can edit this problem."))


def _editor_error(error: DefinitionError, gettext: Callable[[str], str]) -> dict[str, str]:
    """An error as the editor shows it: also the path of the field it concerns, and its text without the place."""
    return error.as_dict(gettext) | {"field": editor_path(error), "text": error.text(gettext)}
