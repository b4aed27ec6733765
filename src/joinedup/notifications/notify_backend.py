"""An email backend that sends through GOV.UK Notify's API, for deployments that use Notify instead of SMTP.

Set ``EMAIL_BACKEND=joinedup.notifications.notify_backend.NotifyEmailBackend``, ``NOTIFY_API_KEY`` (the key
Notify gives: its name, the service id and the secret, joined by hyphens) and ``NOTIFY_TEMPLATE_ID`` (an email
template whose subject is ``((subject))`` and whose body is ``((body))``). Each recipient of each message is one
request to ``POST /v2/notifications/email``, signed with a JSON Web Token (HS256, the service id as issuer).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

UUID_LENGTH = 36
TIMEOUT_SECONDS = 10


class NotifyError(Exception):
    """Notify refused a message, or could not be reached."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def notify_token(service_id: str, secret: str, issued_at: int | None = None) -> str:
    """The JSON Web Token Notify expects: HS256 over the issuer (the service id) and the time issued."""
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"iss": service_id, "iat": int(time.time()) if issued_at is None else issued_at}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def key_parts(api_key: str) -> tuple[str, str]:
    """The service id and the secret from a Notify API key (``name-serviceid-secret``)."""
    if len(api_key) < 2 * UUID_LENGTH + 2:
        raise NotifyError("NOTIFY_API_KEY is not a GOV.UK Notify API key.")
    return api_key[-2 * UUID_LENGTH - 1 : -UUID_LENGTH - 1], api_key[-UUID_LENGTH:]


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(
        self,
        api_key: str = "",
        template_id: str = "",
        base_url: str = "https://api.notifications.service.gov.uk",
        fail_silently: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.fail_silently = fail_silently
        self.api_key = api_key
        self.template_id = template_id
        if not base_url.startswith(("https://", "http://")):
            raise NotifyError("NOTIFY_BASE_URL must be a web address (https://…).")
        self.base_url = base_url.rstrip("/")

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                for recipient in message.recipients():
                    self._send(recipient, str(message.subject), str(message.body))
            except NotifyError:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    def _send(self, recipient: str, subject: str, body: str) -> None:
        service_id, secret = key_parts(self.api_key)
        if not self.template_id:
            raise NotifyError("NOTIFY_TEMPLATE_ID is not set.")
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            f"{self.base_url}/v2/notifications/email",
            data=json.dumps(
                {
                    "email_address": recipient,
                    "template_id": self.template_id,
                    "personalisation": {"subject": subject, "body": body},
                }
            ).encode(),
            headers={
                "Authorization": f"Bearer {notify_token(service_id, secret)}",
                "Content-Type": "application/json",
                "User-Agent": "joinedup",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (the scheme is checked in __init__)
                response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300]
            raise NotifyError(f"GOV.UK Notify refused the email ({error.code}): {detail}") from error
        except (urllib.error.URLError, TimeoutError) as error:
            raise NotifyError(f"GOV.UK Notify could not be reached: {error}") from error
