"""Single sign-on with an organisation's OpenID Connect service.

The service here is a small real one, serving its configuration, its signing keys, an authorisation
endpoint and a token endpoint over HTTP on 127.0.0.1; Joinedup talks to it exactly as it would to
Microsoft Entra ID. Each test can make it misbehave the way a broken or hostile service might.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from joinedup.accounts import sso as sso_module
from joinedup.accounts.models import Role, SingleSignOn
from joinedup.accounts.sso import SignOnError, sso_check
from joinedup.audit.models import AuditAction, AuditEvent
from tests.conftest import World

CLIENT_ID = "joinedup-test-client"
CLIENT_SECRET = "test-secret-" + "s" * 20


@dataclass
class Provider:
    """An OpenID Connect service: codes it issued, and what to put in (or get wrong in) the next ID token."""

    base: str = ""
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    sign_with_other_key: bool = False

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.base,
            "aud": CLIENT_ID,
            "sub": "subject-1",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": "link_worker@example.org",
            "amr": ["pwd", "mfa"],
            **self.claims,
        }
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if self.sign_with_other_key else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return None

        def _json(self, body: dict[str, Any], status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if url.path.endswith("/.well-known/openid-configuration"):
                self._json(
                    {
                        "issuer": provider.base,
                        "authorization_endpoint": f"{provider.base}/authorize",
                        "token_endpoint": f"{provider.base}/token",
                        "jwks_uri": f"{provider.base}/jwks",
                    }
                )
            elif url.path == "/jwks":
                self._json(provider.jwks())
            elif url.path == "/authorize":
                # The person signs in at their organisation; the service sends them back with a code.
                code = secrets.token_urlsafe(16)
                provider.codes[code] = query
                back = f"{query['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': query['state']})}"
                self.send_response(302)
                self.send_header("Location", back)
                self.end_headers()
            else:
                self._json({"error": "not_found"}, 404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            asked = provider.codes.pop(form.get("code", ""), None)
            challenge = base64.urlsafe_b64encode(
                hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            ).rstrip(b"=")
            if (
                asked is None
                or form.get("client_secret") != CLIENT_SECRET
                or form.get("redirect_uri") != asked["redirect_uri"]
                or challenge.decode() != asked["code_challenge"]
            ):
                self._json({"error": "invalid_grant"}, 400)
                return
            self._json({"access_token": "a", "token_type": "Bearer", "id_token": provider.id_token(asked["nonce"])})

    return Handler


@pytest.fixture
def provider() -> Iterator[Provider]:
    service = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    service.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sso_module._DISCOVERY_CACHE.clear()
    yield service
    server.shutdown()


@pytest.fixture
def set_up(world: World, provider: Provider) -> SingleSignOn:
    return SingleSignOn.objects.create(
        organisation=world.programme,
        issuer=provider.base,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        email_domains="example.org",
        trust_multi_factor=True,
        enabled=True,
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The browser's part: stop at the service's redirect back to Joinedup, which the test client follows."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def come_back(client: Client, email: str = "link_worker@example.org", *, state: str | None = None) -> Any:
    """Start at Joinedup, sign in at the organisation's service, come back to Joinedup with its code."""
    started = client.post("/accounts/single-sign-on/", {"email": email})
    assert started.status_code == 302, started.text
    location = started["Location"]
    sent = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert sent["code_challenge_method"] == "S256"
    assert sent["login_hint"] == email
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(location, timeout=5)
    except urllib.error.HTTPError as redirect:
        back = redirect.headers["Location"]
    else:
        raise AssertionError("the service did not send the person back")
    path = urllib.parse.urlsplit(back)
    query = dict(urllib.parse.parse_qsl(path.query))
    if state is not None:
        query["state"] = state
    return client.get(path.path, query)


