"""A clock the browser tests can move forward (``ORA_DEMO_TEST_CLOCK=1``): to see links and leases expire."""

from datetime import datetime, timedelta

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from ora_xblock import platform

_offset = timedelta()
_real_now = platform.now


def install() -> None:
    """Make ``ora_xblock.platform.now`` run ahead by the offset that :func:`advance` sets."""
    platform.now = lambda: _real_now() + _offset


@csrf_exempt
def advance(request: HttpRequest) -> HttpResponse:
    """POST ``seconds``: move the clock forward that far."""
    global _offset
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _offset += timedelta(seconds=int(request.POST.get("seconds", "0")))
    return HttpResponse(datetime.isoformat(platform.now()), content_type="text/plain")
