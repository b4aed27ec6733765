"""The closed-loop referral in the real browser: the Link Worker refers from the directory and sends; the delivery
partner accepts and records the first session, in place."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from joinedup.accounts.models import Role
from joinedup.cases.models import FamilyMember, Referral
from joinedup.directory.models import ServiceProfile
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_journeys import TITLE_SUFFIX, assert_same_page, mark_page
from tests.conftest import World
from tests.directory.conftest import directory_build
from tests.factories import EnrolmentFactory


def test_a_referral_from_the_directory_is_sent_accepted_and_started(page: Page, browser_world: World) -> None:
    services = directory_build(browser_world)
    partner = browser_world.members[Role.DELIVERY_PRACTITIONER].organisation
    ServiceProfile.objects.filter(service=services["mentoring"]).update(delivery_partner=partner)
    child = browser_world.children["own"]
    FamilyMember.objects.create(
        family=child.family,
        full_name="Grace Okafor",
        relationship="mother",
        phone="07700 900123",
        parental_responsibility=True,
    )
    EnrolmentFactory.create(
        child=child,
        link_worker=browser_world.members[Role.LINK_WORKER].user,
        start_date=date.today() - timedelta(days=30),
        planned_end_date=date.today() + timedelta(days=700),
        at_risk_domains=["peer_relationships"],
    )

    sign_in(page, browser_world.members[Role.LINK_WORKER].user.email)
    page.goto(f"/children/{child.pk}/")
    page.get_by_role("link", name="Find a service and refer Amara Okafor").click()
    expect(page).to_have_title("Find a service" + TITLE_SUFFIX)
    expect(page.get_by_label("Relationships")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("link", name="Refer Amara Okafor to Step Up Mentoring").click()
    expect(page.get_by_role("heading", name="Refer Amara Okafor to Step Up Mentoring")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Reason for the referral").fill("Amara would like help making friends.")
    page.get_by_label("How to contact the family").check()
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_role("alert")).to_contain_text("There is no consent to a referral to this service on record")
    assert_accessible(page)
    page.get_by_label("The family agreed to this referral: record their consent").check()
    page.get_by_label("Parent or carer", exact=True).check()
    page.get_by_label("Their name (optional)").fill("Grace Okafor")
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("Sent the referral to Counselling Partner.")).to_be_visible()
    expect(page.get_by_role("heading", name="Referral to Step Up Mentoring")).to_be_visible()
    assert_accessible(page)
    referral = Referral.objects.get()
    assert referral.status == "sent"

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, browser_world.members[Role.DELIVERY_PRACTITIONER].user.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    expect(page).to_have_title("Referrals" + TITLE_SUFFIX)
    assert_accessible(page)
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page.get_by_text("07700 900123")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The referral is now accepted.")).to_be_visible()
    assert_accessible(page)

    mark_page(page)
    page.get_by_label("Length in minutes (optional)").fill("45")
    page.get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Record the session").click()
    expect(page.locator("#attendance-summary")).to_have_text("Attended 1 of 1 session.")
    expect(page.get_by_role("status")).to_contain_text("Recorded the session on")
    expect(page.locator("#referral-status")).to_contain_text("Started")
    # Ready for the next session: the date field has the focus.
    expect(page.get_by_label("Date of the session")).to_be_focused()
    assert_same_page(page)
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == "started"
