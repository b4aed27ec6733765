"""The case as a whole: chronology, engagement, the caseload's flags, and the plan and referral API."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from joinedup.accounts.models import Membership, Role
from joinedup.accounts.services import api_token_issue
from joinedup.audit.models import AuditEvent
from joinedup.cases.engagement import engagement_refresh
from joinedup.cases.models import CaseSettings, Consent, Contact, Enrolment, Goal, PartnerSession, Referral
from joinedup.cases.plans import Progress, action_add, goal_add, plan_review, plan_start
from joinedup.cases.referrals import partner_session_record, referral_create, referral_status_set
from joinedup.cases.selectors import NOTES_WITHHELD, engagement, school_term
from joinedup.directory.models import Service, ServiceProfile
from tests.conftest import World
from tests.factories import ChildFactory, EnrolmentFactory, verified_login

START = date.today() - timedelta(days=200)


class Case:
    """The own child, enrolled 200 days ago, with a plan, a goal, an action and a referral to the partner."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.worker = world.members[Role.LINK_WORKER]
        self.partner = world.members[Role.DELIVERY_PRACTITIONER]
        child = world.children["own"]
        Consent.objects.create(child=child, purpose="enrolment", given_by="parent", given_on=START)
        self.enrolment = EnrolmentFactory.create(
            child=child,
            start_date=START,
            at_risk_domains=["attendance", "maths"],
        )
        self.child = child
        self.plan = plan_start(actor=self.worker, enrolment=self.enrolment)
        self.goal = goal_add(
            actor=self.worker,
            plan=self.plan,
            seen_version=1,
            domain="attendance",
            goal="Get to school on time",
            success="Above 95% for a term",
        )
        self.action = action_add(
            actor=self.worker,
            goal=self.goal,
            seen_version=2,
            action="Morning check-in at the gate",
            owner="link_worker",
            due_on=date.today() - timedelta(days=3),
        )
        self.service = Service.objects.create(
            id="c0000000-0000-4000-8000-000000000001", name="Young People's Counselling", area=world.area
        )
        ServiceProfile.objects.create(service=self.service, delivery_partner=self.partner.organisation)
        Consent.objects.create(
            child=child, purpose="referral", given_by="parent", given_on=START, service_id=self.service.id
        )
        self.referral = referral_create(
            actor=self.worker,
            enrolment=self.enrolment,
            service=self.service,
            goal=self.goal,
            reason="Worries about home are getting in the way of school.",
            shared=["child", "needs", "goal"],
            send=True,
        )

    def another_child(self, stage: str = "relationship") -> Enrolment:
        """Another child on the same Link Worker's caseload, enrolled at ``stage``."""
        child = ChildFactory.create(
            area=self.world.area,
            school=self.world.school,
            programme_organisation=self.world.programme,
            link_worker=self.worker.user,
        )
        return EnrolmentFactory.create(
            child=child,
            start_date=START,
            stage=stage,
        )

    def review(self, summary: str, next_steps: str, progress: Progress) -> None:
        """A review today of the case's one goal, from the plan's third version."""
        plan_review(
            actor=self.worker,
            plan=self.plan,
            seen_version=3,
            reviewed_on=date.today(),
            attendees="Mum",
            summary=summary,
            next_steps=next_steps,
            next_review_on=None,
            progress={self.goal.pk: progress},
        )


@pytest.fixture
def case(world: World) -> Case:
    return Case(world)


