from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from joinedup.core.request_context import new_request_id, request_id_bound


class RequestIdMiddleware:
    """Gives every request an id, sent back as ``X-Request-ID`` and written on its audit events."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_id_bound(new_request_id()) as request_id:
            request.request_id = request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
