"""Single sign-on with an organisation's OpenID Connect service (authorisation code flow with PKCE).

``sso_begin`` finds the organisation by the person's email domain and gives the address to send them to;
``sso_finish`` takes the code the service sends back, exchanges it for an ID token over a direct call,
checks the token (signature against the service's published keys, issuer, audience, expiry, the nonce
of this sign-in) and returns the Joinedup account it names. Nothing from the browser is trusted but the
code and the state, which must match what this session started.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings

from joinedup.accounts.models import Membership, SingleSignOn, User
from joinedup.core.addresses import host_forbidden_address

SESSION_KEY = "joinedup_sso"
TIMEOUT = 10  # seconds for each call to the sign-in service
ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
_DISCOVERY_CACHE: dict[str, tuple[float, dict[str, Any]]] = {}
DISCOVERY_SECONDS = 3600


class SignOnError(Exception):
    """Single sign-on did not work; the message is for the person signing in."""


@dataclass(frozen=True)
class Started:
    redirect_to: str
    session: dict[str, Any]


def sso_for_email(email: str) -> SingleSignOn | None:
    domain = email.strip().lower().rpartition("@")[2]
    if not domain:
        return None
    for sso in SingleSignOn.objects.filter(enabled=True).select_related("organisation"):
        if domain in sso.domains:
            return sso
    return None


def _address_check(url: str) -> None:
    """Only https, and (outside the tests' own service) only a public address: an address set by an
    administrator must not make Joinedup reach into its own network."""
    parsed = urllib.parse.urlsplit(url)
    allowed = ("https", "http") if settings.JOINEDUP_SSO_ALLOW_HTTP else ("https",)
    if parsed.scheme not in allowed or not parsed.hostname:
        raise SignOnError("Your organisation's sign-in service is not set up correctly (it must use https).")
    if settings.JOINEDUP_SSO_ALLOW_HTTP:
        return
    try:
        forbidden = host_forbidden_address(parsed.hostname, parsed.port or 443)
    except LookupError:
        raise SignOnError(
            f"Your organisation's sign-in service could not be found ({parsed.hostname}): check its issuer address."
        ) from None
    except ValueError:
        raise SignOnError("Your organisation's sign-in service is not set up correctly (its address).") from None
    if forbidden is not None:
        raise SignOnError(
            f"Your organisation's sign-in service is at a private or local address ({forbidden}), "
            "which Joinedup does not reach."
        )


def _get_json(url: str, *, data: dict[str, str] | None = None) -> dict[str, Any]:
    _address_check(url)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (https checked above)
            loaded = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as error:
        raise SignOnError(f"Your organisation's sign-in service refused Joinedup ({error.code}).") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError):
        raise SignOnError("Your organisation's sign-in service could not be reached. Try again shortly.") from None
    if not isinstance(loaded, dict):
        raise SignOnError("Your organisation's sign-in service gave an answer Joinedup cannot read.")
    return loaded


def discovery(sso: SingleSignOn, *, fresh: bool = False) -> dict[str, Any]:
    """The service's OpenID configuration, kept for an hour (``fresh``: fetched again now)."""
    issuer = sso.issuer.rstrip("/")
    cached = _DISCOVERY_CACHE.get(issuer)
    if cached and not fresh and time.monotonic() - cached[0] < DISCOVERY_SECONDS:
        return cached[1]
    found = _get_json(f"{issuer}/.well-known/openid-configuration")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(found.get(key), str):
            raise SignOnError("Your organisation's sign-in service is not set up correctly (its configuration).")
    _DISCOVERY_CACHE[issuer] = (time.monotonic(), found)
    return found


def sso_check(sso: SingleSignOn) -> str:
    """Reach the organisation's sign-in service as a sign-in would, and say what was found.

    Raises:
        SignOnError: it cannot be reached, or its configuration would make every sign-in fail.
    """
    config = discovery(sso, fresh=True)
    said = str(config.get("issuer", "")).rstrip("/")
    if said != sso.issuer.rstrip("/"):
        raise SignOnError(
            f"The sign-in service answered, but it names its issuer {said or '(none)'}, not {sso.issuer}. "
            "Enter its issuer address exactly as it gives it."
        )
    return (
        f"Joinedup reached the sign-in service at {sso.issuer}: it gives the addresses Joinedup needs to sign "
        "members in. Try signing in with a member's work account to finish checking (the client id and secret "
        "are checked then)."
    )


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def sso_begin(*, email: str, redirect_uri: str) -> Started:
    """Where to send the person to sign in with their organisation, and what the session must remember."""
    sso = sso_for_email(email)
    if sso is None:
        raise SignOnError(
            "Your organisation does not use single sign-on with Joinedup. Sign in with your email and password."
        )
    config = discovery(sso)
    state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    query = {
        "response_type": "code",
        "client_id": sso.client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
        "login_hint": email.strip(),
    }
    endpoint = config["authorization_endpoint"]
    _address_check(endpoint)
    separator = "&" if "?" in endpoint else "?"
    remembered = {"sso": sso.pk, "state": state, "nonce": nonce, "verifier": verifier, "redirect_uri": redirect_uri}
    return Started(f"{endpoint}{separator}{urllib.parse.urlencode(query)}", remembered)


@dataclass(frozen=True)
class Finished:
    user: User
    sso: SingleSignOn
    multi_factor: bool


def sso_finish(*, remembered: dict[str, Any] | None, params: dict[str, str]) -> Finished:
    """Check what the service sent back and return the account it signs in."""
    if not remembered:
        raise SignOnError("This sign-in was not started here, or took too long. Start again.")
    if params.get("error"):
        detail = params.get("error_description") or params["error"]
        raise SignOnError(f"Your organisation's sign-in did not complete: {detail[:200]}")
    if not secrets.compare_digest(params.get("state", ""), remembered["state"]):
        raise SignOnError("This sign-in was not started here, or took too long. Start again.")
    sso = SingleSignOn.objects.select_related("organisation").filter(pk=remembered["sso"], enabled=True).first()
    if sso is None:
        raise SignOnError("Single sign-on has been switched off for your organisation. Sign in with your password.")
    config = discovery(sso)
    tokens = _get_json(
        config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": params.get("code", ""),
            "redirect_uri": remembered["redirect_uri"],
            "client_id": sso.client_id,
            "client_secret": sso.client_secret,
            "code_verifier": remembered["verifier"],
        },
    )
    claims = _id_token_claims(sso, config, tokens.get("id_token"), remembered["nonce"])
    email = str(claims.get("email") or claims.get("preferred_username") or claims.get("upn") or "").strip().lower()
    if not email or email.rpartition("@")[2] not in sso.domains:
        raise SignOnError(
            f"Your organisation's sign-in named an account ({email or 'no email'}) outside {sso.organisation}'s "
            "email domains."
        )
    user = User.objects.filter(email=email, is_active=True).first()
    member = (
        user is not None
        and Membership.objects.filter(user=user, organisation=sso.organisation, is_active=True).exists()
    )
    if user is None or not member:
        raise SignOnError(f"{email} has no Joinedup account in {sso.organisation}. Ask your administrator to add you.")
    if user.is_locked():
        raise SignOnError("Sign-in to this account is paused. Ask your administrator to unlock it.")
    amr = claims.get("amr") or []
    multi_factor = sso.trust_multi_factor and isinstance(amr, list) and "mfa" in amr
    return Finished(user, sso, multi_factor)


def _id_token_claims(sso: SingleSignOn, config: dict[str, Any], token: object, nonce: str) -> dict[str, Any]:
    if not isinstance(token, str):
        raise SignOnError("Your organisation's sign-in service sent no identity token.")
    try:
        header = jwt.get_unverified_header(token)
        keys = jwt.PyJWKSet.from_dict(_get_json(config["jwks_uri"]))
        key = next((jwk for jwk in keys.keys if jwk.key_id == header.get("kid")), None)
        if key is None:
            raise SignOnError("Your organisation's sign-in service signed the token with a key it does not publish.")
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key.key,
            algorithms=ALGORITHMS,
            audience=sso.client_id,
            issuer=config.get("issuer", sso.issuer),
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            leeway=60,
        )
    except jwt.PyJWTError as error:
        raise SignOnError(f"Joinedup could not trust the sign-in ({error}). Start again.") from None
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SignOnError("Joinedup could not trust the sign-in (it was not the one started here). Start again.")
    return claims
