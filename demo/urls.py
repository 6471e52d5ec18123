"""The workbench's URLs, with the demo's landing page at ``/``."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="demo_home"),
    path("", include("workbench.urls")),
]
