"""The ORA XBlock: fields, views and handler routing; the work is done elsewhere."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Boolean, Scope, String

from . import assets, platform, scenarios
from .definition import parse_olx_cached
from .definition.codec import editor_path, from_dict
from .definition.errors import DefinitionError, InvalidDefinition
from .definition.model import DateConfig, Definition, PromptsType
from .definition.olx import ROOT_ATTRIBUTES, definition_from_element, parse_olx, to_olx, write_into
from .definition.validate import raise_if_invalid, validate, warnings
from .handlers import HandlerError, file_endpoint, json_endpoint, piece_endpoint, upload_endpoint
from .html import plain_text
from .js_catalog import catalog_script
from .presenters import author_context, studio_context
from .templating import add_stylesheet, add_umd_script, render, resource_text

if TYPE_CHECKING:
    from .page import Page
    from .staff_area import StaffArea

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
class OraXBlock(XBlock):
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
    show_in_read_only_mode = True  # staff "viewing as" a learner see their page read-only (Page.read_only)
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
        page = self._page()
        html = render(
            "student_view.html",
            content=page.content(),
            staff=page.staff_shell(),
            read_only_as=page.viewer.username if page.read_only else None,
            latex=self.definition.allow_latex,
            csrf=platform.csrf(),
            uid=self.dom_id,
            _=platform.translations(self).gettext,
        )
        fragment = self._fragment(html, "ora.css")
        if self.definition.rich_text:  # by URL, so that browsers cache Quill's 209 KB; window.Quill under RequireJS too
            add_stylesheet(fragment, self, "static/vendor/quill/quill.snow.css")
            add_umd_script(fragment, self, "static/vendor/quill/quill.js", "Quill")
        fragment.add_javascript(catalog_script(platform.translations(self)))
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
            form=self._studio_form(self.definition, self.is_released()),
            olx=to_olx(self.definition),
            csrf=platform.csrf(),
            uid=self.dom_id,
            _=i18n.gettext,
        )
        fragment = self._fragment(html, "ora.css")
        fragment.add_javascript(catalog_script(i18n))
        assets.add_scripts(fragment, assets.STUDIO_SCRIPTS)
        fragment.initialize_js(assets.STUDIO_INIT)
        return fragment

    def _studio_form(self, definition: Definition, released: bool) -> str:
        i18n = platform.translations(self)
        context = studio_context(definition, released=released)
        return render("studio_form.html", **context, uid=self.dom_id, _=i18n.gettext, ngettext=i18n.ngettext)

    def _staff(self) -> StaffArea:
        from .staff_area import StaffArea

        return StaffArea(self._page())

    def _page(self) -> Page:
        """The page for this request; imported here so that the block loads before Django is set up."""
        from .page import Page

        return Page(self)

    @property
    def dom_id(self) -> str:
        """A unique, HTML-safe id for this block on a page."""
        return re.sub(r"[^A-Za-z0-9_-]", "-", str(self.scope_ids.usage_id))

    def _fragment(self, html: str, *stylesheets: str) -> Fragment:
        fragment = Fragment(html)
        for stylesheet in stylesheets:
            fragment.add_css(resource_text(f"static/css/{stylesheet}"))
        return fragment

    # Handlers: one line each; Page calls the services and renders the answer.

    @json_endpoint
    def render_page(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """The learner's page as it stands now."""
        return self._page().view()

    @json_endpoint
    def save_draft(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Keep the learner's unsent answers."""
        return self._page().save_draft(data)

    @json_endpoint
    def submit(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Submit the learner's answers."""
        return self._page().submit(data)

    @json_endpoint
    def withdraw(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Take a submitted response back to edit, where the problem allows it."""
        return self._page().withdraw()

    @json_endpoint
    def self_assess(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Record the learner's self assessment."""
        return self._page().self_assess(data)

    @json_endpoint
    def peer_next(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Hand the learner a peer's response to review, or the one they already hold."""
        return self._page().peer_next()

    @json_endpoint
    def peer_assess(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Record the learner's review of the response leased to them."""
        return self._page().peer_assess(data)

    @json_endpoint
    def training_assess(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Check the learner's assessment of a training sample against the author's."""
        return self._page().training_assess(data)

    @upload_endpoint
    def upload_file(self, filename: str, form: dict[str, str], stream: Any, size: int) -> dict[str, Any]:
        """Add a file that fits in one request to the learner's draft (multipart: file, description)."""
        return self._page().upload_file(filename, form.get("description"), stream, size)

    @json_endpoint
    def upload_begin(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Start a file sent in pieces, for hosts that cap each request: its upload id and the piece size."""
        return self._page().upload_begin(data)

    @piece_endpoint
    def upload_piece(self, filename: str, form: dict[str, str], stream: Any, size: int) -> dict[str, Any]:
        """The next piece of a file begun with upload_begin (multipart: upload_id, index, offset, piece)."""
        return self._page().upload_piece(form, stream, size)

    @json_endpoint
    def upload_finish(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Join a file's pieces, check the whole file, and add it to the draft."""
        return self._page().upload_finish(data)

    @json_endpoint
    def upload_abort(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Give up a file sent in pieces, and delete what arrived."""
        return self._page().upload_abort(data)

    @json_endpoint
    def upload_start(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Where the storage takes files itself (S3), a presigned form to send the file straight to it."""
        return self._page().upload_start(data)

    @json_endpoint
    def upload_confirm(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Check a file sent straight to the storage, and add it to the draft."""
        return self._page().upload_confirm(data)

    @json_endpoint
    def remove_file(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Take a file out of the learner's draft."""
        return self._page().remove_file(data)

    @file_endpoint
    def download_file(self, suffix: str = "") -> Any:
        """A response file (GET, the file's id as the suffix), for those allowed to see it."""
        return self._page().download(suffix)

    @file_endpoint
    def staff_files_zip(self, suffix: str = "") -> Any:
        """Staff only (GET): every submitted file of the problem in one zip."""
        return self._page().files_zip()

    # Staff area: course staff only (see staff_area.StaffArea).

    @json_endpoint
    def staff_overview(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: learners per step and the spread of final scores."""
        return self._staff().overview()

    @json_endpoint
    def staff_learner(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: find a learner by username or email (``query``), or open one (``student_id``)."""
        return self._staff().learner(data)

    @json_endpoint
    def staff_grade(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: grade or override a learner with the rubric (``reason``; ``from_queue``)."""
        return self._staff().grade(data)

    @json_endpoint
    def staff_remove(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: remove a learner's response from peer grading, with a ``comment`` the learner reads."""
        return self._staff().remove(data)

    @json_endpoint
    def staff_reset(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: delete a learner's state in the problem so they start again."""
        return self._staff().reset(data)

    @json_endpoint
    def staff_queue_next(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: hold the next response waiting for a staff grade (``skip`` lets one go first)."""
        return self._staff().queue_next(data)

    @json_endpoint
    def staff_queue_release(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: give a held response back to the queue."""
        return self._staff().queue_release(data)

    @json_endpoint
    def staff_gradebook(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: a page of the gradebook, filtered."""
        return self._staff().gradebook(data)

    @json_endpoint
    def staff_reports(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: the problem's reports, with download links valid for 5 minutes."""
        return self._staff().reports()

    @json_endpoint
    def staff_report_start(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Staff only: generate the grade or data report (``kind``) in the background."""
        return self._staff().report_start(data)

    @file_endpoint
    def staff_report_download(self, suffix: str = "") -> Any:
        """Staff only (GET): a finished report, through the signed link (the suffix) made for this staff member."""
        return self._staff().report_download(suffix)

    @json_endpoint
    def save_definition(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Validate and store an author's OLX; on any error nothing changes."""
        olx = data.get("olx")
        if not isinstance(olx, str):
            gettext = platform.translations(self).gettext
            raise HandlerError(400, "bad_request", gettext("Send the problem's OLX as a string in the 'olx' field."))
        return self._save(lambda: parse_olx(olx))

    @json_endpoint
    def save_editor(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Validate and store the editor's JSON form of the problem (see definition.codec)."""
        return self._save(lambda: from_dict(data.get("definition")))

    @json_endpoint
    def check_editor(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Judge the editor's JSON as saving would, without storing anything."""
        return self._save(lambda: from_dict(data.get("definition")), store=False)

    def _save(self, read: Any, store: bool = True) -> dict[str, Any]:
        """Read a new definition, check it with the one validator, and store it; on any error nothing changes."""
        gettext = platform.translations(self).gettext
        if not platform.can_edit(self):
            raise HandlerError(403, "forbidden", gettext("Only the course's authors can edit this problem."))
        errors: list[DefinitionError] = []
        released = self.is_released()
        try:
            definition = read()
            errors += validate(definition, **self.validation_context(), current=self.definition, released=released)
        except InvalidDefinition as invalid:
            errors += invalid.errors
        if errors:
            raise HandlerError(
                400,
                "invalid_definition",
                gettext("The problem was not saved: correct the errors listed."),
                errors=[_editor_error(error, gettext) for error in errors],
            )
        advice = {"warnings": [_editor_error(warning, gettext) for warning in warnings(definition)]}
        if not store:
            return advice
        self._store(definition)
        return advice | {
            "olx": self.definition_olx,
            "display_name": self.display_name,
            "form": self._studio_form(definition, released),
        }

    def validation_context(self) -> dict[str, Any]:
        """What the validator needs to know beyond the definition: the course's dates and policy."""
        course_start, course_end = platform.course_dates(self)
        return {
            "course_start": course_start,
            "course_end": course_end,
            "extra_prohibited": platform.extra_prohibited_extensions(),
        }

    def is_released(self) -> bool:
        """Whether learners may already have answered, which freezes the rubric and steps.

        The problem counts as released once it has opened (its subsection's start has passed, and its own
        response start when the author sets the dates) or once anyone has a draft or a response in it,
        whatever the dates say now.
        """
        manual = self.definition.date_config_type is DateConfig.MANUAL
        own = self.definition.submission_start if manual else None
        opens = [date for date in (platform.course_dates(self)[0], own) if date]
        return (bool(opens) and max(opens) <= platform.now()) or self._has_learner_work()

    def _has_learner_work(self) -> bool:
        from .models import Draft, Workflow

        item_id = platform.item_id(self)
        return Workflow.objects.filter(item_id=item_id).exists() or Draft.objects.filter(item_id=item_id).exists()

    def _store(self, definition: Definition) -> None:
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
        block._store(definition)
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


def _editor_error(error: DefinitionError, gettext: Any) -> dict[str, str]:
    """An error as the editor shows it: also the path of the field it concerns, and its text without the place."""
    return error.as_dict(gettext) | {"field": editor_path(error), "text": error.text(gettext)}
