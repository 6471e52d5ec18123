"""The plugin app's URLs in the LMS (apps.py ``url_config``: mounted under ``/ora_xblock/``, namespace
``ora_xblock``); the demo mounts them alike."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "ora_xblock"

urlpatterns: list[URLPattern] = []
