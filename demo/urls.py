"""The workbench's URLs, with the demo's landing page at ``/``, a reset that asks first, and the plugin app's course
pages under ``/ora_xblock/`` as the LMS mounts them."""

import os

from django.urls import include, path, re_path

from . import clock, languages, notices, resources, teams, views

urlpatterns = [
    path("", views.home, name="demo_home"),
    path("reset/", views.reset, name="demo_reset"),
    path("language/", languages.switch, name="demo_language"),
    path("notices/", notices.notices_page, name="demo_notices"),
    path("courses/<str:course_id>/teams/", teams.teams_page, name="teams_dashboard"),  # the LMS's Teams page
    path("ora_xblock/", include("ora_xblock.dashboard.urls")),  # namespace "ora_xblock", as apps.py's url_config
    re_path(r"^reset_state$", views.reset),  # the workbench's own reset, which would not ask
    re_path(r"^resource/(?P<block_type>[^/]+)/(?P<resource>.*)$", resources.package_resource),
    path("", include("workbench.urls")),
]
if os.environ.get("ORA_DEMO_TEST_CLOCK"):  # browser tests move time forward; never on in `make demo`
    clock.install()
    urlpatterns.insert(0, path("_test/clock/", clock.advance))
