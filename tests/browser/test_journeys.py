"""The main journeys, in the real browser, with an axe scan of every page on the way."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command
from playwright.sync_api import Locator, Page, expect

from joinedup.accounts.models import Organisation, Role
from tests.browser.conftest import assert_accessible, enter_password, follow, sign_in, totp
from tests.conftest import World
from tests.factories import TEST_PASSWORD, ChildFactory

TITLE_SUFFIX = " \N{EN DASH} Joinedup"


def at(path: str) -> re.Pattern[str]:
    """The page's whole address, for ``to_have_url``: this path on the live server, nothing more."""
    return re.compile(r"^http://[^/]+" + re.escape(path) + "$")


def header_bar(page: Page) -> Locator:
    return page.locator(".app-acting-as")


def mark_page(page: Page) -> None:
    """Leave a mark on ``window`` that a full page load would wipe out."""
    page.evaluate("window.stillTheSamePage = true")


def assert_same_page(page: Page) -> None:
    assert page.evaluate("window.stillTheSamePage === true"), "The page was reloaded instead of updated in place."


@contextmanager
def signal_handlers_kept() -> Iterator[None]:
    """The worker command installs its own SIGINT/SIGTERM handlers; put pytest's back afterwards."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def run_background_worker() -> None:
    """What ``db_worker`` does in production: run every queued task, here in the test's thread."""
    with signal_handlers_kept():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_wrong_password_then_right_password(page: Page, browser_world: World) -> None:
    page.goto("/accounts/sign-in/")
    expect(page).to_have_title("Sign in" + TITLE_SUFFIX)
    assert_accessible(page)

    page.get_by_label("Email address").fill("link_worker@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title("Sign in (error)" + TITLE_SUFFIX)
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # GOV.UK Frontend moves focus to the summary so screen readers announce it first.
    expect(summary).to_be_focused()
    error_link = summary.get_by_role("link", name="The email address or password is not right")
    expect(error_link).to_have_attribute("href", "#id_email")
    assert_accessible(page)

    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # A Link Worker sees children's records: the next step is two-factor set-up, which nothing skips.
    expect(page).to_have_url(at("/accounts/two-factor/set-up/"))
    expect(page).to_have_title("Set up two-factor authentication" + TITLE_SUFFIX)
    expect(header_bar(page)).to_contain_text("Link Worker")
    assert_accessible(page)
    page.goto("/children/")
    expect(page).to_have_url(at("/accounts/two-factor/set-up/"))


def test_link_worker_finds_their_child_and_no_one_else(page: Page, browser_world: World) -> None:
    link_worker = browser_world.members[Role.LINK_WORKER].user
    ChildFactory(
        forenames="Kofi",
        area=browser_world.area,
        school=browser_world.school,
        programme_organisation=browser_world.programme,
        link_worker=link_worker,
    )
    sign_in(page, "link_worker@example.org")
    expect(page).to_have_title("Home" + TITLE_SUFFIX)
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()
    expect(page.get_by_role("heading", name="Children", level=1)).to_be_visible()
    results = page.locator("#results")
    expect(results.locator("caption")).to_have_text("2 children")
    expect(results.get_by_role("link", name="Amara Okafor", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Kofi Okafor", exact=True)).to_be_visible()
    expect(results).not_to_contain_text("Bilal")
    expect(results).not_to_contain_text("Chloe")
    assert_accessible(page)

    mark_page(page)
    page.get_by_label("Search by name").fill("Amara")
    expect(results.locator("caption")).to_have_text("1 child matching “Amara”")
    expect(results.get_by_role("link", name="Kofi Okafor", exact=True)).to_have_count(0)
    expect(page).to_have_url(at("/children/?q=Amara"))
    assert_same_page(page)
    assert_accessible(page)

    results.get_by_role("link", name="Amara Okafor", exact=True).click()
    expect(page.get_by_role("heading", name="Amara Okafor", level=1)).to_be_visible()
    expect(page).to_have_url(at(f"/children/{browser_world.children['own'].pk}/"))
    assert_accessible(page)

    # Another borough's child, and another programme's in the same borough, by typing the address.
    for scope in ("other_area", "other_org"):
        child = browser_world.children[scope]
        response = page.goto(f"/children/{child.pk}/")
        assert response is not None
        assert response.status == 404, f"{scope} child: expected 404, got {response.status}"
        expect(page).to_have_title("Page not found" + TITLE_SUFFIX)
        expect(page.get_by_text(child.forenames)).to_have_count(0)
        assert_accessible(page)


def test_two_factor_set_up_then_asked_for_a_code(page: Page, browser_world: World) -> None:
    Organisation.objects.filter(pk=browser_world.programme.pk).update(require_two_factor=True)

    enter_password(page, "team_manager@example.org")
    expect(page).to_have_url(at("/accounts/two-factor/set-up/"))
    expect(page).to_have_title("Set up two-factor authentication" + TITLE_SUFFIX)
    assert_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret), secret
    page.get_by_label("Code from your authenticator app").fill(totp(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(page).to_have_url(at("/"))
    expect(page.get_by_text("Two-factor authentication is set up.")).to_be_visible()
    expect(header_bar(page)).to_contain_text("Team manager, Link Programme · Brent")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(at("/accounts/sign-in/"))
    assert_accessible(page)

    enter_password(page, "team_manager@example.org")
    expect(page).to_have_url(at("/accounts/two-factor/"))
    expect(page).to_have_title("Enter your code" + TITLE_SUFFIX)
    assert_accessible(page)

    codes_the_server_would_take = {totp(secret, steps_ahead=step) for step in range(-2, 3)}
    wrong_code = next(code for code in ("000000", "111111", "222222") if code not in codes_the_server_would_take)
    page.get_by_label("Code from your authenticator app").fill(wrong_code)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title("Enter your code (error)" + TITLE_SUFFIX)
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    expect(page.locator("#id_code-error")).to_contain_text("The code is not right")
    assert_accessible(page)

    # After a wrong code django-otp refuses every code for a second, the right one too.
    page.wait_for_timeout(1_100)
    # The set-up code's step is used up; the next step is within the server's tolerance.
    page.get_by_label("Code from your authenticator app").fill(totp(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(at("/"))
    expect(header_bar(page)).to_contain_text("Team manager, Link Programme · Brent")
    assert_accessible(page)


def test_sign_out_ends_the_session(page: Page, browser_world: World) -> None:
    sign_in(page, "link_worker@example.org")
    expect(page).to_have_title("Home" + TITLE_SUFFIX)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()
    expect(page.get_by_role("link", name="Amara Okafor", exact=True)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(at("/accounts/sign-in/"))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("You have signed out.")
    expect(header_bar(page)).to_have_count(0)
    assert_accessible(page)

    # The browser's Back button asks the server again rather than showing the list from its cache.
    page.go_back()
    expect(page).to_have_url(at("/accounts/sign-in/?next=/children/"))
    expect(page.get_by_role("heading", name="Sign in to Joinedup")).to_be_visible()
    expect(page.get_by_text("Amara")).to_have_count(0)
    assert_accessible(page)

    page.goto("/children/")
    expect(page).to_have_url(at("/accounts/sign-in/?next=/children/"))
    expect(page.get_by_text("You have signed out.")).to_have_count(0)


def test_administrator_checks_the_audit_log(page: Page, browser_world: World) -> None:
    sign_in(page, "administrator@example.org")
    expect(page).to_have_title("Home" + TITLE_SUFFIX)
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    # Their own sign-in, and this look at the log, newest first.
    events = page.locator("table.govuk-table tbody tr")
    expect(page.locator("table.govuk-table caption")).to_have_text("2 events")
    expect(events).to_have_count(2)
    expect(events.nth(0)).to_contain_text("Viewed")
    expect(events.nth(1)).to_contain_text("Signed in")
    expect(events.filter(has_text="administrator@example.org")).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("button", name="Check the log has not been tampered with").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(page.get_by_role("heading", name="Check the audit log", level=1)).to_be_visible()
    expect(page.locator("#job-progress")).to_contain_text("Queued")
    assert_accessible(page)

    mark_page(page)
    run_background_worker()
    # The page polls every second: the result appears without anyone reloading it.
    expect(page.get_by_role("heading", name="The audit log is intact")).to_be_visible()
    expect(page.locator("#job-progress")).to_contain_text("Finished")
    assert_same_page(page)
    assert_accessible(page)


def test_administrator_requires_two_factor_for_an_organisation(page: Page, browser_world: World) -> None:
    sign_in(page, "administrator@example.org")
    expect(page).to_have_title("Home" + TITLE_SUFFIX)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Manage").click()
    expect(page.get_by_role("heading", name="Organisations", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Other Programme")
    expect(row).to_contain_text("Optional")
    assert_accessible(page)

    row.get_by_role("button", name="Require two-factor authentication for Other Programme").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Members of Other Programme must now use two-factor authentication."
    )
    expect(row).to_contain_text("Required")
    assert Organisation.objects.get(pk=browser_world.other_programme.pk).require_two_factor
    assert_accessible(page)

    row.get_by_role("button", name="Make optional two-factor authentication for Other Programme").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Two-factor authentication is now optional for members of Other Programme."
    )
    expect(row).to_contain_text("Optional")
    assert not Organisation.objects.get(pk=browser_world.other_programme.pk).require_two_factor
    assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_the_content(page: Page, browser_world: World) -> None:
    sign_in(page, "link_worker@example.org")
    expect(page).to_have_title("Home" + TITLE_SUFFIX)
    assert_accessible(page)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    assert_accessible(page)


def test_administrator_adds_a_person_who_sets_a_password(page: Page, browser_world: World) -> None:
    from django.core import mail

    sign_in(page, "administrator@example.org")
    page.get_by_role("link", name="Manage").click()
    follow(page, page.get_by_role("link", name="People and sign-in locks"))
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Add a person"))
    assert_accessible(page)
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's full name")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Nadia Hussain")
    page.get_by_label("Email address").fill("nadia@example.org")
    page.get_by_label("Organisation").select_option(label="Harrow Road Primary")
    page.get_by_label("Role").select_option(label="School staff")
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Nadia Hussain is now School staff")

    link = re.search(r"https?://[^/\s]+(/accounts/password/set/\S+/)", str(mail.outbox[-1].body))
    assert link
    follow(page, page.get_by_role("button", name="Sign out"))
    page.goto(link.group(1))
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("plum ladder orbit 42")
    page.get_by_label("Type the new password again").fill("plum ladder orbit 42")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password has been set")
    sign_in(page, "nadia@example.org", "plum ladder orbit 42")
    expect(header_bar(page)).to_contain_text("School staff, Harrow Road Primary")


def test_forgotten_password_page(page: Page, browser_world: World) -> None:
    page.goto("/accounts/sign-in/")
    follow(page, page.get_by_role("link", name="I have forgotten my password"))
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    assert_accessible(page)
    page.get_by_label("Email address").fill("link_worker@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)
