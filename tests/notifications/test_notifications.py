"""Notifications: kept in Joinedup, emailed as each person chooses, never naming a child; the daily reminders;
and the GOV.UK Notify email backend against a local stand-in for its API."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.joint.models import PlanShare
from joinedup.joint.services import comment_add, meeting_action_add, meeting_save, plan_share_create
from joinedup.notifications.models import Kind, Notification
from joinedup.notifications.notify_backend import NotifyEmailBackend, NotifyError
from joinedup.notifications.services import preferences_set
from joinedup.safeguarding.models import Concern
from joinedup.safeguarding.services import concern_raise, decision_record
from tests.joint.conftest import Joint

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"


def share(joint: Joint, days: int = 30) -> PlanShare:
    return plan_share_create(
        actor=joint.link_worker,
        child=joint.child,
        shared_with=joint.practitioner,
        parts=["goals"],
        purpose="Joint working",
        expires_on=dt.date.today() + dt.timedelta(days=days),
    )


def test_a_share_is_notified_and_emailed_without_naming_the_child(
    joint: Joint, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        found = share(joint)
    notification = Notification.objects.get(user=joint.practitioner.user)
    assert notification.kind == Kind.PLAN_SHARED
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [joint.practitioner.user.email]
    assert f"/joint/shared-plans/{found.pk}/" in email.body
    for private in (joint.child.forenames, joint.child.surname, "Joint working"):
        assert private not in email.body
    page = joint.client(joint.practitioner).get("/notifications/").text
    assert "A child’s plan has been shared with you in Joinedup" in page


def test_each_person_chooses_what_is_emailed(joint: Joint, django_capture_on_commit_callbacks: Any) -> None:
    client = joint.client(joint.practitioner)
    assert client.post("/notifications/", {"by_email": ["action_assigned"]}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        share(joint)
    assert mail.outbox == []
    assert Notification.objects.filter(user=joint.practitioner.user).count() == 1
    meeting = meeting_save(
        actor=joint.link_worker,
        child=joint.child,
        held_on=dt.date.today(),
        kind="Team around the family meeting",
        place="",
        attendees=[joint.link_worker, joint.practitioner],
        others_present="",
        decisions="",
        minutes="",
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_action_add(
            actor=joint.link_worker,
            meeting=meeting,
            action="Call housing",
            owner=joint.practitioner,
            owner_name="",
            due_on=dt.date.today(),
        )
    assert [email.subject for email in mail.outbox] == ["An action from a joint meeting is yours"]


def test_comments_tell_the_other_side(joint: Joint, django_capture_on_commit_callbacks: Any) -> None:
    found = share(joint)
    preferences_set(user=joint.practitioner.user, by_email=set())
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(actor=joint.practitioner, share=found, text="We start in January.")
    assert [email.to for email in mail.outbox] == [[joint.link_worker.user.email]]
    comment_add(actor=joint.link_worker, share=found, text="Thanks.")
    assert Notification.objects.filter(user=joint.practitioner.user, kind=Kind.COMMENT).count() == 1


def test_reminders_of_shares_ending_within_a_week_are_sent_once(
    joint: Joint, django_capture_on_commit_callbacks: Any
) -> None:
    share(joint, days=5)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    expiring = Notification.objects.filter(kind=Kind.SHARE_EXPIRING)
    assert sorted(expiring.values_list("user__email", flat=True)) == sorted(
        [joint.practitioner.user.email, joint.link_worker.user.email]
    )
    call_command("send_reminders")
    assert expiring.count() == 2


def test_a_failing_mail_server_loses_nothing(
    joint: Joint, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "joinedup.notifications.notify_backend.NotifyEmailBackend",
            "OPTIONS": {"api_key": "not-a-key", "template_id": "t"},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        found = share(joint)
    notification = Notification.objects.get(user=joint.practitioner.user)
    assert notification.emailed_at is None
    assert "not a GOV.UK Notify API key" in notification.email_error
    assert PlanShare.objects.filter(pk=found.pk).exists()
    assert "Not emailed" in joint.client(joint.practitioner).get("/notifications/").text


class NotifyStandIn:
    """Answers ``POST /v2/notifications/email`` as GOV.UK Notify does, checking the token's signature."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 201

    def __enter__(self) -> NotifyStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                token = self.headers["Authorization"].removeprefix("Bearer ")
                header, payload, signature = token.split(".")
                expected = hmac.new(SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
                signed = base64.urlsafe_b64encode(expected).rstrip(b"=").decode() == signature
                claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
                stand_in.received.append({"path": self.path, "body": body, "signed": signed, "claims": claims})
                status = stand_in.status if signed else 403
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": "n1"} if status == 201 else {"errors": ["BadRequest"]}).encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def notify_api() -> Iterator[NotifyStandIn]:
    with NotifyStandIn() as stand_in:
        yield stand_in


def test_the_notify_backend_sends_each_recipient_a_signed_request(notify_api: NotifyStandIn) -> None:
    backend = NotifyEmailBackend(
        api_key=f"joinedup_live-{SERVICE_ID}-{SECRET}", template_id="tpl-1", base_url=notify_api.base
    )
    message = mail.EmailMessage(subject="Hello", body="A plan was shared.", to=["a@example.org", "b@example.org"])
    assert backend.send_messages([message]) == 1
    assert [request["body"]["email_address"] for request in notify_api.received] == ["a@example.org", "b@example.org"]
    first = notify_api.received[0]
    assert first["path"] == "/v2/notifications/email"
    assert first["signed"]
    assert first["claims"]["iss"] == SERVICE_ID
    assert first["body"] == {
        "email_address": "a@example.org",
        "template_id": "tpl-1",
        "personalisation": {"subject": "Hello", "body": "A plan was shared."},
    }
    notify_api.status = 400
    with pytest.raises(NotifyError, match=r"GOV.UK Notify refused the email \(400\)"):
        backend.send_messages([message])
    quiet = NotifyEmailBackend(
        api_key=f"joinedup_live-{SERVICE_ID}-{SECRET}",
        template_id="tpl-1",
        base_url=notify_api.base,
        fail_silently=True,
    )
    assert quiet.send_messages([message]) == 0
    with pytest.raises(NotifyError, match="must be a web address"):
        NotifyEmailBackend(api_key="k", template_id="t", base_url="file:///etc/passwd")


def test_overdue_safeguarding_steps_are_reminded_to_the_leads_once_a_step(
    joint: Joint, django_capture_on_commit_callbacks: Any
) -> None:
    manager = joint.world.members[Role.TEAM_MANAGER]
    concern = concern_raise(
        actor=joint.link_worker,
        child=joint.child,
        what="Came in hungry three days running",
        happened_on=dt.date.today(),
        place="Classroom",
        category="neglect",
        immediate_risk=False,
    )
    call_command("send_reminders")
    assert not Notification.objects.filter(kind=Kind.SAFEGUARDING_DUE).exists()

    Concern.objects.filter(pk=concern.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    call_command("send_reminders")
    due = Notification.objects.filter(kind=Kind.SAFEGUARDING_DUE)
    assert list(due.values_list("user_id", "subject")) == [(manager.user_id, "Safeguarding: decision overdue")]

    decision_record(actor=manager, concern=concern, level="2", action="monitor", reasons="Breakfast club offered")
    call_command("send_reminders")
    assert due.count() == 1
