"""The ORA XBlock: fields, views and handler routing; the work is done elsewhere."""

from __future__ import annotations

import importlib
import logging
import re
from typing import Any

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Boolean, Scope, String

from . import assets, platform, scenarios
from .definition import parse_olx_cached
from .definition.model import Definition, PromptsType
from .definition.olx import ROOT_ATTRIBUTES, definition_from_element, to_olx, write_into
from .definition.validate import raise_if_invalid
from .html import plain_text
from .js_catalog import add_catalog
from .presenters.author import author_context
from .routes import Routes
from .templating import add_stylesheet, add_umd_script, render, resource_text

# Fields the OLX never sets directly: the definition itself, and the runtime's own bookkeeping.
_NOT_FROM_OLX = frozenset({"definition_olx", "parent", "children", "tags", "xblock-family"})
log = logging.getLogger(__name__)
# The vendored KaTeX (static/vendor/katex/README.md), by the name static/js/latex.js gives each file.
KATEX = (("script", "katex.min.js"), ("autoRender", "contrib/auto-render.min.js"), ("css", "katex.min.css"))


def _(message: str) -> str:
    """Mark a field's display text for extraction; the runtime translates it."""
    return message


@XBlock.needs("i18n")
@XBlock.wants("user")
@XBlock.wants("studio_user_permissions")
@XBlock.wants("replace_urls")  # author HTML's course links, rewritten in views and handlers alike (platform.py)
@XBlock.wants("completion")  # the LMS's event publishing asks for it when the block publishes completion
@XBlock.wants("grade_utils")  # whether the course's grades are frozen (platform.grades_frozen)
@XBlock.wants("teams")  # a team problem's teams (platform.team_of)
@XBlock.wants("teams_configuration")  # the names of the course's team-sets (platform.teamset_name)
class OraXBlock(Routes, XBlock):
    """An Open Response Assessment problem, read from and written as ora2 OLX."""

    display_name = String(
        display_name=_("Display Name"),
        help=_("The name learners see in the course outline; it follows the problem's title."),
        scope=Scope.settings,
        default=_("Open Response Assessment"),
    )
    definition_olx = String(
        help=_("The problem definition in canonical OLX; empty means the default problem."),
        scope=Scope.content,
        default="",
    )

    has_worked_here = Boolean(
        help=_(
            "Whether the learner has saved or submitted work in this problem. Its only use is that the LMS then "
            "keeps a row of the learner's state, which the instructor dashboard's \"Delete learner state\" needs."
        ),
        scope=Scope.user_state,
        default=False,
    )

    has_score = True
    has_custom_completion = True
    has_author_view = True  # Studio shows author_view only when the class says so (xmodule/studio_editable.py)
    show_in_read_only_mode = True  # staff "viewing as" a learner see their page read-only (Request.read_only)
    i18n_js_namespace = "OraXBlockI18N"  # the platform compiles the scripts' catalog under it (js_catalog.py)
    public_dir = "static"  # the folder runtime.local_resource_url serves from (XBlock.open_local_resource)
    icon_class = "problem"
    editable_fields = ("display_name",)  # no weight: the gradebook counts the rubric's points (decision 0010)

    @property
    def definition(self) -> Definition:
        """The problem as its author defined it."""
        return parse_olx_cached(self.definition_olx or scenarios.default_olx())

    def max_score(self) -> int:
        """The best possible score: each criterion's best option, summed."""
        return self.definition.max_score

    def index_dictionary(self) -> dict[str, Any]:
        """What the course search indexes, under ora2's keys: the names, and each prompt's plain text
        (``prompt`` for a single prompt, ``prompt_0``, ``prompt_1``... for several), with content type "ORA"."""
        definition = self.definition
        as_html = definition.prompts_type is PromptsType.HTML
        texts = [plain_text(p.description) if as_html else " ".join(p.description.split()) for p in definition.prompts]
        several = len(texts) > 1
        prompts = {f"prompt_{n}": text for n, text in enumerate(texts)} if several else {"prompt": "".join(texts)}
        body = super().index_dictionary()
        names = {"display_name": self.display_name, "title": definition.title}
        body["content"] = {**body.get("content", {}), **names, **prompts}
        body["content_type"] = "ORA"
        return body

    # Views

    def student_view(self, context: dict[str, Any] | None = None) -> Fragment:
        """The learner's page: the prompts, their steps and grade; course staff also get a grading panel."""
        page = self._role("page").student_page(self._request())
        html = render(
            "student_view.html",
            **page,
            latex=self.definition.allow_latex,
            csrf=platform.csrf(),
            uid=self.dom_id,
            _=platform.translations(self).gettext,
        )
        fragment = self._fragment(html, "ora.css")
        if self.definition.rich_text:  # by URL, so that browsers cache Quill's 209 KB; window.Quill under RequireJS too
            add_stylesheet(fragment, self, "static/vendor/quill/quill.snow.css")
            add_umd_script(fragment, self, "static/vendor/quill/quill.js", "Quill")
        add_catalog(fragment, self, platform.translations(self))
        assets.add_scripts(fragment, assets.LEARNER_SCRIPTS)
        fragment.initialize_js(assets.LEARNER_INIT, self._latex(fragment))
        return fragment

    def _latex(self, fragment: Fragment) -> dict[str, Any] | None:
        """Where the problem allows LaTeX: the typesetting script, and the learner script's ``latex`` argument,
        the URLs of the vendored KaTeX that it loads only when the page has no MathJax (static/js/latex.js).
        A runtime that serves no files of the block leaves the typesetting to the page's MathJax."""
        if not self.definition.allow_latex:
            return None
        fragment.add_javascript(resource_text("static/js/latex.js"))
        try:
            urls = {name: self.runtime.local_resource_url(self, f"static/vendor/katex/{path}") for name, path in KATEX}
        except NotImplementedError:
            urls = {}
        return {"latex": urls}

    def author_view(self, context: dict[str, Any] | None = None) -> Fragment:
        """Studio's preview: a summary of the steps, points and dates, then the learner's view."""
        i18n = platform.translations(self)
        summary = render(
            "author_summary.html",
            **author_context(
                self.definition, i18n.gettext, platform.reader(self, platform.now()), platform.host_dates(self)
            ),
            _=i18n.gettext,
            ngettext=i18n.ngettext,
        )
        fragment = self.student_view(context)
        fragment.content = summary + fragment.content
        return fragment

    def studio_view(self, context: dict[str, Any] | None = None) -> Fragment:
        """The author's editor: a form for every setting and the OLX, both judged by the validator on save."""
        i18n = platform.translations(self)
        html = render(
            "studio_view.html",
            form=self._role("studio").form_html(self, self.definition, self.is_released()),
            olx=to_olx(self.definition),
            csrf=platform.csrf(),
            uid=self.dom_id,
            _=i18n.gettext,
        )
        fragment = self._fragment(html, "ora.css")
        add_catalog(fragment, self, i18n)
        assets.add_scripts(fragment, assets.STUDIO_SCRIPTS)
        fragment.initialize_js(assets.STUDIO_INIT)
        return fragment

    @staticmethod
    def _role(name: str) -> Any:
        """The handlers module ``name`` (ora_xblock.handlers): imported on the first request, so that the block
        loads before Django is set up."""
        return importlib.import_module(f"{__package__}.handlers.{name}")

    def _request(self) -> Any:
        """This request's context (handlers.context.Request), built once and handed to the handler."""
        return self._role("context").Request(self)

    def _handle(self, role: str, handler: str, *args: Any) -> Any:
        """Answer with handler ``handler`` of the handlers module ``role``."""
        return getattr(self._role(role), handler)(self._request(), *args)

    @property
    def dom_id(self) -> str:
        """A unique, HTML-safe id for this block on a page."""
        return re.sub(r"[^A-Za-z0-9_-]", "-", str(self.scope_ids.usage_id))

    def _fragment(self, html: str, *stylesheets: str) -> Fragment:
        fragment = Fragment(html)
        for stylesheet in stylesheets:
            fragment.add_css(resource_text(f"static/css/{stylesheet}"))
        return fragment

    def validation_context(self) -> dict[str, Any]:
        """What the validator needs to know beyond the definition: the course's dates and policy."""
        course_start, course_end = platform.course_dates(self)
        return {
            "course_start": course_start,
            "course_end": course_end,
            "extra_prohibited": platform.extra_prohibited_extensions(),
        }

    def is_released(self) -> bool:
        """Whether learners may already have answered, which freezes the rubric and steps (services.definitions)."""
        from .services import definitions

        course_start = platform.course_dates(self)[0]
        return definitions.released(self.definition, platform.item_id(self), course_start, platform.now())

    def store_definition(self, definition: Definition) -> None:
        """Keep ``definition`` as the problem, in canonical OLX; the display name follows its title."""
        self.definition_olx = to_olx(definition)
        self.display_name = definition.title or self.fields["display_name"].default

    # The instructor dashboard

    def clear_student_state(self, user_id: str, course_id: str, item_id: str, requesting_user_id: str) -> None:
        """The dashboard's "Delete learner state": reset the learner as the staff area's reset does, recorded as
        done by the requesting staff member.

        The LMS calls this (lms/djangoapps/instructor/enrollment.py ``reset_student_attempts``) with the
        learner's and the staff member's anonymous ids in the course, then leaves the submissions score to the
        block. The block's own ids name the problem, as in every write. Never raises: the platform catches
        nothing around this call, and a learner with nothing to reset is normal.
        """
        try:
            from .services import staff
            from .services.audit import Actor

            actor = Actor(requesting_user_id or "", platform.username_of(self, requesting_user_id))
            staff.clear(platform.course_id(self), platform.item_id(self), user_id, actor, platform.now())
        except Exception:  # logged: an exception here would break the dashboard's reset
            log.exception("Deleting the state of learner %s in %s failed", user_id, item_id)

    # OLX

    @classmethod
    def parse_xml(cls, node: Any, runtime: Any, keys: Any, *args: Any, **kwargs: Any) -> OraXBlock:
        """Build a block from ora2 OLX; an invalid problem is refused whole.

        Root attributes that are not part of the definition but name a field
        of the block (``display_name``, and the platform's own such as
        ``group_access``) set that field. ora2's ``weight`` is read and
        ignored: the gradebook counts the rubric's points (decision 0010).
        """
        definition = definition_from_element(node)
        block = runtime.construct_xblock_from_class(cls, keys)
        raise_if_invalid(definition, **block.validation_context())
        block.store_definition(definition)
        for name, value in node.attrib.items():
            field = block.fields.get(name)
            if field is not None and field.scope == Scope.settings and name not in ROOT_ATTRIBUTES | _NOT_FROM_OLX:
                setattr(block, name, field.from_string(value))
        return block

    def add_xml_to_node(self, node: Any) -> None:
        """Write the problem as ora2 OLX on ``node``, with the settings an author set."""
        node.tag = self.scope_ids.block_type
        write_into(self.definition, node)
        for name, field in self.fields.items():
            if field.scope == Scope.settings and field.is_set_on(self) and name not in _NOT_FROM_OLX:
                node.set(name, field.to_string(getattr(self, name)))
        if node.get("display_name") == self.definition.title:
            del node.attrib["display_name"]

    @staticmethod
    def workbench_scenarios() -> list[tuple[str, str]]:
        """Demo problems for the xblock-sdk workbench."""
        return scenarios.workbench_scenarios()
