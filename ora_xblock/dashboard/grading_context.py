"""Who grades from the course dashboard, in which course, at what moment, in which language; and the course's
problems as the grading pages build them outside the block (from the content's own index).

A page of the plugin app has no block, so no runtime services: the person is the request's user, the language
Django's active one, the catalog the package's own (``translations/<lang>/LC_MESSAGES/text.mo``, Django's
catalog behind it, where the platform's atlas-pulled translations are), and dates are shown in UTC for the
browser to put in its own zone (static/js/when.js).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from importlib import resources
from typing import Any

from django.utils import translation

from .. import platform
from ..definition import parse_olx_cached
from ..definition.errors import N_
from ..services import course
from ..services.audit import Actor
from ..services.common import NotAllowed, NotFound, Problem, Refusal
from ..when import Reader
from . import host


class _DjangoCatalog(gettext.NullTranslations):
    """Django's own translations, behind the package's catalog."""

    def gettext(self, message: str) -> str:
        return str(translation.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(translation.ngettext(singular, plural, n))


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The package's catalog for ``language`` (a Django language code), Django's where it has no translation."""
    folder = str(resources.files("ora_xblock") / "translations")
    found = gettext.translation("text", folder, languages=[translation.to_locale(language)], fallback=True)
    found.add_fallback(_DjangoCatalog())
    return found


@dataclass
class Grader:
    """A course staff member on a grading page of one course, at one moment."""

    course_id: str
    user: Any
    now: datetime

    @cached_property
    def actor(self) -> Actor:
        """The grader as the queue's holds and the learners' histories know them (the course's anonymous id)."""
        return Actor(host.anonymous_id(self.user, self.course_id), str(getattr(self.user, "username", "")))

    @cached_property
    def language(self) -> str:
        return translation.get_language() or "en"

    @cached_property
    def translations(self) -> gettext.NullTranslations:
        return catalog(self.language)

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    @cached_property
    def dates(self) -> Reader:
        return Reader(None, self.language, self.now, self.translations.gettext)

    def words(self) -> dict[str, Any]:
        """What every template needs to speak the grader's language."""
        return {"_": self.translations.gettext, "ngettext": self.translations.ngettext}

    def require_staff(self) -> None:
        if not host.is_course_staff(self.user, self.course_id):
            raise NotAllowed("forbidden", N_("Only course staff can do this."))

    def refusal_text(self, refusal: Refusal) -> str:
        """A service's refusal as the grader reads it."""
        params = {
            key: self.dates.text(value) if isinstance(value, datetime) else value
            for key, value in refusal.params.items()
        }
        return self._(refusal.template).format(**params)


def grader(request: Any, course_id: str) -> Grader:
    """Whoever makes ``request``, on a grading page of the course now (:meth:`Grader.require_staff` refuses
    anyone but course staff)."""
    return Grader(course_id, host.user_of(request), platform.now())


def signed_in(request: Any) -> bool:
    user = host.user_of(request)
    return bool(user is not None and getattr(user, "is_authenticated", False))


def problems(course_id: str) -> dict[str, course.Indexed]:
    """The course's problems that learners have submitted to (one query), by usage key."""
    return {indexed.item_id: indexed for indexed in course.indexed_problems(course_id)}


def problem_of(course_id: str, item_id: str, now: datetime, known: dict[str, course.Indexed] | None = None) -> Problem:
    """Problem ``item_id`` of the course at ``now``; refused if the course has no such problem, as for a problem
    of another course."""
    indexed = known.get(item_id) if known is not None else course.indexed_problem(course_id, item_id)
    if indexed is None:
        raise NotFound("no_such_problem", N_("This course has no such problem."))
    return Problem(parse_olx_cached(indexed.olx), now, flexible_forced=indexed.flexible_forced)
