"""The workbench's URLs, with the demo's landing page at ``/``."""

import os

from django.urls import include, path

from . import clock, views

urlpatterns = [
    path("", views.home, name="demo_home"),
    path("", include("workbench.urls")),
]
if os.environ.get("ORA_DEMO_TEST_CLOCK"):  # browser tests move time forward; never on in `make demo`
    clock.install()
    urlpatterns.insert(0, path("_test/clock/", clock.advance))
