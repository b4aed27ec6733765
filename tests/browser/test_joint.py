"""Joint working in the real browser: the Link Worker records the family's story and shares the plan; the Early
Help practitioner reads it, adds their plan and agrees a resolution; they meet; the action reaches the owner's task
list; the manager reads the report and keeps the partnership map. Every page is scanned with axe."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from joinedup.accounts.models import Role
from joinedup.cases.plans import goal_add, plan_start
from joinedup.joint.models import JointAction, PlanShare
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World
from tests.factories import EnrolmentFactory
from tests.sharing.conftest import agreement_make


def test_a_plan_is_shared_compared_and_worked_on_together(page: Page, browser_world: World) -> None:
    world = browser_world
    link_worker = world.members[Role.LINK_WORKER]
    practitioner = world.members[Role.PARTNER_PROFESSIONAL]
    agreement_make(world, practitioner.organisation)
    child = world.children["own"]
    enrolment = EnrolmentFactory.create(child=child, at_risk_domains=["attendance", "emotional_wellbeing"])
    plan = plan_start(actor=link_worker, enrolment=enrolment)
    goal_add(
        actor=link_worker,
        plan=plan,
        seen_version=plan.version,
        domain="attendance",
        goal="Get to school on time",
        success="95% attendance",
    )

    sign_in(page, link_worker.user.email)
    page.goto(f"/children/{child.pk}/")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Write down the family’s story"))
    assert_accessible(page)
    page.get_by_label("The family’s story").fill("We moved last year and mornings are hard.")
    page.get_by_label("Who told it").fill("Mum")
    page.get_by_label("The family agreed that professionals the plan is shared with may read their story").check()
    page.get_by_label("Who agreed (if they did)").fill("Mum")
    page.get_by_role("button", name="Save the story").click()
    expect(page.get_by_text("The family’s story is saved.")).to_be_visible()
    follow(page, page.get_by_role("link", name="Share the plan with a partner practitioner"))
    assert_accessible(page)
    page.get_by_label("Who to share with").select_option(str(practitioner.pk))
    page.get_by_label("Goals, with what success looks like").check()
    page.get_by_label("The family’s story, in their own words").check()
    page.get_by_label("What the share is for").fill("To check our plans do not overlap")
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("heading", name="Plan shared with Partner professional")).to_be_visible()
    assert_accessible(page)
    share = PlanShare.objects.get()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, practitioner.user.email)
    page.goto("/sharing/shared-with-you/")
    assert_accessible(page)
    page.get_by_role("link", name=f"{child.forenames} {child.surname}").click()
    expect(page.get_by_text("We moved last year and mornings are hard.")).to_be_visible()
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Add your organisation’s plan"))
    assert_accessible(page)
    goal = page.locator("#add-goal + form")
    goal.get_by_label("Area of need").select_option("attendance")
    goal.get_by_label("Goal").fill("Calmer mornings at home")
    goal.get_by_label("Who leads on it").fill("Kim Help")
    goal.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_text("Added to Brent Early Help’s plan.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the shared plan").click()
    expect(page.get_by_text("Two goals in one area, with different owners", exact=True)).to_be_visible()
    page.get_by_text("Record what was agreed").first.click()
    page.get_by_label("What was agreed").first.fill("Early Help leads on mornings.")
    page.get_by_role("button", name="Record what was agreed: two goals in one area, with different owners").click()
    expect(page.get_by_text("Recorded what was agreed.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, link_worker.user.email)
    page.goto(f"/joint/shares/{share.pk}/")
    expect(page.get_by_text("Early Help leads on mornings.")).to_be_visible()
    page.goto(f"/joint/children/{child.pk}/appointments/")
    assert_accessible(page)
    page.get_by_label("What it is").fill("Home visit")
    page.get_by_label("Date").fill((dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y"))
    page.get_by_label("Time").fill("25:00")
    page.get_by_role("button", name="Add the appointment").click()
    expect(page.get_by_text("Enter a real time, like 14:30.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Time").fill("10:00")
    page.get_by_role("button", name="Add the appointment").click()
    expect(page.get_by_text("Appointment added.")).to_be_visible()
    page.goto(f"/children/{child.pk}/")
    follow(page, page.get_by_role("link", name="Record a joint meeting"))
    assert_accessible(page)
    page.get_by_label("Partner professional (Partner professional, Brent Early Help;", exact=False).check()
    page.get_by_label("Decisions (optional until after the meeting)").fill("Early Help leads at home.")
    page.get_by_label("Minutes (optional)").fill("Mum said mornings are better.")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("Meeting recorded.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Action", exact=True).fill("Call the housing officer")
    page.get_by_label("Who does it").select_option(str(practitioner.pk))
    page.get_by_label("Due by").fill((dt.date.today() + dt.timedelta(days=7)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action added: it is on its owner’s task list.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, practitioner.user.email)
    page.goto("/joint/tasks/")
    assert_accessible(page)
    page.get_by_role("button", name="Call the housing officer").click()
    expect(page.get_by_text("Done: Call the housing officer")).to_be_visible()
    assert JointAction.objects.get().done_on == dt.date.today()
    page.goto("/notifications/")
    expect(page.get_by_text("An action from a joint meeting is yours", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, world.members[Role.TEAM_MANAGER].user.email)
    page.goto("/joint/report/")
    assert_accessible(page)
    page.goto("/partnership/")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Add a board or forum"))
    assert_accessible(page)
    page.get_by_label("Name").fill("Early Help partnership board")
    page.get_by_label("Kind").select_option("board")
    page.get_by_label("Purpose").fill("Oversees early help")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved and confirmed: Early Help partnership board.")).to_be_visible()
    assert_accessible(page)
