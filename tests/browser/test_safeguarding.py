"""Safeguarding in the real browser: the Link Worker raises an immediate-risk concern from the caseload and sees the
borough's emergency contacts; the safeguarding lead is alerted, decides, refers to the MASH with the form it asks for,
chases, and records the outcome, which reaches the plan; the manager reads the monthly report. Every page is
scanned with axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from joinedup.accounts.models import Role
from joinedup.cases.plans import plan_start
from joinedup.notifications.models import Kind, Notification
from joinedup.safeguarding.models import AreaSafeguarding, Concern, FrontDoor
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World
from tests.factories import EnrolmentFactory


def test_a_concern_is_raised_decided_referred_and_answered(page: Page, browser_world: World) -> None:
    world = browser_world
    link_worker = world.members[Role.LINK_WORKER]
    manager = world.members[Role.TEAM_MANAGER]
    child = world.children["own"]
    plan_start(actor=link_worker, enrolment=EnrolmentFactory.create(child=child))
    AreaSafeguarding.objects.create(area=world.area, emergency_contacts="MASH: 020 7946 0001")
    FrontDoor.objects.create(
        area=world.area,
        kind="social_care",
        name="Brent MASH",
        channel="secure_email",
        contact="mash@brent.example.gov.uk",
        required_fields=["child_name", "date_of_birth", "concern", "child_words", "reasons", "family_informed"],
    )

    sign_in(page, link_worker.user.email)
    page.goto("/children/caseload/")
    follow(page, page.get_by_role("link", name=f"Raise a concern about {child.display_name}"))
    assert_accessible(page)
    page.get_by_label("What did you see or hear?").fill("A handprint bruise on his upper arm.")
    page.get_by_label("What did the child say? (optional)").fill("Dad grabbed me when I dropped the milk.")
    page.get_by_label("Where?").fill("Classroom, morning register")
    page.get_by_label("Physical abuse").check()
    page.get_by_role("group", name="Is the child at immediate risk of harm?").get_by_label("Yes").check()
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_text("Your team’s safeguarding leads have been alerted now")).to_be_visible()
    expect(page.locator("#emergency-contacts")).to_contain_text("MASH: 020 7946 0001")
    assert_accessible(page)
    concern = Concern.objects.get()
    assert Notification.objects.filter(user=manager.user, kind=Kind.SAFEGUARDING_ALERT).exists()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, manager.user.email)
    page.goto("/safeguarding/")
    assert_accessible(page)
    page.get_by_role("link", name=child.display_name).first.click()
    page.get_by_label("Level 4: Acute or statutory").check()
    page.get_by_label("Refer to children’s social care (MASH)").check()
    page.get_by_label("Reasons").fill("Injury with a disclosure of harm by a parent.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded: Level 4: Acute or statutory.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Prepare the referral to Brent MASH").click()
    expect(page.locator("#referral-form")).to_contain_text("Dad grabbed me when I dropped the milk.")
    assert_accessible(page)
    page.get_by_role("group", name="Was the family told of the referral?").get_by_label("No").check()
    page.get_by_label("If not, why not?").fill("Telling the father could put the child at risk.")
    page.get_by_role("button", name="Record the referral as sent").click()
    expect(page.get_by_role("heading", name="Referral to Brent MASH")).to_be_visible()
    expect(page.get_by_text("No: Telling the father could put the child at risk.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the concern").click()
    page.get_by_text("Record a chaser").click()
    page.get_by_label("How, and with whom (optional)").fill("Phoned the MASH duty desk")
    page.get_by_role("button", name="Record the chaser").click()
    expect(page.get_by_text("Chaser recorded.")).to_be_visible()
    page.locator("summary", has_text="Record the outcome").click()
    page.get_by_label("Child protection").check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("Outcome recorded.")).to_be_visible()
    expect(page.get_by_text("Child protection").first).to_be_visible()
    assert_accessible(page)
    assert concern.escalations.get().outcome == "child_protection"
    assert child.enrolments.get().plan.versions.first().summary.startswith("Next review brought forward to")

    page.goto("/safeguarding/report/")
    expect(page.get_by_role("heading", name="Safeguarding report")).to_be_visible()
    assert_accessible(page)
