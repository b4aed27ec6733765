"""Shared cases in the real browser: the data lead uploads Early Help's caseload, the worker matches it,
the data lead confirms a pair, and the Link Worker and the partner professional see the shared case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from playwright.sync_api import Page, expect

from joinedup.accounts.models import Role
from joinedup.sharing.models import MatchPair, MatchRun
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.conftest import World
from tests.factories import EnrolmentFactory
from tests.sharing.conftest import PARTNER_HEADER, THEIR_ROWS, agreement_make, children_make


def test_a_partner_list_is_matched_reviewed_and_shared(
    page: Page, browser_world: World, tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    partner = browser_world.members[Role.PARTNER_PROFESSIONAL].organisation
    agreement = agreement_make(browser_world, partner)
    children = children_make(browser_world)
    EnrolmentFactory.create(child=children[5], link_worker=browser_world.members[Role.LINK_WORKER].user)
    caseload = tmp_path / "caseload.csv"
    caseload.write_text("\n".join([PARTNER_HEADER, *THEIR_ROWS]) + "\n", encoding="utf-8")

    sign_in(page, browser_world.members[Role.DATA_LEAD].user.email)
    page.goto(f"/sharing/agreements/{agreement.pk}/")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name=f"Match a list from {partner.name}"))
    assert_accessible(page)
    page.get_by_label("The partner's list").set_input_files(str(caseload))
    page.get_by_role("button", name="Start the match").click()
    run = MatchRun.objects.get()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.goto(f"/sharing/runs/{run.pk}/")
    expect(page.get_by_text("5 confirmed automatically, 2 to review")).to_be_visible()
    assert_accessible(page)

    pair = MatchPair.objects.get(run=run, partner_record_id="P006")  # Will Paterson: William Patterson
    page.goto(f"/sharing/pairs/{pair.pk}/")
    expect(page.get_by_role("heading", name="Is this the same child?")).to_be_visible()
    expect(page.get_by_role("cell", name="Will", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm: the same child").click()
    expect(page.get_by_role("heading", name="The same child")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, browser_world.members[Role.LINK_WORKER].user.email)
    page.goto("/children/caseload/")
    row = page.get_by_role("row").filter(has_text="William Patterson")
    expect(row.get_by_text("Shared case")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, browser_world.members[Role.PARTNER_PROFESSIONAL].user.email)
    page.goto("/sharing/shared-with-you/")
    expect(page.get_by_text("William Patterson")).to_be_visible()
    expect(page.get_by_text("Tomasz")).to_have_count(0)  # their own child we do not know: never shown
    assert_accessible(page)
