"""The plugin app's URLs in the LMS (apps.py ``url_config``: mounted under ``/ora_xblock/``, namespace
``ora_xblock``); the demo mounts them alike."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import grading, views

app_name = "ora_xblock"

urlpatterns: list[URLPattern] = [
    path("courses/<str:course_id>/", views.course_dashboard, name="course_dashboard"),
    path("courses/<str:course_id>/reports/", views.start_report, name="course_report_start"),
    path("courses/<str:course_id>/reports/<str:token>/", views.download_report, name="course_report_download"),
    path("courses/<str:course_id>/queue/", grading.course_queue, name="course_queue"),
    path("courses/<str:course_id>/grade/<str:item_id>/<str:student_id>/", grading.course_grade, name="course_grade"),
]
