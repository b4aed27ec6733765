from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.views.defaults import page_not_found

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


NUL_REFUSED = "The request holds a NUL character (\\u0000), which no text in Joinedup may hold."
_FORMS_AND_JSON = ("application/x-www-form-urlencoded", "application/json")


class NulRefusedMiddleware:
    """Refuse a request whose address, form or JSON body holds a NUL character, before any view reads it.

    No text field can hold one (PostgreSQL refuses it, so a search or a saved note would fail on the
    database), and no person types one. Uploaded files are left to the readers, which name the line.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        body = request.body if request.content_type in _FORMS_AND_JSON else b""
        if (
            "\x00" in request.path
            or "%00" in query
            or b"%00" in body
            or b"\x00" in body
            or (request.content_type == "application/json" and b"\\u0000" in body.lower())
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED}, status=400)
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NotFoundPageMiddleware:
    """A record that does not exist, or that the person may not see, gets the site's own "Page not found"
    page, also with ``DEBUG`` on (as in the demo): Django's debugging page would list every address of the
    site beside it. An address that matches no page keeps Django's handling. An address that only takes a
    form's answer, opened as a page, says so instead of answering with an empty page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            # An address that only takes a form's answer, opened as a page (a bookmark, a link copied).
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
