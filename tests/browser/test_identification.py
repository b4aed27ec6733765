"""Identification journeys in the real browser: the data lead imports and runs; the school decides and agrees."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from joinedup.accounts.models import Role
from joinedup.identification.services import identification_run
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.browser.test_journeys import TITLE_SUFFIX, assert_same_page, mark_page, run_background_worker
from tests.conftest import World
from tests.identification.conftest import SCHOOL_HEADER, import_school_data, school_rows

JOB_PAGE = re.compile(r"/jobs/\d+/$")


def test_data_lead_imports_school_data_fixes_nothing_twice_and_runs(
    page: Page, browser_world: World, tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    urn = browser_world.school.urn or ""
    bad = tmp_path / "Year 5.csv"
    bad.write_text("\n".join([SCHOOL_HEADER, *school_rows(urn), f"A006,Finn,Ode,2015-13-01,M,5,{urn},90,,,N,,"]) + "\n")
    sign_in(page, browser_world.members[Role.DATA_LEAD].user.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Identification").click()
    expect(page).to_have_title("Identification" + TITLE_SUFFIX)
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Imports"))
    assert_accessible(page)
    page.get_by_label("File", exact=True).set_input_files(bad)
    page.get_by_role("button", name="Start the import").click()
    expect(page).to_have_url(JOB_PAGE)
    run_background_worker()
    page.reload()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    page.get_by_role("link", name="See the details and every problem").click()
    row = page.get_by_role("row", name="7 date_of_birth")
    expect(row).to_contain_text("‘2015-13-01’")
    assert_accessible(page)
    page.get_by_role("button", name="Import the 5 valid rows").click()
    expect(page).to_have_url(JOB_PAGE)
    run_background_worker()
    page.reload()
    expect(page.get_by_text("Imported 5 pupils: 5 new, 0 updated. Left out 1 row with problems.")).to_be_visible()

    page.goto("/identification/runs/")
    assert_accessible(page)
    page.get_by_role("button", name="Start a run").click()
    expect(page).to_have_url(JOB_PAGE)
    run_background_worker()
    page.reload()
    expect(page.get_by_text("Screened 5 pupils: 2 proposed, 1 on the social care list.")).to_be_visible()
    page.get_by_role("link", name="See the school lists").click()
    page.get_by_role("link", name="Fairness report and the criteria used").click()
    expect(page.get_by_role("heading", name="Fairness report")).to_be_visible()
    assert_accessible(page)

    page.goto("/identification/rules/edit/")
    assert_accessible(page)
    page.get_by_label("At risk when attendance is below this percentage").fill("85")
    page.get_by_role("button", name="Publish the new version").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what changed and why")
    page.get_by_label("At risk when attendance is below this percentage").fill("85")
    page.get_by_label("What changed and why").first.fill("Local persistent absence line")
    page.get_by_role("button", name="Publish the new version").click()
    expect(page.get_by_text("Published version 2 of the rules.")).to_be_visible()
    expect(page.get_by_role("row", name="attendance.below 90.0 85.0")).to_be_visible()
    assert_accessible(page)


def test_school_confirms_declines_and_agrees_its_list(page: Page, browser_world: World, tmp_path: Path) -> None:
    import_school_data(browser_world, tmp_path)
    identification_run(
        area=browser_world.area, school_year="2026/27", started_by=browser_world.members[Role.DATA_LEAD].user
    )
    sign_in(page, browser_world.members[Role.SCHOOL_STAFF].user.email)
    page.goto("/identification/")
    page.get_by_role("link", name=browser_world.school.name).click()
    expect(page.get_by_role("heading", name=browser_world.school.name, level=1)).to_be_visible()
    expect(page.get_by_text("attendance 84% (below 90%)")).to_be_visible()
    assert_accessible(page)

    mark_page(page)
    page.get_by_label("Decision for Ben Smith").select_option("declined")
    page.get_by_role("button", name="Save the decision for Ben Smith").click()
    ben = page.locator("tr", has_text="Ben Smith")
    expect(ben).to_contain_text("Give the reason for declining, for the record.")
    expect(ben.get_by_label("Decision for Ben Smith")).to_have_value("declined")
    ben.get_by_label("Reason for Ben Smith").fill("Already supported by CAMHS")
    ben.get_by_role("button", name="Save the decision for Ben Smith").click()
    expect(ben).to_contain_text("“Already supported by CAMHS”")
    expect(page.locator("#cohort-counts")).to_contain_text("1 to decide")
    page.get_by_label("Decision for Amara Okafor").select_option("confirmed")
    page.get_by_role("button", name="Save the decision for Amara Okafor").click()
    expect(page.locator("tr", has_text="Amara Okafor")).to_contain_text("Confirmed")
    expect(page.locator("#cohort-counts")).to_contain_text("0 to decide")
    # With every child decided, the form to agree the list appears without a reload.
    expect(page.get_by_role("button", name="Agree and lock the list")).to_be_visible()
    assert_same_page(page)
    assert_accessible(page)
    page.reload()

    page.get_by_label("Agreed with").fill("Sam Patel, Link Worker")
    page.get_by_role("button", name="Agree and lock the list").click()
    expect(page.get_by_role("region", name="Agreed")).to_contain_text("with Sam Patel, Link Worker")
    expect(page.get_by_role("button", name="Agree and lock the list")).to_have_count(0)
    assert_accessible(page)


def test_link_worker_enrols_a_confirmed_child_with_consent(page: Page, browser_world: World, tmp_path: Path) -> None:
    from joinedup.identification.models import CohortEntry
    from joinedup.identification.services import cohort_decide, cohort_lock

    import_school_data(browser_world, tmp_path)
    run = identification_run(
        area=browser_world.area, school_year="2026/27", started_by=browser_world.members[Role.DATA_LEAD].user
    )
    staff = browser_world.members[Role.SCHOOL_STAFF]
    for upn in ("A001", "A002"):
        entry = CohortEntry.objects.get(cohort__run=run, pupil__upn=upn)
        cohort_decide(actor=staff, entry=entry, decision="confirmed", reason="")
    cohort_lock(actor=staff, cohort=run.school_cohorts.get(), agreed_with="Link Worker")
    browser_world.members[Role.LINK_WORKER].schools.add(browser_world.school)

    sign_in(page, browser_world.members[Role.LINK_WORKER].user.email)
    page.goto("/identification/")
    page.get_by_role("link", name="Record consent and enrol Amara Okafor").click()
    expect(page.get_by_role("heading", name="Enrol Amara Okafor")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Address line 1").fill("12 Harrow Road")
    page.get_by_label("Postcode").fill("nw10 5ab")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("alert")).to_contain_text("This field is required")
    assert_accessible(page)
    page.get_by_label("Parent or carer's full name").fill("Ngozi Okafor")
    page.get_by_label("The child and a parent or carer").check()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("Enrolled Amara Okafor.")).to_be_visible()
    expect(page.get_by_text("Building the relationship")).to_be_visible()
    expect(page.get_by_text("Taking part in the programme: consent, the child and a parent or carer")).to_be_visible()
    assert_accessible(page)
