"""Typed errors of the definition core.

Each error has a stable ``code`` for machines, the element it concerns
(``where``, a path such as ``rubric/criterion[2]``) and a message template
marked for translation. The core stays free of Django, so templates are
marked with :func:`N_` and translated by whoever shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the gettext_noop convention
    """Mark ``message`` for extraction without translating it here."""
    return message


@dataclass(frozen=True)
class DefinitionError:
    """One broken rule in a problem definition."""

    code: str
    template: str
    where: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, translate: Callable[[str], str] = str) -> str:
        """What is wrong, translated by ``translate`` and then filled in."""
        return translate(self.template).format(**self.params)

    def message(self, translate: Callable[[str], str] = str) -> str:
        """What is wrong and where."""
        text = self.text(translate)
        return f"{self.where}: {text}" if self.where else text

    def as_dict(self, translate: Callable[[str], str] = str) -> dict[str, str]:
        return {
            "code": self.code,
            "where": self.where,
            "message": self.message(translate),
        }


class InvalidDefinition(ValueError):
    """Raised with every error found, never just the first."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = list(errors)
        super().__init__("; ".join(error.message() for error in self.errors))

    @classmethod
    def of(cls, code: str, template: str, **params: Any) -> InvalidDefinition:
        """The refusal of a whole document for one reason (too large, not XML, ...)."""
        return cls([DefinitionError(code, template, params=params)])
