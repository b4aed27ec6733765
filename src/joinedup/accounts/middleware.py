from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from joinedup.accounts.acting import acting_membership
from joinedup.accounts.models import User
from joinedup.accounts.services import two_factor_state
from joinedup.core.http import AuthedRequest, second_factor_done

# Paths anyone may reach without signing in. The API answers 401 itself: it takes a signed-in
# session or a partner system's bearer token (``joinedup.api``), and a token call has no session.
PUBLIC_PREFIXES = (
    "/healthz",
    "/favicon.ico",
    "/static/",
    "/accounts/sign-in/",
    "/accounts/single-sign-on/",
    "/accounts/password/",
    "/api/",
    "/about/",
    "/accessibility/",
    "/find-support/",
    "/published/",
)


class SignInRequiredMiddleware:
    """Every page needs a signed-in person who has passed two-factor where it applies.

    Also sets ``request.actor``: the membership the person is acting through,
    which every access rule and audit event uses.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: AuthedRequest) -> HttpResponse:
        request.actor = None
        public = request.path_info.startswith(PUBLIC_PREFIXES)
        user = request.user
        if not user.is_authenticated:
            if public:
                return self.get_response(request)
            return redirect_to_login(request.get_full_path(), reverse("accounts:sign_in"))

        assert isinstance(user, User)
        if not second_factor_done(request):
            state = two_factor_state(user)
            if state.has_device:
                return self._only(request, public, "accounts:sign_in_code")
            if state.required:
                return self._only(request, public, "accounts:two_factor_setup")

        request.actor = acting_membership(request)
        return self.get_response(request)

    def _only(self, request: AuthedRequest, public: bool, url_name: str) -> HttpResponse:
        """Until the second factor is done, allow only that step, signing out and public paths.

        ``request.actor`` stays empty, so the API refuses such a half-signed-in session.
        """
        if public or request.path_info in {reverse(url_name), reverse("accounts:sign_out")}:
            return self.get_response(request)
        return redirect(url_name)