def post(client: Client, url: str, body: dict[str, object], **headers: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_the_chronology_tells_plan_changes_reviews_referrals_and_sessions(case: Case) -> None:
    referral_status_set(actor=case.partner, referral=case.referral, status="accepted", on=date.today())
    partner_session_record(
        actor=case.partner, referral=case.referral, happened_on=date.today(), attendance="attended", note="Chatty"
    )
    case.review("Mornings are calmer now", "Keep going", Progress("good"))
    page = case.world.client_for(Role.LINK_WORKER).get(f"/children/{case.child.pk}/chronology/").text
    for expected in (
        "Plan version 2",
        "Goal added: Get to school on time",
        "Plan reviewed",
        "Mornings are calmer now",
        "Referral to Young People&#x27;s Counselling: sent",
        "Referral to Young People&#x27;s Counselling: started",
        "Young People&#x27;s Counselling session: attended",
        "Chatty",
    ):
        assert expected in page, expected
    only = (
        case.world.client_for(Role.LINK_WORKER).get(f"/children/{case.child.pk}/chronology/", {"kind": "referral"}).text
    )
    assert "Referral to" in only
    assert "Plan version" not in only


def test_school_staff_see_that_sessions_happened_but_not_the_notes(case: Case) -> None:
    Contact.objects.create(enrolment=case.enrolment, kind="one_to_one", happened_on=date.today(), notes="Private")
    page = case.world.client_for(Role.SCHOOL_STAFF).get(f"/children/{case.child.pk}/chronology/").text
    assert "1:1 session" in page
    assert "Private" not in page
    assert NOTES_WITHHELD.replace("'", "&#x27;") in page


def test_engagement_counts_contacts_and_attendance_by_term(case: Case) -> None:
    CaseSettings.objects.create(area=case.world.area, high_engagement_contacts=2, high_engagement_attendance=75)
    term_start, _name = school_term(date.today())
    for offset in range(3):
        Contact.objects.create(enrolment=case.enrolment, kind="phone", happened_on=term_start + timedelta(days=offset))
    Contact.objects.create(enrolment=case.enrolment, kind="phone", happened_on=term_start - timedelta(days=1))
    for attendance in ("attended", "attended", "attended", "did_not_attend", "cancelled_provider"):
        PartnerSession.objects.create(referral=case.referral, happened_on=term_start, attendance=attendance)
    # Made directly rather than through the services, so counted here as the services would.
    engagement_refresh(enrolment_ids=[case.enrolment.pk])
    *earlier, this_term = engagement(case.child)
    assert (this_term.contacts, this_term.attended, this_term.did_not_attend, this_term.cancelled) == (3, 3, 1, 1)
    assert this_term.attendance_pct == 75
    assert this_term.high
    assert earlier[-1].contacts == 1
    assert not earlier[-1].high  # one contact is short of two
    page = case.world.client_for(Role.LINK_WORKER).get(f"/children/{case.child.pk}/").text
    assert "High engagement" in page


def test_school_terms() -> None:
    assert school_term(date(2026, 11, 26)) == (date(2026, 9, 1), "Autumn 2026")
    assert school_term(date(2027, 2, 1)) == (date(2027, 1, 1), "Spring 2027")
    assert school_term(date(2027, 7, 20)) == (date(2027, 4, 1), "Summer 2027")


def test_the_caseload_flags_the_next_action_open_referrals_and_an_overdue_review(
    case: Case, django_assert_max_num_queries: Any
) -> None:
    client = case.world.client_for(Role.LINK_WORKER)
    client.get("/")
    with django_assert_max_num_queries(15):
        page = client.get("/children/caseload/").text
    assert "Morning check-in at the gate" in page
    assert "Overdue" in page  # the action was due three days ago
    assert "1 open referral" in page
    assert "Review overdue" in page  # enrolled 200 days ago, never reviewed, termly cadence


def test_the_caseload_costs_the_same_queries_for_many_children(case: Case, django_assert_max_num_queries: Any) -> None:
    for n in range(12):
        plan = plan_start(actor=case.worker, enrolment=case.another_child())
        goal_add(actor=case.worker, plan=plan, seen_version=1, domain="attendance", goal=f"Goal {n}", success="Yes")
    client = case.world.client_for(Role.LINK_WORKER)
    client.get("/")
    with django_assert_max_num_queries(15):
        page = client.get("/children/caseload/").text
    assert page.count('id="caseload-') == 13


def test_the_plan_and_referrals_through_the_api(case: Case) -> None:
    client = case.world.client_for(Role.LINK_WORKER)
    plan = client.get(f"/api/children/{case.child.pk}/plan").json()
    assert plan["version"] == 3
    assert plan["goals"][0]["actions"][0]["action"] == "Morning check-in at the gate"
    referrals = client.get(f"/api/children/{case.child.pk}/referrals").json()
    assert [event["status"] for event in referrals[0]["events"]] == ["draft", "sent"]
    other = case.world.client_for(Role.LINK_WORKER)
    verified_login(other, case.world.children["other_org"].link_worker)  # type: ignore[arg-type]
    assert other.get(f"/api/children/{case.child.pk}/plan").status_code == 404


def test_a_partner_system_answers_referrals_with_its_token_and_sees_only_what_was_shared(case: Case) -> None:
    admin = case.world.members[Role.ADMINISTRATOR]
    _token, key = api_token_issue(
        actor=admin, organisation=case.partner.organisation, role=Role.DELIVERY_PRACTITIONER, name="Case system"
    )
    system = Client()
    auth = {"Authorization": f"Bearer {key}"}
    listed = system.get("/api/referrals", headers=auth).json()["items"]
    assert [item["id"] for item in listed] == [case.referral.pk]
    assert system.get("/api/referrals", {"status": "started"}, headers=auth).json()["items"] == []
    wrong = system.get("/api/referrals", {"status": "lost"}, headers=auth)
    # The description lists the statuses, so an unknown one is refused as invalid, naming the parameter.
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["query", "status"]
    shared = listed[0]["shared"]
    assert shared["child_name"] == case.child.display_name
    assert shared["needs"] == ["Attendance", "Maths"]
    assert shared["goal"] == "Get to school on time"
    assert shared["carers"] is None  # contact details were not shared
    assert shared["message"] is None
    assert system.get(f"/api/children/{case.child.pk}", headers=auth).status_code == 404
    url = f"/api/referrals/{case.referral.pk}"
    declined = post(system, f"{url}/status", {"status": "declined"}, **auth)
    assert declined.status_code == 400
    assert declined.json() == {"detail": "Give the reason it was declined."}
    assert post(system, f"{url}/status", {"status": "accepted"}, **auth).json()["status"] == "accepted"
    session = post(
        system, f"{url}/sessions", {"happened_on": date.today().isoformat(), "attendance": "attended"}, **auth
    )
    assert session.status_code == 201
    assert Referral.objects.get(pk=case.referral.pk).status == "started"  # the first attended session starts it
    assert system.get(f"{url}/sessions", headers=auth).json()[0]["attendance"] == "attended"
    assert AuditEvent.objects.filter(record_type="partner_session", child_id=case.child.pk).exists()


def test_a_link_worker_cannot_answer_for_a_partner_in_joinedup(case: Case) -> None:
    client = case.world.client_for(Role.LINK_WORKER)
    answer = post(client, f"/api/referrals/{case.referral.pk}/status", {"status": "accepted"})
    assert answer.status_code == 400
    assert "practitioners answer its referrals" in answer.json()["detail"]
    assert Referral.objects.get(pk=case.referral.pk).status == "sent"


def test_drafts_and_other_partners_referrals_are_not_seen(case: Case) -> None:
    draft = referral_create(
        actor=case.worker,
        enrolment=case.enrolment,
        service=case.service,
        reason="Another go later",
        shared=["child"],
    )
    client = case.world.client_for(Role.DELIVERY_PRACTITIONER)
    assert client.get(f"/api/referrals/{draft.pk}").status_code == 404
    elsewhere = Membership.objects.create(
        user=case.partner.user,
        organisation=case.partner.organisation,
        area=case.world.other_area,
        role=Role.DELIVERY_PRACTITIONER,
    )
    assert elsewhere.pk
    ids = [item["id"] for item in client.get("/api/referrals").json()["items"]]
    assert ids == [case.referral.pk]


def test_goals_start_from_the_plan_version_that_was_seen(case: Case) -> None:
    from joinedup.cases.plans import PlanChanged

    with pytest.raises(PlanChanged) as refused:
        goal_add(actor=case.worker, plan=case.plan, seen_version=1, domain="health", goal="Sleep", success="8 hours")
    assert "You changed this plan in another tab or window" in str(refused.value)  # the same person, twice
    assert not Goal.objects.filter(goal="Sleep").exists()
    manager = case.world.members[Role.TEAM_MANAGER]
    with pytest.raises(PlanChanged) as refused:
        goal_add(actor=manager, plan=case.plan, seen_version=1, domain="health", goal="Sleep", success="8 hours")
    assert "Link Worker changed this plan" in str(refused.value)


def test_a_goal_or_action_with_several_problems_hears_of_all_of_them(case: Case) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        goal_add(actor=case.worker, plan=case.plan, seen_version=3, domain="", goal=" ", success="")
    assert set(refused.value.message_dict) == {"domain", "goal", "success"}
    with pytest.raises(ValidationError) as refused:
        action_add(
            actor=case.worker, goal=case.goal, seen_version=3, action="", owner="", due_on=START - timedelta(days=1)
        )
    assert set(refused.value.message_dict) == {"action", "owner", "due_on"}


def test_the_record_and_chronology_cost_the_same_queries_however_long_the_case(
    case: Case, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = case.world.client_for(Role.LINK_WORKER)
    client.get("/")

    def cost() -> tuple[int, int]:
        counts = []
        for url in (f"/children/{case.child.pk}/", f"/children/{case.child.pk}/chronology/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts[0], counts[1]

    before = cost()
    for n in range(6):
        service = Service.objects.create(id=f"c0000000-0000-4000-8000-0000000001{n:02d}", name=f"Service {n}")
        Consent.objects.create(
            child=case.child, purpose="referral", given_by="parent", given_on=START, service_id=service.id
        )
        referral = referral_create(
            actor=case.worker, enrolment=case.enrolment, service=service, reason="Help", shared=["child"], send=True
        )
        referral_status_set(actor=case.worker, referral=referral, status="accepted", on=date.today())
        partner_session_record(actor=case.worker, referral=referral, happened_on=date.today(), attendance="attended")
        plan = case.plan
        plan.refresh_from_db()
        goal = goal_add(
            actor=case.worker, plan=plan, seen_version=plan.version, domain="health", goal=f"Goal {n}", success="Yes"
        )
        action_add(actor=case.worker, goal=goal, seen_version=plan.version, action=f"Step {n}", owner="family")
        Contact.objects.create(enrolment=case.enrolment, kind="phone", happened_on=date.today(), notes=f"Call {n}")
    assert cost() == before


def test_school_staff_do_not_see_referrals_or_why_one_ended(case: Case) -> None:
    referral_status_set(
        actor=case.worker, referral=case.referral, status="withdrawn", on=date.today(), reason="Family moved"
    )
    school = case.world.client_for(Role.SCHOOL_STAFF).get(f"/children/{case.child.pk}/chronology/").text
    assert "Counselling" not in school  # referrals are for those who work the case
    assert "Family moved" not in school
    assert "Partner sessions" not in school  # nor offered as a filter
    assert case.world.client_for(Role.SCHOOL_STAFF).get(f"/api/children/{case.child.pk}/referrals").status_code == 403
    worker = case.world.client_for(Role.LINK_WORKER).get(f"/children/{case.child.pk}/chronology/").text
    assert "Family moved" in worker


def test_the_team_manager_sees_each_caseloads_counts_and_flags(case: Case) -> None:
    from joinedup.cases.selectors import team_caseloads

    [row] = [row for row in team_caseloads(case.world.members[Role.TEAM_MANAGER]) if row.worker == case.worker.user]
    assert (row.children, row.contact_overdue, row.review_overdue, row.action_overdue, row.open_referrals) == (
        1,
        1,  # no contact since enrolment 200 days ago
        1,  # never reviewed, termly cadence
        1,  # the action was due three days ago
        1,
    )
    assert not row.over_target
    page = case.world.client_for(Role.TEAM_MANAGER).get("/children/caseload/").text
    assert "Review overdue" in page
    assert case.worker.user.full_name in page


def test_case_notes_are_for_those_who_work_the_case_on_every_page_and_in_the_api(case: Case) -> None:
    Contact.objects.create(
        enrolment=case.enrolment, kind="family", happened_on=date.today(), notes="Dad lost his job", attendees="Dad"
    )
    case.review("Money worries at home", "Benefits check", Progress("some", "Late twice this week"))
    child = case.child.pk
    pages = (f"/children/{child}/", f"/children/{child}/plan/history/")
    apis = (f"/api/children/{child}/contacts", f"/api/children/{child}/plan")
    secrets = ("Dad lost his job", "Money worries at home", "Benefits check", "Late twice this week")
    for role in (Role.SCHOOL_STAFF, Role.DATA_LEAD):
        client = case.world.client_for(role)
        for url in (*pages, *apis):
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            assert not [secret for secret in secrets if secret in response.text], (role, url)
    assert case.world.client_for(Role.SCHOOL_STAFF).get(apis[0]).json()["items"][0]["notes"] is None
    worker = case.world.client_for(Role.LINK_WORKER)
    assert "Dad lost his job" in worker.get(pages[0]).text
    assert "Money worries at home" in worker.get(pages[1]).text
    assert worker.get(apis[1]).json()["reviews"][0]["progress"][0]["note"] == "Late twice this week"


def test_the_caseload_quick_form_keeps_the_answers_and_marks_each_problem(case: Case) -> None:
    client = case.world.client_for(Role.LINK_WORKER)
    url = f"/children/{case.child.pk}/contacts/new/"
    htmx = {"HX-Request": "true"}
    answers = {
        "kind": "family",
        "happened_on": "",
        "minutes": "abc",
        "notes": "Talked about mornings",
        "attendees": "Mum",
    }
    row = client.post(url, answers, headers=htmx).text
    assert 'value="Talked about mornings"' in row
    assert 'value="Mum"' in row
    assert 'value="family" selected' in row
    assert "<details" in row
    assert " open>" in row  # the part with the minutes is open, to show its problem
    assert f'id="on-{case.child.pk}-error"' in row
    assert f'id="minutes-{case.child.pk}-error"' in row
    assert "govuk-input--error" in row
    assert row.count("autofocus") == 1  # on the first answer with a problem: the date
    assert f'name="happened_on" type="date" value="" aria-describedby="on-{case.child.pk}-error" autofocus' in row
    assert "Enter the date of the contact." in row
    assert not Contact.objects.filter(notes="Talked about mornings").exists()
    saved = client.post(url, {**answers, "happened_on": date.today().isoformat(), "minutes": "30"}, headers=htmx).text
    assert "Saved: Family contact on" in saved
    assert 'role="status"' in saved
    assert 'value="Talked about mornings"' not in saved  # a fresh form for the next one
    assert Contact.objects.filter(notes="Talked about mornings", minutes=30, attendees="Mum").exists()


def test_each_consent_on_the_record_names_its_service_and_can_be_withdrawn_by_name(case: Case) -> None:
    page = case.world.client_for(Role.LINK_WORKER).get(f"/children/{case.child.pk}/").text
    assert "Referral to a named service (Young People&#x27;s Counselling)" in page
    assert 'Record a withdrawal<span class="govuk-visually-hidden"> of consent to referral' in page


def test_case_settings_out_of_range_are_refused_with_the_setting_named(world: World) -> None:
    client = world.client_for(Role.TEAM_MANAGER)
    answers = {
        "target_caseload": "0",
        "contact_every_days": "14",
        "review_every_weeks": "13",
        "high_engagement_contacts": "6",
        "high_engagement_attendance": "140",
    }
    page = client.post("/children/settings/", answers).text
    assert "The target caseload must be a whole number from 1 to 100." in page
    assert "The attendance for high engagement must be a whole number from 1 to 100." in page
    assert not CaseSettings.objects.exists()
    assert "Back to team caseloads" in page


def test_the_caseload_sorts_by_stage_in_the_order_a_case_moves(case: Case) -> None:
    from joinedup.cases.selectors import caseload

    for stage in ("review", "closing", "active_plan"):  # the case itself is still building the relationship
        case.another_child(stage)
    rows = caseload(case.worker, worker_id=case.worker.user.pk, order="stage")
    assert [row.enrolment.stage for row in rows] == ["relationship", "active_plan", "review", "closing"]


def test_a_session_the_child_missed_has_no_length(case: Case) -> None:
    from django.core.exceptions import ValidationError

    referral_status_set(actor=case.partner, referral=case.referral, status="accepted", on=date.today())
    with pytest.raises(ValidationError) as refused:
        partner_session_record(
            actor=case.partner,
            referral=case.referral,
            happened_on=date.today(),
            attendance="did_not_attend",
            minutes=45,
        )
    assert "leave the minutes blank" in refused.value.message_dict["minutes"][0]
    assert not PartnerSession.objects.exists()


def test_the_partners_session_form_describes_its_fields_by_their_own_ids(case: Case) -> None:
    referral_status_set(actor=case.partner, referral=case.referral, status="accepted", on=date.today())
    page = case.world.client_for(Role.DELIVERY_PRACTITIONER).get(f"/partner/referrals/{case.referral.pk}/").text
    assert 'aria-describedby="id_session-note-hint"' in page
    assert 'id="id_session-note-hint"' in page


def test_a_draft_referral_is_changed_then_sent_and_a_sent_one_no_longer_changes(case: Case) -> None:
    draft = referral_create(
        actor=case.worker, enrolment=case.enrolment, service=case.service, reason="First thoughts", shared=["child"]
    )
    client = case.world.client_for(Role.LINK_WORKER)
    url = f"/children/{case.child.pk}/referrals/{draft.pk}/edit/"
    assert "First thoughts</textarea>" in client.get(url).text
    blank = client.post(url, {"reason": "", "action": "draft"})
    assert "Say why this service" in blank.text
    saved = client.post(url, {"reason": "Worries at home", "shared": ["needs"], "action": "draft"})
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.reason, draft.shared, draft.status) == ("Worries at home", ["child", "needs"], "draft")
    sent = client.post(
        url, {"reason": "Worries at home", "shared": ["needs", "goal"], "goal": case.goal.pk, "action": "send"}
    )
    assert sent.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.goal_id) == ("sent", case.goal.pk)
    assert client.get(url).status_code == 302  # sent: it is a record now
    assert AuditEvent.objects.filter(record_type="referral", record_id=draft.pk, action="change").exists()


def test_a_blank_action_with_a_wrong_date_hears_of_every_problem_each_named_at_its_field(case: Case) -> None:
    client = case.world.client_for(Role.LINK_WORKER)
    url = f"/children/{case.child.pk}/plan/goals/{case.goal.pk}/actions/new/"
    page = client.post(url, {"version": 3, "action": "", "owner": "", "due_on": "31/2/2026"}).text
    for message in ("Say what will be done.", "Choose who will do it."):
        assert message in page
    assert 'aria-describedby="id_action-error"' in page
    blank = client.post(url, {"version": 3, "action": "", "owner": ""}).text  # no wrong date: the plan's checks
    assert "Say what will be done." in blank
    assert "Choose who will do it." in blank
    assert 'aria-describedby="id_action-error"' in blank  # a service's refusal names the field too


def test_case_settings_hints_and_errors_are_linked_to_their_fields(world: World) -> None:
    client = world.client_for(Role.TEAM_MANAGER)
    page = client.get("/children/settings/").text
    assert 'aria-describedby="id_review_every_weeks-hint"' in page
    assert 'id="id_review_every_weeks-hint"' in page
    refused = client.post("/children/settings/", {"target_caseload": "0"}).text
    assert 'aria-describedby="id_target_caseload-hint id_target_caseload-error"' in refused
    assert 'id="id_target_caseload-error"' in refused


def test_the_caseload_is_a_section_of_its_own_in_the_header(world: World) -> None:
    page = world.client_for(Role.LINK_WORKER).get("/children/caseload/").text
    assert page.count('aria-current="true"') == 1
    assert '<a class="govuk-service-navigation__link" href="/children/caseload/" aria-current="true">' in page
    school = world.client_for(Role.SCHOOL_STAFF).get("/children/").text
    assert 'href="/children/caseload/"' not in school


def test_each_contact_and_session_is_counted_in_its_term_as_it_is_recorded(case: Case) -> None:
    from joinedup.cases.models import EngagementTerm
    from joinedup.cases.services import contact_record

    today = date.today()
    contact_record(actor=case.worker, enrolment=case.enrolment, kind="phone", happened_on=today)
    contact_record(actor=case.worker, enrolment=case.enrolment, kind="one_to_one", happened_on=today)
    referral_status_set(actor=case.partner, referral=case.referral, status="accepted", on=today)
    partner_session_record(actor=case.partner, referral=case.referral, happened_on=today, attendance="attended")
    partner_session_record(actor=case.partner, referral=case.referral, happened_on=today, attendance="did_not_attend")
    term = EngagementTerm.objects.get(enrolment=case.enrolment, starts=school_term(today)[0])
    assert (term.contacts, term.attended, term.did_not_attend, term.cancelled) == (2, 1, 1, 0)
    # The same counts the child's record shows term by term.
    shown = next(row for row in engagement(case.child) if row.starts == term.starts)
    assert (shown.contacts, shown.attended, shown.did_not_attend) == (2, 1, 1)
