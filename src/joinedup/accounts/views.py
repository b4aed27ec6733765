from __future__ import annotations

import base64
import io
from typing import cast

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from joinedup.accounts import services, sso
from joinedup.accounts.acting import acting_membership, acting_membership_choose
from joinedup.accounts.forms import CodeForm, PasswordResetForm, PasswordSetForm, SignInForm, SingleSignOnForm
from joinedup.accounts.models import User
from joinedup.accounts.selectors import memberships_for
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.core.http import SSO_MULTI_FACTOR_KEY, AuthedRequest, is_verified, second_factor_done

NEXT_KEY = "joinedup_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return "/"


@never_cache
@sensitive_post_parameters("password")
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect("core:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.sign_in_check(
            request=request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if result.user is None:
            form.add_error(None, result.error)
        else:
            login(request, result.user)
            request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
            if services.two_factor_device(result.user) is not None:
                return redirect("accounts:sign_in_code")
            if services.two_factor_required(result.user):
                return redirect("accounts:two_factor_setup")
            return _signed_in(cast(AuthedRequest, request))
    return render(request, "accounts/sign_in.html", {"form": form})


def _signed_in(request: AuthedRequest) -> HttpResponse:
    actor = acting_membership(request)
    audit_record(
        action=AuditAction.SIGN_IN, actor=actor, user=request.user, record_type="user", record_id=request.user.pk
    )
    return redirect(request.session.pop(NEXT_KEY, "/"))


@never_cache
def single_sign_on(request: HttpRequest) -> HttpResponse:
    """Sign in with the organisation's own account: ask for the email, then send the person to their sign-in."""
    form = SingleSignOnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            started = sso.sso_begin(
                email=form.cleaned_data["email"],
                redirect_uri=request.build_absolute_uri(reverse("accounts:single_sign_on_return")),
            )
        except sso.SignOnError as error:
            form.add_error("email", str(error))
        else:
            request.session[sso.SESSION_KEY] = started.session
            request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
            return redirect(started.redirect_to)
    return render(request, "accounts/single_sign_on.html", {"form": form})


@never_cache
def single_sign_on_return(request: HttpRequest) -> HttpResponse:
    """Where the organisation's sign-in sends the person back, with a code to exchange for who they are."""
    remembered = request.session.pop(sso.SESSION_KEY, None)
    after = request.session.pop(NEXT_KEY, "/")
    try:
        finished = sso.sso_finish(remembered=remembered, params=request.GET.dict())
    except sso.SignOnError as error:
        audit_record(
            action=AuditAction.SIGN_IN_FAILED, record_type="single_sign_on", detail={"reason": str(error)[:300]}
        )
        context = {"form": SingleSignOnForm(), "problem": str(error)}
        return render(request, "accounts/single_sign_on.html", context, status=400)
    login(request, finished.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[NEXT_KEY] = after
    if finished.multi_factor:
        request.session[SSO_MULTI_FACTOR_KEY] = True
        return _signed_in(cast(AuthedRequest, request))
    if services.two_factor_device(finished.user) is not None:
        return redirect("accounts:sign_in_code")
    if services.two_factor_required(finished.user):
        return redirect("accounts:two_factor_setup")
    return _signed_in(cast(AuthedRequest, request))


@never_cache
def sign_in_code(request: AuthedRequest) -> HttpResponse:
    """Second step of sign-in for people with an authenticator app."""
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if second_factor_done(request) or services.two_factor_device(request.user) is None:
        return redirect("core:home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_code_check(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_service_errors(error)
            if User.objects.get(pk=request.user.pk).is_locked():
                logout(request)
                messages.error(request, "Sign-in is paused after too many wrong codes. Try again later.")
                return redirect("accounts:sign_in")
        else:
            otp_login(request, device)
            return _signed_in(request)
    return render(request, "accounts/sign_in_code.html", {"form": form})


@never_cache
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    user = request.user
    device = services.two_factor_setup_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.two_factor_setup_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            first_sign_in = not is_verified(user)
            otp_login(request, confirmed)
            messages.success(
                request, "Two-factor authentication is set up. You will need a code each time you sign in."
            )
            if first_sign_in and NEXT_KEY in request.session:
                return _signed_in(request)
            return redirect("accounts:account")
    qr = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    qr.save(buffer)
    secret = _base32(device.bin_key)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _inline_svg(buffer.getvalue()),
            "secret": secret,
            "required": services.two_factor_required(user),
        },
    )


def _inline_svg(document: bytes) -> str:
    """The ``<svg>`` element alone, without the XML declaration, to place in the page."""
    text = document.decode("utf-8")
    return text[text.index("<svg") :]


def _base32(key: bytes) -> str:
    text = base64.b32encode(key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(
            action=AuditAction.SIGN_OUT,
            actor=getattr(request, "actor", None),
            user=request.user,
            record_type="user",
            record_id=request.user.pk,
        )
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign_in")


def acting_as(request: AuthedRequest) -> HttpResponse:
    """Choose which organisation, borough and role to act in."""
    memberships = memberships_for(request.user)
    if request.method == "POST":
        choice = request.POST.get("membership", "")
        chosen = acting_membership_choose(request, int(choice)) if choice.isdigit() else None
        if chosen is None:
            messages.error(request, "Choose one of your roles.")
        else:
            messages.success(request, f"You are now working as {chosen}.")
            return redirect("core:home")
    return render(request, "accounts/acting_as.html", {"memberships": memberships})


def account(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships_for(request.user),
            "device": services.two_factor_device(request.user),
            "required": services.two_factor_required(request.user),
            "by_role": settings.JOINEDUP_TWO_FACTOR_BY_ROLE,
        },
    )


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"], base_url=_site(request))
        return render(request, "accounts/password_reset_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/password_reset.html", {"form": form, "link_days": services.password_link_days()})


@never_cache
@sensitive_post_parameters("new_password", "confirm_password")
def password_set(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.password_set_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/password_link_expired.html", {"link_days": services.password_link_days()})
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(user=user, password=form.cleaned_data["new_password"])
        except ValidationError as error:
            form.add_error("new_password", error.messages)
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(request, "Your password has been set. Sign in with it now.")
            return redirect("accounts:sign_in")
    return render(request, "accounts/password_set.html", {"form": form, "person": user})
