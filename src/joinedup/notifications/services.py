"""Sending notifications: kept first, then emailed after the change that caused them is saved."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.notifications.models import ALWAYS_EMAILED, Kind, Notification, Preference

logger = logging.getLogger(__name__)


def emails_wanted(user: User) -> set[str]:
    """The kinds the person is emailed about: all but those they turned off."""
    off = set(Preference.objects.filter(user=user, by_email=False).values_list("kind", flat=True))
    return (set(Kind.values) - off) | ALWAYS_EMAILED


def preferences_set(*, user: User, by_email: set[str]) -> None:
    with transaction.atomic():
        for kind in Kind.values:
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"by_email": kind in by_email})


def notify(*, user: User, kind: Kind, key: str, subject: str, body: str, link: str = "") -> Notification | None:
    """Keep a notification for ``user`` (once per ``key``) and email it, if they want it, once the surrounding
    transaction commits. ``None`` when it was already sent."""
    if not user.is_active:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, key=key[:200], subject=subject[:200], body=body, link=link
            )
    except IntegrityError:
        return None
    if kind in emails_wanted(user):
        transaction.on_commit(lambda: _email(notification.pk))
    return notification


def _footer(notification: Notification) -> str:
    if notification.kind in ALWAYS_EMAILED:
        return "This notification is always emailed: a child may be at risk now.\n"
    return "You can choose which notifications you are emailed about under “Notifications” in Joinedup.\n"


def _email(notification_id: int) -> None:
    """Email one notification; a failure is recorded on it (it stays in Joinedup) and logged, never raised."""
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{notification.link}" if notification.link else ""
    try:
        send_mail(
            subject=notification.subject,
            message=f"Hello {notification.user.full_name},\n\n{notification.body}{link}\n\n{_footer(notification)}",
            from_email=None,
            recipient_list=[notification.user.email],
        )
    except Exception as error:  # any failure of the mail server is recorded, not raised
        logger.warning("Could not email notification %s: %s", notification.pk, error)
        Notification.objects.filter(pk=notification.pk).update(email_error=str(error)[:300])
        return
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
