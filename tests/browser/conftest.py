"""Browser tests: the system Chromium driven by Playwright against pytest-django's live server.

Every page a test visits gets an axe scan through ``assert_accessible``, which also fails on
any console error about the Content Security Policy seen so far on that page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from weakref import WeakKeyDictionary

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect, sync_playwright
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

from joinedup.accounts.models import User
from tests.conftest import World, build_world, data_migrations_rerun
from tests.factories import TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Long enough for a slow CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 5_000

BROWSER_TESTS = Path(__file__).parent
AXE = Axe()
# The CSP errors each open page has written to its console.
_csp_errors: WeakKeyDictionary[Page, list[str]] = WeakKeyDictionary()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Browser]:
    """One Chromium for all the browser tests, closed when they are done.

    Playwright's sync API leaves an asyncio loop marked as running in the test thread for as
    long as it is started. That has three effects on Django, each handled here, and the reason
    this fixture ends with the browser tests (package scope) rather than with the session:

    - Django refuses database queries from a thread with a running loop; the test thread only
      waits on the browser, so ``DJANGO_ALLOW_ASYNC_UNSAFE`` is safe, but only while the browser
      runs: set for the whole session it reaches subprocesses too, and ``check --deploy`` fails
      on it (tests/core).
    - Django keeps a separate set of connections for "async" code, which would give the test
      thread a second connection, not the one pytest-django shares with the live server's
      threads (for in-memory SQLite). The test thread keeps its own connections instead.
    - Each transactional test ends by emptying every table, rows from data migrations included;
      the tests that run after these ones expect them, so they are put back.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"No Chromium at {CHROMIUM}: install it with `apt-get install chromium`.")
    own_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in own_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        expect.set_options(timeout=TIMEOUT_MS)
        yield browser
        browser.close()
    with django_db_blocker.unblock():
        data_migrations_rerun()


@pytest.fixture
def browser_world(transactional_db: None) -> World:
    """The same world as ``world``, committed, so the live server's threads can see it.

    Another transactional test may have run just before and emptied every table, so the rows
    the data migrations create (the audit chain's head) are put back first. (A serialized
    rollback would do that too, but clashes with the content types Django recreates after a
    transactional test that does not use one.)
    """
    data_migrations_rerun()
    return build_world()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    _csp_errors[page] = errors

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield page
    context.close()
    assert not errors, "The Content Security Policy blocked something:\n" + "\n".join(errors)


def assert_accessible(page: Page) -> None:
    """Fail if axe finds a violation on the page as it is now, or the CSP has blocked anything.

    axe runs with all its rules, best practices included; any finding fails the test.
    """
    problems = []
    for violation in AXE.run(page).response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        problems.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n    on " + "; ".join(targets)
        )
    assert not problems, f"axe found {len(problems)} accessibility violation(s) on {page.url}:\n" + "\n".join(problems)
    # Taken out of the page's list so the fixture's last check reports only later ones.
    recorded = _csp_errors.get(page, [])
    csp_errors = recorded[:]
    recorded.clear()
    assert not csp_errors, "The Content Security Policy blocked something:\n" + "\n".join(csp_errors)


def follow(page: Page, target: Locator) -> None:
    """Click a link (or a form's button) and wait for the next page to arrive.

    Scanning or reloading straight after a click races the navigation the click starts.
    """
    with page.expect_navigation():
        target.click()


def enter_password(page: Page, email: str, password: str = TEST_PASSWORD) -> None:
    """Fill in and send the sign-in form, scanning the form first."""
    page.goto("/accounts/sign-in/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Page, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in all the way, as the person would with their authenticator app: password, then a code.

    Every role that can see a child's record must use two factors, so each test person is given
    an authenticator (if they have none) whose codes this helper works out.
    """
    user = User.objects.get(email=email)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    enter_password(page, email, password)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/$"))
    device.refresh_from_db()
    # The server takes each 30-second step once, and one step ahead of its clock at most.
    steps_ahead = max(0, device.last_t + 1 - int(time.time()) // 30)
    if steps_ahead > 1:
        time.sleep(30 - time.time() % 30 + 0.1)
        steps_ahead -= 1
    page.get_by_label("Code from your authenticator app").fill(
        totp(base64.b32encode(device.bin_key).decode(), steps_ahead=steps_ahead)
    )
    page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/two-factor/$"))


def totp(secret: str, *, steps_ahead: int = 0) -> str:
    """The 6-digit code an authenticator app shows for ``secret`` (RFC 6238: SHA-1, 30-second steps).

    ``secret`` is base32 as the set-up page shows it, spaces allowed. ``steps_ahead`` asks for a
    later step's code: the server refuses a step it has already accepted, so a second sign-in
    in the same 30 seconds needs the next one (within the server's one-step tolerance).
    """
    compact = secret.replace(" ", "").upper()
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    counter = int(time.time()) // 30 + steps_ahead
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[start : start + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
