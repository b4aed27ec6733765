"""Directory journeys in the real browser: search, a service page, the families' page, management."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from joinedup.accounts.models import Role
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.browser.test_journeys import TITLE_SUFFIX, assert_same_page, mark_page
from tests.conftest import World
from tests.directory.conftest import directory_build


def test_link_worker_finds_a_service_that_fits_and_sees_why(page: Page, browser_world: World) -> None:
    directory_build(browser_world)
    sign_in(page, browser_world.members[Role.LINK_WORKER].user.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Directory").click()
    expect(page).to_have_title("Find a service" + TITLE_SUFFIX)
    assert_accessible(page)

    mark_page(page)
    page.get_by_label("Family's postcode").fill("nw6")
    page.get_by_label("Child's age").fill("12")
    page.get_by_label("Emotional wellbeing").check()
    page.get_by_role("button", name="Search").click()
    results = page.locator("#results")
    expect(results.get_by_role("heading", name="2 services within 3 miles of NW6")).to_be_visible()
    assert_same_page(page)
    # Both help with emotional wellbeing; the stronger evidence ranks first, and says so.
    first = results.locator(".app-result").first
    expect(first).to_contain_text("Community Counselling")
    expect(first).to_contain_text("Why it is here: Helps with emotional wellbeing; Evidence level 3")
    assert_accessible(page)

    page.get_by_label("Family's postcode").fill("ZZ99 9ZZ")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("We could not find")

    page.goto("/directory/?postcode=NW6&age=12")
    page.get_by_role("link", name="Community Counselling").click()
    expect(page.get_by_role("heading", name="Community Counselling", level=1)).to_be_visible()
    expect(page.get_by_text("Level 3: a rigorous study shows a short-term effect")).to_be_visible()
    assert_accessible(page)


def test_a_family_finds_support_without_signing_in(page: Page, browser_world: World) -> None:
    directory_build(browser_world)
    page.goto("/find-support/")
    expect(page).to_have_title("Find support for your family" + TITLE_SUFFIX)
    assert_accessible(page)
    page.get_by_label("Words to search for").fill("tutoring")
    page.get_by_role("button", name="Search").click()
    # htmx pushes the results' address once they settle; a click before that push is cancelled by it.
    expect(page).to_have_url(re.compile(r"q=tutoring"))
    page.get_by_role("link", name="Maths Tutoring Club").click()
    expect(page.get_by_role("heading", name="Maths Tutoring Club", level=1)).to_be_visible()
    expect(page.get_by_text("Delivery partner")).to_have_count(0)
    assert_accessible(page)


def test_data_lead_rates_a_service_and_checks_the_gap_report(page: Page, browser_world: World) -> None:
    services = directory_build(browser_world)
    sign_in(page, browser_world.members[Role.DATA_LEAD].user.email)
    page.goto("/directory/manage/")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Edit local details of Maths Tutoring Club"))
    assert_accessible(page)
    page.get_by_label("Evidence rating").select_option("3")
    page.get_by_role("button", name="Save local details").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter where the rating comes from")
    assert_accessible(page)
    page.get_by_label("Where the rating comes from").fill("https://guidebook.eif.org.uk/programme/maths-club")
    page.get_by_role("button", name="Save local details").click()
    expect(page.get_by_text(f"Saved the local details of {services['tutoring'].name}.")).to_be_visible()
    assert_accessible(page)

    page.goto("/directory/imports/")
    assert_accessible(page)
    page.goto("/directory/gaps/?band=12-14")
    expect(page.get_by_role("heading", name="Provision gap report")).to_be_visible()
    assert_accessible(page)
