"""The load benchmark's scenario: practitioners signing in with two factors and working through their day.

Run by ``bench.bench_load``, which writes the plan this reads (``LOADBENCH_PLAN``: a JSON file of people, each
with their password, authenticator key and the children they may see) and chooses the user class:

- ``Practitioner``: a Link Worker opens their caseload, a child's record, records a contact (every other
  journey), searches the directory near the child's home and now and then raises a safeguarding concern; a team
  manager opens the team's caseloads, one Link Worker's caseload, a child's record and the directory.
- ``Trivial``: signs in the same way, then asks for ``/bench/ok`` again and again.

``LOADBENCH_THINK`` is the pause between pages in seconds, "LOW,HIGH" (uniform) or "0"; ``LOADBENCH_RUN`` names
the run, whose people (in the plan) no other run signs in, so that each run's codes are fresh.

Every response is checked: a page must be a 200 with its heading, a form posted must answer with the redirect
that follows a success. Anything else is a failure.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from datetime import date
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, task
from locust.exception import StopUser

PLAN: dict[str, Any] = (
    json.loads(Path(os.environ["LOADBENCH_PLAN"]).read_text()) if "LOADBENCH_PLAN" in os.environ else {}
)
_THINK = os.environ.get("LOADBENCH_THINK", "1,3").split(",")
THINK_LOW, THINK_HIGH = float(_THINK[0]), float(_THINK[-1])
# Each simulated user is a different person (a code is accepted once per person per 30 seconds).
_PEOPLE = itertools.count()

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCH_WORDS = ("club", "support", "family", "youth", "counselling", "parenting", "sport", "reading", "food", "art")
CONCERN_CATEGORIES = ("neglect", "emotional", "online_harm", "mental_health", "other")
CONTACT_KINDS = ("one_to_one", "group", "family", "school_meeting", "phone")
# One journey in this many raises a concern (a Link Worker raises a few a term, not one a visit).
CONCERN_EVERY = 10


def totp(key: bytes, at: float) -> str:
    """The 6-digit code an authenticator app shows at time ``at`` (RFC 6238: SHA-1, 30-second steps)."""
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[start : start + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def think() -> float:
    return random.uniform(THINK_LOW, THINK_HIGH)


class SignedIn(FastHttpUser):
    """A person from the plan, signed in through the real pages: password, then a code from their app."""

    abstract = True
    # Pauses are taken between pages inside each journey (``pause``), not only between journeys.
    wait_time = staticmethod(think)

    person: dict[str, Any]

    def on_start(self) -> None:
        people = PLAN["runs"][os.environ["LOADBENCH_RUN"]]
        self.person = people[next(_PEOPLE) % len(people)]
        if not self.sign_in():
            # Signed in half-way, every page would be a failure: one is enough to see.
            raise StopUser

    def pause(self) -> None:
        if THINK_HIGH > 0:
            time.sleep(think())

    def page(self, url: str, name: str, expect: str) -> str | None:
        """GET a page; a failure unless it is a 200 containing ``expect``. Returns the page, or None."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            return self._check_page(response, expect)

    def post(self, url: str, name: str, data: dict[str, str], expect_location: re.Pattern[str]) -> str | None:
        """POST a form; a failure unless it answers with a redirect to ``expect_location``. Returns the location."""
        with self.client.post(url, name=name, data=data, allow_redirects=False, catch_response=True) as response:
            return self._check_redirect(response, expect_location)

    # locust's response objects are untyped: ``Any`` here keeps the checks readable.
    def _check_redirect(self, response: Any, expect_location: re.Pattern[str]) -> str | None:
        location = _location(response)
        if response.status_code == 302 and expect_location.fullmatch(location):
            response.success()
            return location
        problem = _problem(response.text or "")
        response.failure(f"{response.status_code} to {location or '-'} {problem}".strip())
        return None

    def _check_page(self, response: Any, expect: str) -> str | None:
        text = response.text or ""
        if response.status_code == 200 and expect in text:
            response.success()
            return text
        where = _location(response)
        response.failure(f"{response.status_code}{' to ' + where if where else ''}: {expect!r} not on the page")
        return None

    def sign_in(self) -> bool:
        page = self.page("/accounts/sign-in/", "sign in: password page", "Sign in to Joinedup")
        if page is None:
            return False
        fields = {"email": self.person["email"], "password": PLAN["password"], "csrfmiddlewaretoken": _csrf(page)}
        if self.post("/accounts/sign-in/", "sign in: password", fields, re.compile(r"/accounts/two-factor/")) is None:
            return False
        for attempt in range(2):
            if attempt:
                # The server takes each 30-second code once: as a person would, wait for the app's next code.
                time.sleep(30 - time.time() % 30 + 0.5)
            # Signing in gives a new CSRF token: take it from the code page, as the browser would.
            page = self.page(
                "/accounts/two-factor/", "sign in: code page", "Enter the code from your authenticator app"
            )
            if page is None:
                return False
            fields = {"code": totp(bytes.fromhex(self.person["key"]), time.time()), "csrfmiddlewaretoken": _csrf(page)}
            if self.post("/accounts/two-factor/", "sign in: code", fields, re.compile(r"/")) is not None:
                return True
        return False


