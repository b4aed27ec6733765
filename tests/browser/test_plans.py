"""The personalised support plan in the real browser: a Link Worker adds a goal and an action, then prints the plan."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from joinedup.accounts.models import Role
from joinedup.cases.models import Goal, PlanAction
from joinedup.cases.plans import plan_start
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import EnrolmentFactory


def test_a_link_worker_adds_a_goal_and_an_action_then_prints_the_plan(page: Page, browser_world: World) -> None:
    child = browser_world.children["own"]
    assert child.link_worker is not None
    start = date.today() - timedelta(days=60)
    enrolment = EnrolmentFactory.create(
        child=child,
        start_date=start,
        at_risk_domains=["attendance", "peer_relationships"],
    )
    plan_start(actor=browser_world.members[Role.LINK_WORKER], enrolment=enrolment)

    sign_in(page, "link_worker@example.org")
    page.goto(f"/children/{child.pk}/")
    page.get_by_role("link", name="See the plan").click()
    expect(page.get_by_role("heading", name="Personalised support plan", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add a goal for attendance").click()
    expect(page.get_by_role("heading", name="Add a goal", level=1)).to_be_visible()
    expect(page.get_by_label("Area of the child's life")).to_have_value("attendance")
    assert_accessible(page)
    page.get_by_label("What the child and family want to change").fill("Get to school on time every day")
    page.get_by_label("What success looks like").fill("On time four days out of five for a month")
    page.get_by_role("button", name="Add the goal").click()

    expect(page.get_by_text("Added the goal: Get to school on time every day")).to_be_visible()
    expect(page.get_by_role("heading", name="Get to school on time every day", level=4)).to_be_visible()
    expect(page.get_by_role("button", name="Add a goal for attendance")).to_have_count(0)
    expect(page.get_by_role("button", name="Add a goal for relationships")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add an action for the goal: Get to school on time every day").click()
    expect(page.get_by_role("heading", name="Add an action", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What will be done").fill("Make a morning routine chart together")
    page.get_by_role("group", name="Who will do it").get_by_label("Family").check()
    page.get_by_label("Their name (optional)").fill("Mum")
    due = date.today() + timedelta(days=14)
    page.get_by_label("By when (optional)").fill(due.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Add the action").click()

    expect(page.get_by_text("Added the action: Make a morning routine chart together")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Make a morning routine chart together")
    expect(row).to_contain_text("Family")
    expect(row).to_contain_text(f"{due.day} {due:%b %Y}")
    expect(row).to_contain_text("Not yet")
    assert_accessible(page)
    action = PlanAction.objects.get()
    assert (action.goal, action.owner, action.owner_name, action.due_on) == (Goal.objects.get(), "family", "Mum", due)

    page.get_by_role("link", name="Print the plan for the family").click()
    expect(page.get_by_role("heading", name=f"{child.display_name}’s plan", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="What we want to change")).to_be_visible()
    expect(page.get_by_role("heading", name="Who will do what, and by when")).to_be_visible()
    expect(page.get_by_text("Mum (Family):")).to_be_visible()
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    assert_accessible(page)
    # On paper: no header, navigation, footer or buttons.
    page.emulate_media(media="print")
    expect(page.locator(".govuk-template__header")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this page")).to_be_hidden()
    expect(page.get_by_role("heading", name="What we want to change")).to_be_visible()
