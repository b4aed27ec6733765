"""The demo's joint working: plans shared with Early Help both ways, duplication found and partly resolved,
joint meetings with actions on the owners' task lists, and each borough's partnership map."""

from __future__ import annotations

from datetime import date

from django.test import Client

from joinedup.accounts.models import User
from joinedup.demo.cases import demo_cases_load
from joinedup.demo.generator import DEMO_EMAIL_DOMAIN, demo_data_build, demo_data_load
from joinedup.demo.joint import demo_joint_load, demo_joint_loaded
from joinedup.demo.plans import demo_plans_load
from joinedup.demo.sharing import demo_sharing_load
from joinedup.joint.models import FindingResolution, JointAction, JointMeeting, PartnerPlan, PlanShare
from joinedup.notifications.models import Notification, Preference
from joinedup.partnership.models import Forum
from tests.factories import verified_login

AS_OF = date(2026, 11, 26)


def test_the_demo_shares_plans_both_ways_and_meets(db: None) -> None:
    data = demo_data_build(seed=2026, children=600)
    demo_data_load(data)
    demo_cases_load(data, as_of=AS_OF)
    demo_plans_load(seed=2026, as_of=AS_OF)
    demo_sharing_load(seed=2026, as_of=AS_OF)
    assert not demo_joint_loaded()

    summary = demo_joint_load(seed=2026, as_of=AS_OF)

    assert demo_joint_loaded()
    assert summary.shares == PlanShare.objects.count() > 10
    assert summary.partner_plans == PartnerPlan.objects.count() == summary.shares
    assert 0 < summary.resolved == FindingResolution.objects.count() < summary.findings
    assert summary.meetings == JointMeeting.objects.count() > 0
    assert JointAction.objects.filter(done_on__isnull=False).exists()
    assert Forum.objects.values("area").distinct().count() == 4
    # Notifications are kept, but no email was sent, and everyone's email choices are as they were.
    assert Notification.objects.filter(emailed_at__isnull=True).count() == Notification.objects.count() > 0
    assert not Preference.objects.exists()
    # The headline professional sees plans shared with them, and the headline Link Worker's are among them.
    professional = User.objects.get(email=f"professional@{DEMO_EMAIL_DOMAIN}")
    client = Client()
    verified_login(client, professional)
    page = client.get("/sharing/shared-with-you/").text
    assert "Plans shared with you" in page
    assert PlanShare.objects.filter(
        shared_with__user=professional, created_by__email=f"linkworker@{DEMO_EMAIL_DOMAIN}"
    ).exists()
    assert "Chase the housing repair" in client.get("/joint/tasks/").text