def test_a_member_signs_in_with_their_organisation_and_its_multi_factor_counts(
    world: World, set_up: SingleSignOn
) -> None:
    client = Client()
    back = come_back(client)
    assert back.status_code == 302
    assert back["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Link Worker, Link Programme" in home.text
    # A child's record opens: the organisation's multi-factor sign-in stands for Joinedup's second factor.
    assert client.get(f"/children/{world.children['own'].pk}/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor_email="link_worker@example.org").exists()


def test_without_multi_factor_the_authenticator_is_still_asked_for(
    world: World, set_up: SingleSignOn, provider: Provider
) -> None:
    provider.claims = {"amr": ["pwd"]}
    client = Client()
    assert come_back(client)["Location"] == "/accounts/two-factor/set-up/"
    assert client.get("/children/")["Location"] == "/accounts/two-factor/set-up/"


def test_an_organisation_not_trusted_for_multi_factor_still_asks_for_the_authenticator(
    world: World, set_up: SingleSignOn
) -> None:
    SingleSignOn.objects.filter(pk=set_up.pk).update(trust_multi_factor=False)
    client = Client()
    assert come_back(client)["Location"] == "/accounts/two-factor/set-up/"


@pytest.mark.parametrize(
    ("claims", "other_key", "message"),
    [
        ({"aud": "someone-else"}, False, "could not trust the sign-in"),
        ({"iss": "https://evil.example"}, False, "could not trust the sign-in"),
        ({"exp": int(time.time()) - 3600}, False, "could not trust the sign-in"),
        ({}, True, "could not trust the sign-in"),
        ({"nonce": "replayed"}, False, "not the one started here"),
        ({"email": "stranger@elsewhere.example"}, False, "outside Link Programme"),
        ({"email": "nobody@example.org"}, False, "has no Joinedup account in Link Programme"),
        ({"email": "school_staff@example.org"}, False, "has no Joinedup account in Link Programme"),
    ],
    ids=["audience", "issuer", "expired", "signature", "nonce", "domain", "no-account", "other-organisation"],
)
def test_a_token_that_cannot_be_trusted_signs_no_one_in(
    world: World, set_up: SingleSignOn, provider: Provider, claims: dict[str, Any], other_key: bool, message: str
) -> None:
    provider.claims = claims
    provider.sign_with_other_key = other_key
    client = Client()
    back = come_back(client)
    assert back.status_code == 400
    assert message in back.text
    assert client.get("/")["Location"].startswith("/accounts/sign-in/")
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, record_type="single_sign_on").exists()


def test_a_return_this_session_did_not_start_is_refused(world: World, set_up: SingleSignOn) -> None:
    client = Client()
    back = come_back(client, state="forged")
    assert back.status_code == 400
    assert "was not started here" in back.text
    assert Client().get("/accounts/single-sign-on/return/", {"code": "x", "state": "y"}).status_code == 400


def test_an_email_outside_every_organisation_with_single_sign_on_is_told_to_use_a_password(
    world: World, set_up: SingleSignOn
) -> None:
    page = Client().post("/accounts/single-sign-on/", {"email": "someone@another.example"})
    assert page.status_code == 200
    assert "does not use single sign-on with Joinedup" in page.text


def test_an_administrator_sets_it_up_and_the_secret_is_never_shown_or_audited(world: World, provider: Provider) -> None:
    client = world.client_for(Role.ADMINISTRATOR)
    url = f"/manage/organisations/{world.programme.pk}/single-sign-on/"
    refused = client.post(url, {"issuer": provider.base, "client_id": CLIENT_ID, "email_domains": "not a domain"})
    assert "Enter the email domains like brent.gov.uk" in refused.text
    assert "Enter the client secret" in refused.text
    saved = client.post(
        url,
        {
            "issuer": provider.base,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "email_domains": "@Example.org, brent.gov.uk",
            "trust_multi_factor": "on",
            "enabled": "on",
        },
    )
    assert saved["Location"] == url  # back to the page, to check the connection
    sso = SingleSignOn.objects.get(organisation=world.programme)
    assert (sso.domains, sso.client_secret) == (["example.org", "brent.gov.uk"], CLIENT_SECRET)
    page = client.get(url).text
    assert CLIENT_SECRET not in page
    # Saving again without the secret keeps it.
    client.post(url, {"issuer": provider.base, "client_id": CLIENT_ID, "email_domains": "example.org", "enabled": "on"})
    sso.refresh_from_db()
    assert sso.client_secret == CLIENT_SECRET
    assert not sso.trust_multi_factor
    assert CLIENT_SECRET not in json.dumps([event.detail for event in AuditEvent.objects.all()])
    # Another borough's administrator cannot reach it.
    far = world.children["other_area"].school
    assert client.get(f"/manage/organisations/{far.pk}/single-sign-on/").status_code == 404


def test_the_settings_page_shows_both_choices_as_checkboxes_and_multi_factor_starts_untrusted(world: World) -> None:
    page = world.client_for(Role.ADMINISTRATOR).get(f"/manage/organisations/{world.programme.pk}/single-sign-on/")
    html = page.text
    for name in ("trust_multi_factor", "enabled"):
        item = html[html.index(f'name="{name}"') - 300 : html.index(f'name="{name}"') + 400]
        assert 'class="govuk-checkboxes__item"' in item
        assert "govuk-checkboxes__label" in item
    trust = html[html.index('name="trust_multi_factor"') - 200 : html.index('name="trust_multi_factor"') + 100]
    assert "checked" not in trust
    assert "asks every member for a second factor" in html
    assert "Check the connection" not in html  # nothing saved to check yet
    assert "The secret the sign-in service gave when Joinedup was registered" in html
    assert "Leave blank to keep" not in html
    blank = world.client_for(Role.ADMINISTRATOR).post(f"/manage/organisations/{world.programme.pk}/single-sign-on/", {})
    for asked in ("Enter the issuer address", "Enter the application (client) id", "Enter the email domains"):
        assert asked in blank.text
    assert "This field is required" not in blank.text


@pytest.mark.parametrize(
    ("issuer", "domains", "message"),
    [
        ("login.microsoftonline.com/tenant/v2.0", "brent.gov.uk", "The issuer address must start with https://"),
        ("https://10.1.2.3/tenant", "brent.gov.uk", "The issuer address is a private or local one"),
        ("https://localhost/tenant", "brent.gov.uk", "The issuer address is a private or local one"),
        ("https://login.example.org/t/v2.0", "brent.gov.uk, Gmail.com", "gmail.com is an email service open to anyone"),
    ],
)
def test_settings_that_could_never_work_safely_are_refused_and_nothing_is_saved(
    world: World, settings: Any, issuer: str, domains: str, message: str
) -> None:
    settings.JOINEDUP_SSO_ALLOW_HTTP = False
    client = world.client_for(Role.ADMINISTRATOR)
    refused = client.post(
        f"/manage/organisations/{world.programme.pk}/single-sign-on/",
        {"issuer": issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "email_domains": domains},
    )
    assert refused.status_code == 200
    assert message in refused.text
    assert not SingleSignOn.objects.exists()


def test_the_administrator_checks_the_connection_and_is_told_what_was_found(
    world: World, provider: Provider, set_up: SingleSignOn
) -> None:
    client = world.client_for(Role.ADMINISTRATOR)
    url = f"/manage/organisations/{world.programme.pk}/single-sign-on/"
    assert "Check the connection" in client.get(url).text
    checked = client.post(f"{url}check/", follow=True)
    assert f"Joinedup reached the sign-in service at {provider.base}" in checked.text

    SingleSignOn.objects.filter(pk=set_up.pk).update(issuer=f"{provider.base}/v2.0")
    wrong = client.post(f"{url}check/", follow=True).text
    assert f"it names its issuer {provider.base}, not {provider.base}/v2.0" in wrong

    SingleSignOn.objects.filter(pk=set_up.pk).update(issuer="http://127.0.0.1:9/")
    unreachable = client.post(f"{url}check/", follow=True).text
    assert "The check failed. Your organisation&#x27;s sign-in service could not be reached" in unreachable


def test_a_sign_in_service_at_a_private_address_is_never_reached(
    world: World, provider: Provider, set_up: SingleSignOn, settings: Any
) -> None:
    settings.JOINEDUP_SSO_ALLOW_HTTP = False
    SingleSignOn.objects.filter(pk=set_up.pk).update(issuer=provider.base.replace("http://", "https://"))
    set_up.refresh_from_db()
    with pytest.raises(SignOnError, match=r"at a private or local address \(127\.0\.0\.1\)"):
        sso_check(set_up)
    SingleSignOn.objects.filter(pk=set_up.pk).update(issuer="https://no-such-host.invalid/tenant/v2.0")
    set_up.refresh_from_db()
    with pytest.raises(SignOnError, match=r"could not be found \(no-such-host\.invalid\): check its issuer"):
        sso_check(set_up)


def test_checking_before_anything_is_saved_says_to_save_first(world: World) -> None:
    url = f"/manage/organisations/{world.programme.pk}/single-sign-on/"
    page = world.client_for(Role.ADMINISTRATOR).post(f"{url}check/", follow=True).text
    assert "Save the single sign-on settings first" in page