class Practitioner(SignedIn):
    journeys = 0

    @task
    def journey(self) -> None:
        self.journeys += 1
        if self.person["role"] == "team_manager":
            self.manager_journey()
        else:
            self.link_worker_journey()

    def link_worker_journey(self) -> None:
        self.page("/children/caseload/", "caseload", "My caseload")
        self.pause()
        child = random.choice(self.person["children"])
        pk = child["id"]
        self.page(f"/children/{pk}/", "child record", f'href="/children/{pk}/contacts/new/"')
        self.pause()
        if self.journeys % 2:
            self.record_contact(pk)
            self.pause()
        self.search(child)
        if self.journeys % CONCERN_EVERY == 0:
            self.pause()
            self.raise_concern(pk)

    def manager_journey(self) -> None:
        self.page("/children/caseload/", "caseload (team)", "Team caseloads")
        self.pause()
        worker = random.choice(self.person["workers"])
        self.page(f"/children/caseload/?worker={worker}", "caseload (a Link Worker's)", "Caseload of")
        self.pause()
        child = random.choice(self.person["children"])
        pk = child["id"]
        self.page(f"/children/{pk}/", "child record", f'href="/children/{pk}/chronology/"')
        self.pause()
        self.search(child)

    def record_contact(self, pk: int) -> None:
        page = self.page(f"/children/{pk}/contacts/new/", "record a contact: form", "Record a contact")
        if page is None:
            return
        fields = {
            "csrfmiddlewaretoken": _csrf(page),
            "kind": random.choice(CONTACT_KINDS),
            "happened_on": date.today().strftime("%d/%m/%Y"),
            "minutes": str(random.choice((15, 20, 30, 45, 60))),
            "attendees": "",
            "notes": "Checked in about the week at school; agreed what to try before next time.",
            "follow_up": "",
        }
        self.pause()
        self.post(f"/children/{pk}/contacts/new/", "record a contact: save", fields, re.compile(rf"/children/{pk}/"))

    def search(self, child: dict[str, Any]) -> None:
        query = f"q={random.choice(SEARCH_WORDS)}&postcode={child['postcode'].replace(' ', '+')}"
        self.page(f"/directory/?{query}", "search the directory", "Find a service")

    def raise_concern(self, pk: int) -> None:
        page = self.page(f"/safeguarding/children/{pk}/raise/", "raise a concern: form", "Raise a safeguarding concern")
        if page is None:
            return
        fields = {
            "csrfmiddlewaretoken": _csrf(page),
            "what": "Arrived hungry again and said there was no breakfast at home this week.",
            "child_words": "There wasn't any food.",
            "happened_on": date.today().strftime("%d/%m/%Y"),
            "happened_time": "09:10",
            "place": "The classroom, at registration",
            "present": "Class teacher",
            "category": random.choice(CONCERN_CATEGORIES),
            "immediate_risk": "no",
        }
        self.pause()
        concern = self.post(
            f"/safeguarding/children/{pk}/raise/",
            "raise a concern: save",
            fields,
            re.compile(r"/safeguarding/concerns/\d+/"),
        )
        if concern is not None:
            self.page(concern, "raise a concern: the concern", "Concern about")


class Trivial(SignedIn):
    """The same sign-in, then the trivial view back to back: what the framework and middleware cost alone."""

    wait_time = constant(0)

    @task
    def ok(self) -> None:
        with self.client.get("/bench/ok", name="trivial view", allow_redirects=False, catch_response=True) as r:
            if r.status_code == 200 and r.text == "ok":
                r.success()
            else:
                r.failure(f"{r.status_code}: not 'ok'")


def _location(response: Any) -> str:
    return str((response.headers or {}).get("Location") or "")


def _csrf(page: str) -> str:
    found = CSRF.search(page)
    return found.group(1) if found else ""


def _problem(page: str) -> str:
    """The first error message on a page that refused a form, to say why in the failure."""
    found = re.search(r'class="govuk-error-message">(?:\s*<span[^>]*>[^<]*</span>)?\s*([^<]+)<', page)
    return found.group(1).strip()[:80] if found else ""
