"""What a reader of problem definitions must do with any input: a sound Definition that survives its own round
trip, or InvalidDefinition with coded errors that the editor can place and show; never another exception."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

from ora_xblock.definition import parse_olx
from ora_xblock.definition.codec import editor_path, from_dict, to_dict
from ora_xblock.definition.errors import InvalidDefinition
from ora_xblock.definition.model import Definition
from ora_xblock.definition.olx import to_olx
from ora_xblock.definition.validate import warnings

from .findings import RoundTripMismatch


def judged(read: Callable[[], Definition]) -> list[str]:
    """Check what ``read`` gives; the verdict: ``["sound"]``, or the codes of the errors it was refused with."""
    try:
        definition = read()
    except InvalidDefinition as invalid:
        assert invalid.errors
        for error in invalid.errors:
            assert isinstance(error.code, str) and error.code, error
            shown = error.as_dict()
            assert shown["message"], error
            assert isinstance(editor_path(error), str)
        return sorted({error.code for error in invalid.errors})
    assert isinstance(definition, Definition)
    for way, again in (("olx", parse_olx(to_olx(definition))), ("editor", from_dict(to_dict(definition)))):
        if again != definition:
            raise RoundTripMismatch(
                way, [f.name for f in fields(Definition) if getattr(again, f.name) != getattr(definition, f.name)]
            )
    for warning in warnings(definition):
        assert warning.code.startswith("advice."), warning
        warning.as_dict()
    return ["sound"]
