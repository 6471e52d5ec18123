"""The workbench's views of a block, in plain words: ``{% block_views view_name other_views as views %}``."""

from __future__ import annotations

from django import template

register = template.Library()

# The workbench's view names, as an Open edX user knows each page.
VIEW_LABELS = {
    "student_view": "Learner view",
    "author_view": "Studio preview",
    "studio_view": "Studio editor",
}


@register.filter
def view_label(view_name: str) -> str:
    """A view's plain name ("Learner view" for ``student_view``)."""
    return VIEW_LABELS.get(view_name, view_name.replace("_", " ").capitalize())


@register.simple_tag
def block_views(current: str, others: list[str]) -> list[dict[str, object]]:
    """Every view of the block, the current one included, in the order learner, preview, editor."""
    names = {current, *others}
    ordered = [name for name in VIEW_LABELS if name in names] + sorted(names - VIEW_LABELS.keys())
    return [{"name": name, "label": view_label(name), "current": name == current} for name in ordered]
