"""The product's URLs, and ``/bench/ok``: the trivial view the load benchmark compares throughput with.

The view is not public (``SignInRequiredMiddleware`` lets only a signed-in, two-factor-verified person reach it),
so each request pays what every page pays before its view runs: the session, the person, their two-factor state
and the membership they act through.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from joinedup.urls import urlpatterns as product_urlpatterns

TRIVIAL_PATH = "bench/ok"


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(TRIVIAL_PATH, ok, name="bench_ok"), *product_urlpatterns]
