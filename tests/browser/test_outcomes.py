"""Outcomes in the real browser: the Link Worker records a child's baseline and a review and sees the child is no
longer at risk; the data lead changes a measure; the commissioner reads the impact report and a claim, which names
no child. Every page is scanned with axe."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import Page, expect

from joinedup.accounts.models import Role
from joinedup.cases.models import Consent
from joinedup.outcomes.models import Contract, ContractRate
from joinedup.outcomes.services import measures_ensure
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import EnrolmentFactory


def test_a_child_is_measured_and_the_figures_reach_the_commissioner(page: Page, browser_world: World) -> None:
    world = browser_world
    child = world.children["own"]
    today = timezone.localdate()
    start = today - dt.timedelta(days=200)
    EnrolmentFactory.create(child=child, start_date=start)
    Consent.objects.create(child=child, purpose=Consent.Purpose.ENROLMENT, given_by="parent", given_on=start)
    measures = {measure.key: measure for measure in measures_ensure(world.area)}
    contract = Contract.objects.create(
        area=world.area,
        name="Brent outcomes contract",
        funder="Brent Council",
        starts_on=start - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=700),
        changed_by=world.members[Role.DATA_LEAD].user,
    )
    ContractRate.objects.create(
        contract=contract, event="outcome", measure=measures["attendance"], price=Decimal("1200"), evidence="Data"
    )

    sign_in(page, world.members[Role.LINK_WORKER].user.email)
    page.goto(f"/children/{child.pk}/")
    page.get_by_role("link", name=re.compile("^Record a measurement")).click()
    expect(page.get_by_role("heading", name="Progress", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Measure").select_option(label="Attendance (per cent)")
    page.get_by_label("Value").fill("eighty")
    page.get_by_label("Date taken").fill(f"{start:%d/%m/%Y}")
    page.get_by_label("Baseline").check()
    page.get_by_role("button", name="Record the measurement").click()
    expect(page.get_by_role("alert")).to_contain_text("Attendance: enter a number, not “eighty”.")
    assert_accessible(page)
    page.get_by_label("Value").fill("84.5")
    page.get_by_role("button", name="Record the measurement").click()
    expect(page.get_by_text("Recorded Attendance: 84.5%.")).to_be_visible()
    review = today - dt.timedelta(days=10)
    page.get_by_label("Measure").select_option(label="Attendance (per cent)")
    page.get_by_label("Value").fill("93")
    page.get_by_label("Date taken").fill(f"{review:%d/%m/%Y}")
    page.get_by_label("Review").check()
    page.get_by_role("button", name="Record the measurement").click()
    expect(page.get_by_role("row", name=re.compile("^Attendance")).first).to_contain_text("No longer at risk")
    expect(page.get_by_role("img", name=re.compile("^Attendance: 84.5%"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.members[Role.DATA_LEAD].user.email)
    page.goto("/outcomes/measures/")
    expect(page.get_by_role("heading", name="Measures", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change SDQ emotional symptoms").click()
    expect(page.get_by_role("heading", name="SDQ emotional symptoms", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reliable change (optional)").fill("3")
    page.get_by_role("button", name="Save the measure").click()
    expect(page.get_by_text("Saved SDQ emotional symptoms.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.members[Role.COMMISSIONER].user.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Outcomes", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Impact report").click()
    expect(page.get_by_role("heading", name="Impact report", level=1)).to_be_visible()
    expect(page.get_by_text("children enrolled")).to_be_visible()
    assert_accessible(page)
    page.goto("/outcomes/")
    page.get_by_role("link", name="Brent outcomes contract").click()
    expect(page.get_by_role("heading", name="Brent outcomes contract", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^(Autumn|Spring|Summer) \d{4}$")).last.click()
    expect(page.get_by_role("heading", name=re.compile("^Claim for"))).to_be_visible()
    expect(page.get_by_text(child.surname)).to_have_count(0)
    expect(page.get_by_text(child.forenames)).to_have_count(0)
    assert_accessible(page)
