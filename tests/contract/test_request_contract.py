"""What the browser needs from the request: the CSRF cookie's name and token, whatever the site calls it."""

from __future__ import annotations

import crum
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings

from ora_xblock import platform


@override_settings(CSRF_COOKIE_NAME="lms_csrftoken")
def test_the_page_names_the_sites_csrf_cookie_and_carries_the_token_of_the_request():
    request = RequestFactory().get("/courses/")
    with crum.impersonate(None):
        crum.set_current_request(request)
        try:
            found = platform.csrf()
        finally:
            crum.set_current_request(None)

    assert found["cookie"] == "lms_csrftoken"
    assert found["token"] and len(found["token"]) == len(get_token(request))


def test_without_a_known_request_the_browser_falls_back_to_the_cookie():
    assert platform.csrf() == {"cookie": "csrftoken", "token": ""}
