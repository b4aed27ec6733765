"""A notification kept for its person, and each person's choice of what reaches them by email.

Emails never name a child: they say what happened and link to the page, behind sign-in and the access rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    PLAN_SHARED = "plan_shared", "A child’s plan is shared with me"
    ACTION_ASSIGNED = "action_assigned", "An action from a joint meeting is assigned to me"
    SHARE_EXPIRING = "share_expiring", "A plan I shared, or that is shared with me, is about to expire"
    SHARE_ENDED = "share_ended", "A plan shared with me is no longer shared"
    COMMENT = "comment", "Someone comments on a plan I share or that is shared with me"
    CONFIRM_DUE = "confirm_due", "Partnership map entries in my borough need confirming (managers)"
    SAFEGUARDING_ALERT = "safeguarding_alert", "A concern with immediate risk is raised in my team (always emailed)"
    CONCERN_RAISED = "concern_raised", "A safeguarding concern in my team awaits a decision (managers)"
    CONCERN_UPDATE = "concern_update", "A concern I raised is decided, referred or has an outcome"
    SAFEGUARDING_DUE = "safeguarding_due", "A safeguarding decision, referral or outcome is overdue (managers)"


#: Kinds always emailed, whatever the person chose: a child may be at risk now.
ALWAYS_EMAILED = frozenset({Kind.SAFEGUARDING_ALERT})


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200, help_text="What it is about: the same thing is never notified twice.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True, help_text="The page, as a path.")
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["user", "-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_person")]

    def __str__(self) -> str:
        return self.subject


class Preference(models.Model):
    """A person's choice not to be emailed about one kind of notification (every kind is emailed otherwise)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by_email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'email' if self.by_email else 'no email'}"
