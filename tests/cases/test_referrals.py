"""Closed-loop referrals through the pages: the Link Worker refers and follows, the delivery partner answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from joinedup.accounts.models import Membership, Organisation, Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.models import (
    Child,
    Consent,
    Enrolment,
    Goal,
    PartnerSession,
    Plan,
    Referral,
    ReferralEvent,
)
from joinedup.cases.referrals import referral_create, referral_status_set
from joinedup.directory.models import Service, ServiceProfile
from tests.conftest import World
from tests.factories import (
    ChildFactory,
    EnrolmentFactory,
    FamilyMemberFactory,
    MembershipFactory,
    OrganisationFactory,
    verified_login,
)

TODAY = date.today()
NO_CONSENT = "There is no consent to a referral to this service on record. Record the family's consent first."


@dataclass
class Setting:
    world: World
    child: Child
    enrolment: Enrolment
    partner: Organisation
    mentoring: Service  # a delivery partner's service: answered in Joinedup
    tutoring: Service  # not in Joinedup: the Link Worker records its answers

    @property
    def link_worker(self) -> Membership:
        return self.world.members[Role.LINK_WORKER]

    @property
    def practitioner(self) -> Membership:
        return self.world.members[Role.DELIVERY_PRACTITIONER]

    def client(self, role: Role) -> Client:
        return self.world.client_for(role)

    def detail_url(self, referral: Referral) -> str:
        return f"/children/{referral.enrolment.child_id}/referrals/{referral.pk}/"


def enrol(child: Child, domains: list[str] | None = None) -> Enrolment:
    assert child.link_worker is not None
    return EnrolmentFactory.create(
        child=child,
        start_date=TODAY - timedelta(days=60),
        planned_end_date=TODAY + timedelta(days=600),
        at_risk_domains=domains or [],
    )


def service(world: World, name: str, n: int, partner: Organisation | None = None) -> Service:
    found = Service.objects.create(id=f"5e000000-0000-4000-8000-{n:012d}", name=name, area=world.area)
    ServiceProfile.objects.create(service=found, is_delivery_partner=partner is not None, delivery_partner=partner)
    return found


def consent_for(child: Child, found: Service) -> Consent:
    return Consent.objects.create(
        child=child, purpose="referral", service_id=found.id, given_by="parent", given_on=TODAY - timedelta(days=1)
    )


def referral_for(
    setting: Setting, *, found: Service | None = None, child: Child | None = None, sent: bool = True, **kwargs: Any
) -> Referral:
    """A referral made through the service, sent (with consent on record) unless ``sent`` is false."""
    child = child or setting.child
    found = found or setting.mentoring
    enrolment = child.enrolments.get() if child != setting.child else setting.enrolment
    actor = Membership.objects.get(user=child.link_worker, role=Role.LINK_WORKER)
    if sent:
        consent_for(child, found)
    return referral_create(
        actor=actor,
        enrolment=enrolment,
        service=found,
        reason=kwargs.pop("reason", "Amara finds it hard to make friends."),
        shared=kwargs.pop("shared", ["child", "message"]),
        send=sent,
        **kwargs,
    )


@pytest.fixture
def setting(world: World) -> Setting:
    child = world.children["own"]
    FamilyMemberFactory.create(family=child.family, full_name="Grace Okafor", phone="07700 900123")
    FamilyMemberFactory.create(
        family=child.family, full_name="Uncle Femi", relationship="other", parental_responsibility=False
    )
    partner = world.members[Role.DELIVERY_PRACTITIONER].organisation
    return Setting(
        world=world,
        child=child,
        enrolment=enrol(child, ["peer_relationships", "attendance"]),
        partner=partner,
        mentoring=service(world, "Step Up Mentoring", 1, partner),
        tutoring=service(world, "Maths Tutoring Club", 2),
    )


def errors_of(page: str) -> str:
    return page.replace("&#x27;", "'").replace("&quot;", '"')


# -- the life cycle through the pages ------------------------------------------------------------


def test_refer_with_consent_in_the_form_then_the_partner_answers_and_closes_the_loop(setting: Setting) -> None:
    worker = setting.client(Role.LINK_WORKER)
    url = f"/children/{setting.child.pk}/referrals/new/{setting.mentoring.id}/"
    form = worker.get(url).text
    assert "Refer Amara Okafor to Step Up Mentoring" in form
    assert NO_CONSENT in errors_of(form)
    assert "Always shared: the child's name, age and school" in errors_of(form)

    response = worker.post(
        url,
        {
            "reason": "Amara wants help making friends.",
            "shared": ["contact", "needs", "message"],
            "record_consent": "on",
            "given_by": "parent",
            "given_by_name": "Grace Okafor",
            "obtained": "phone",
            "given_on": TODAY.strftime("%d/%m/%Y"),
            "action": "send",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == setting.detail_url(referral)
    assert referral.status == "sent"
    assert referral.shared == ["child", "contact", "needs", "message"]
    assert referral.partner_organisation == setting.partner
    consent = Consent.objects.get(purpose="referral")
    assert (consent.service_id, consent.given_by_name, consent.obtained) == (
        setting.mentoring.id,
        "Grace Okafor",
        "phone",
    )
    assert referral.consent == consent

    page = worker.get(response["Location"]).text
    assert "Sent the referral to Counselling Partner." in page
    assert "Consent relied on" in page
    assert "Grace Okafor" in page
    # The programme does not answer for a delivery partner: sending is done, withdrawing is left.
    assert "Withdraw" in page
    assert ">Accept<" not in page

    partner = setting.client(Role.DELIVERY_PRACTITIONER)
    listing = partner.get("/partner/").text
    assert "Amara Okafor" in listing
    assert "New (1)" in listing
    assert (
        partner.post(f"/partner/referrals/{referral.pk}/move/", {"move-status": "accepted", "move-on": TODAY})[
            "Location"
        ]
        == f"/partner/referrals/{referral.pk}/"
    )
    referral.refresh_from_db()
    assert (referral.status, referral.answered_on) == ("accepted", TODAY)

    row = partner.post(
        f"/partner/referrals/{referral.pk}/sessions/",
        {"session-happened_on": TODAY.isoformat(), "session-attendance": "attended", "session-minutes": "45"},
        headers={"HX-Request": "true"},
    ).text
    assert row.lstrip().startswith('<section id="sessions"')
    assert "Attended 1 of 1 session" in row
    assert 'id="referral-status" hx-swap-oob="true"' in row
    assert "Recorded the session on" in row
    referral.refresh_from_db()
    assert (referral.status, referral.started_on) == ("started", TODAY)

    partner.post(
        f"/partner/referrals/{referral.pk}/move/",
        {"move-status": "completed", "move-on": TODAY, "move-reason": "Finished the 6 weeks."},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.ended_on, referral.status_reason) == ("completed", TODAY, "Finished the 6 weeks.")
    assert list(referral.events.values_list("status", flat=True)) == [
        "draft",
        "sent",
        "accepted",
        "started",
        "completed",
    ]

    page = worker.get(setting.detail_url(referral)).text
    assert "Attended 1 of 1 session" in page
    assert "Counselling Partner" in page  # who answered, on the timeline
    assert "Finished the 6 weeks." in page
    assert "Move the referral on" not in page  # a completed referral is finished


def test_sending_without_consent_is_refused_with_what_is_missing_and_nothing_is_kept(setting: Setting) -> None:
    worker = setting.client(Role.LINK_WORKER)
    before = AuditEvent.objects.filter(action="create").count()
    response = worker.post(
        f"/children/{setting.child.pk}/referrals/new/{setting.mentoring.id}/",
        {"reason": "Friendships.", "shared": ["message"], "action": "send"},
    )
    assert response.status_code == 200
    assert NO_CONSENT in errors_of(response.text)
    assert 'href="#id_record_consent"' in response.text
    assert not Referral.objects.exists()
    assert not ReferralEvent.objects.exists()
    assert not Consent.objects.exists()
    assert AuditEvent.objects.filter(action="create").count() == before


def test_consent_typed_in_is_not_kept_when_the_referral_is_refused(setting: Setting) -> None:
    response = setting.client(Role.LINK_WORKER).post(
        f"/children/{setting.child.pk}/referrals/new/{setting.mentoring.id}/",
        {"reason": "  ", "record_consent": "on", "given_by": "parent", "given_on": TODAY.isoformat(), "action": "send"},
    )
    assert "Say why this service" in errors_of(response.text)
    assert not Consent.objects.exists()
    assert not Referral.objects.exists()


def test_consent_needs_who_and_when(setting: Setting) -> None:
    response = setting.client(Role.LINK_WORKER).post(
        f"/children/{setting.child.pk}/referrals/new/{setting.mentoring.id}/",
        {"reason": "Friendships.", "record_consent": "on", "given_by": "", "given_on": "", "action": "send"},
    )
    text = errors_of(response.text)
    assert "Enter the date the family agreed" in text
    assert not Consent.objects.exists()
    assert not Referral.objects.exists()
    response = setting.client(Role.LINK_WORKER).post(
        f"/children/{setting.child.pk}/referrals/new/{setting.mentoring.id}/",
        {"reason": "Friendships.", "record_consent": "on", "given_by": "", "given_on": TODAY, "action": "send"},
    )
    assert "Say who gave consent." in response.text
    assert not Consent.objects.exists()
    assert not Referral.objects.exists()


def test_a_draft_from_the_plan_is_sent_later_with_consent_recorded_on_the_referral(setting: Setting) -> None:
    plan = Plan.objects.create(enrolment=setting.enrolment)
    goal = Goal.objects.create(plan=plan, domain="relationships", goal="Make a friend at school", success="A friend")
    worker = setting.client(Role.LINK_WORKER)
    url = f"/children/{setting.child.pk}/referrals/new/{setting.mentoring.id}/"
    form = worker.get(f"{url}?goal={goal.pk}").text
    assert f'<option value="{goal.pk}" selected>' in form
    worker.post(url, {"goal": goal.pk, "reason": "Friendships.", "shared": ["goal", "message"], "action": "draft"})
    referral = Referral.objects.get()
    assert (referral.status, referral.goal, referral.shared) == ("draft", goal, ["child", "goal", "message"])
    assert not setting.client(Role.DELIVERY_PRACTITIONER).get("/partner/").text.count("Amara")

    detail = setting.detail_url(referral)
    refused = worker.post(f"{detail}move/", {"status": "sent", "on": TODAY})
    assert NO_CONSENT in errors_of(refused.text)
    referral.refresh_from_db()
    assert referral.status == "draft"

    sent = worker.post(
        f"{detail}move/",
        {"status": "sent", "on": TODAY, "record_consent": "on", "given_by": "both", "given_on": TODAY},
    )
    assert sent.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "sent"
    assert referral.consent is not None
    assert referral.consent.given_by == "both"


def test_declining_needs_a_reason_and_a_refusal_changes_nothing(setting: Setting) -> None:
    referral = referral_for(setting)
    partner = setting.client(Role.DELIVERY_PRACTITIONER)
    url = f"/partner/referrals/{referral.pk}/move/"
    refused = partner.post(url, {"move-status": "declined", "move-on": TODAY, "move-reason": ""})
    assert refused.status_code == 200
    assert "Give the reason it was declined." in refused.text
    referral.refresh_from_db()
    assert (referral.status, referral.events.count()) == ("sent", 2)
    partner.post(url, {"move-status": "declined", "move-on": TODAY, "move-reason": "No places until spring."})
    referral.refresh_from_db()
    assert (referral.status, referral.status_reason) == ("declined", "No places until spring.")
    assert "No places until spring." in setting.client(Role.LINK_WORKER).get(setting.detail_url(referral)).text


def test_withdrawing_needs_a_reason(setting: Setting) -> None:
    referral = referral_for(setting)
    worker = setting.client(Role.LINK_WORKER)
    url = f"{setting.detail_url(referral)}move/"
    assert "Give the reason it was withdrawn." in worker.post(url, {"status": "withdrawn", "on": TODAY}).text
    referral.refresh_from_db()
    assert referral.status == "sent"
    worker.post(url, {"status": "withdrawn", "on": TODAY, "reason": "The family moved away."})
    referral.refresh_from_db()
    assert (referral.status, referral.ended_on) == ("withdrawn", TODAY)


def test_wrong_moves_are_refused_with_a_clear_message(setting: Setting) -> None:
    referral = referral_for(setting)
    partner = setting.client(Role.DELIVERY_PRACTITIONER)
    skipped = partner.post(f"/partner/referrals/{referral.pk}/move/", {"move-status": "completed", "move-on": TODAY})
    assert "A sent referral cannot become completed; it can become accepted, declined, withdrawn." in skipped.text
    # The Link Worker does not answer for a partner that is in Joinedup.
    worker = setting.client(Role.LINK_WORKER)
    answered = worker.post(f"{setting.detail_url(referral)}move/", {"status": "accepted", "on": TODAY})
    assert "This service's practitioners answer its referrals in Joinedup" in errors_of(answered.text)
    future = partner.post(
        f"/partner/referrals/{referral.pk}/move/",
        {"move-status": "accepted", "move-on": TODAY + timedelta(days=2)},
    )
    assert "The date cannot be in the future." in future.text
    # Sessions wait for the referral to be accepted.
    early = partner.post(
        f"/partner/referrals/{referral.pk}/sessions/",
        {"session-happened_on": TODAY.isoformat(), "session-attendance": "attended"},
    )
    assert "Sessions are recorded once the referral is accepted" in early.text
    referral.refresh_from_db()
    assert (referral.status, referral.events.count(), PartnerSession.objects.count()) == ("sent", 2, 0)


def test_the_link_worker_records_the_answers_of_a_service_not_in_joinedup(setting: Setting) -> None:
    referral = referral_for(setting, found=setting.tutoring)
    assert referral.partner_organisation is None
    worker = setting.client(Role.LINK_WORKER)
    page = worker.get(setting.detail_url(referral)).text
    assert ">Accept<" in page
    assert ">Decline<" in page
    assert ">Withdraw<" in page
    url = f"{setting.detail_url(referral)}move/"
    worker.post(url, {"status": "accepted", "on": TODAY})
    worker.post(url, {"status": "started", "on": TODAY})
    worker.post(url, {"status": "completed", "on": TODAY})
    referral.refresh_from_db()
    assert referral.status == "completed"
    assert AuditEvent.objects.filter(record_type="referral", action="change").count() == 4  # sent, and three answers
    # Not a partner's referral: no practitioner sees it.
    assert setting.client(Role.DELIVERY_PRACTITIONER).get(f"/partner/referrals/{referral.pk}/").status_code == 404


# -- what the delivery partner sees ---------------------------------------------------------------


def test_a_practitioner_sees_only_referrals_sent_to_their_organisation_in_their_borough(setting: Setting) -> None:
    world = setting.world
    sent = referral_for(setting)
    draft = referral_for(setting, sent=False, reason="Not sent yet.")
    elsewhere = OrganisationFactory.create(name="Other Partner", kind=Organisation.Kind.DELIVERY_PARTNER)
    to_another = referral_for(setting, found=service(world, "Another partner's club", 3, elsewhere))
    far = world.children["other_area"]
    enrol(far)
    far_referral = referral_for(setting, child=far)
    assert far_referral.partner_organisation == setting.partner

    partner = setting.client(Role.DELIVERY_PRACTITIONER)
    listing = partner.get("/partner/").text
    assert listing.count('href="/partner/referrals/') == 1
    assert f'href="/partner/referrals/{sent.pk}/"' in listing
    for hidden in (draft, to_another, far_referral):
        assert partner.get(f"/partner/referrals/{hidden.pk}/").status_code == 404
    assert partner.get(f"/children/{setting.child.pk}/").status_code == 404
    assert partner.get(f"/children/{setting.child.pk}/referrals/{sent.pk}/").status_code in (403, 404)
    # The same partner's practitioner in the other borough sees that borough's referral, and not this one.
    far_practitioner = MembershipFactory.create(
        organisation=setting.partner, area=world.other_area, role=Role.DELIVERY_PRACTITIONER
    )
    far_client = Client()
    verified_login(far_client, far_practitioner.user)
    assert far_client.get(f"/partner/referrals/{far_referral.pk}/").status_code == 200
    assert far_client.get(f"/partner/referrals/{sent.pk}/").status_code == 404


def test_the_partner_page_shows_only_what_was_shared(setting: Setting) -> None:
    partner = setting.client(Role.DELIVERY_PRACTITIONER)
    plan = Plan.objects.create(enrolment=setting.enrolment)
    goal = Goal.objects.create(plan=plan, domain="relationships", goal="Make a friend at school", success="A friend")
    little = referral_for(setting, shared=["child"], reason="Private reasoning for the programme.", goal=goal)
    page = partner.get(f"/partner/referrals/{little.pk}/").text
    assert "Amara Okafor" in page
    assert "Harrow Road Primary" in page
    for absent in ("07700 900123", "Grace Okafor", "Private reasoning", "Make a friend", "Attendance", "NW10"):
        assert absent not in page, absent
    assert page.count("Not shared") == 4

    full = referral_for(setting, shared=["child", "contact", "needs", "goal", "message"], goal=goal)
    page = partner.get(f"/partner/referrals/{full.pk}/").text
    assert "Grace Okafor" in page
    assert "07700 900123" in page
    assert "Uncle Femi" not in page  # no parental responsibility: not the family's contact
    assert "Make a friend at school" in page
    assert "Amara finds it hard to make friends." in page
    assert "Peer relationships" in page or "Peer Relationships" in page
    assert "NW10" not in page
    assert "4 May 2016" not in page


def test_the_partner_list_filters_by_status_with_counts(setting: Setting) -> None:
    practitioner = setting.practitioner
    new = referral_for(setting)
    active = referral_for(setting)
    referral_status_set(actor=practitioner, referral=active, status="accepted", on=TODAY)
    closed = referral_for(setting)
    referral_status_set(actor=practitioner, referral=closed, status="declined", on=TODAY, reason="Full.")
    partner = setting.client(Role.DELIVERY_PRACTITIONER)
    listing = partner.get("/partner/").text
    for label in ("All (3)", "New (1)", "Active (1)", "Closed (1)"):
        assert label in listing
    for key, shown in (("new", new), ("active", active), ("closed", closed)):
        page = partner.get(f"/partner/?status={key}").text
        assert page.count('href="/partner/referrals/') == 1
        assert f'href="/partner/referrals/{shown.pk}/"' in page


def test_the_partner_list_costs_the_same_number_of_queries_for_many_referrals(
    setting: Setting, django_assert_max_num_queries: Any
) -> None:
    partner = setting.client(Role.DELIVERY_PRACTITIONER)
    referral_for(setting)
    partner.get("/partner/")  # warm up (sessions, content types)
    with django_assert_max_num_queries(16):
        assert partner.get("/partner/").status_code == 200
    for n in range(25):
        child = ChildFactory.create(
            area=setting.world.area,
            school=setting.world.school,
            programme_organisation=setting.world.programme,
            link_worker=setting.link_worker.user,
        )
        enrol(child)
        made = referral_for(setting, child=child)
        if n % 2:
            referral_status_set(actor=setting.practitioner, referral=made, status="accepted", on=TODAY)
            PartnerSession.objects.create(referral=made, happened_on=TODAY, attendance="attended")
    with django_assert_max_num_queries(16):
        page = partner.get("/partner/").text
    assert page.count('href="/partner/referrals/') == 26
    assert "1 of 1" in page


# -- the gate and the audit log ---------------------------------------------------------------


def test_the_link_worker_of_another_child_is_refused(setting: Setting) -> None:
    referral = referral_for(setting)
    other_worker = setting.world.children["other_org"].link_worker
    assert other_worker is not None
    other = Client()
    verified_login(other, other_worker)
    assert other.get(f"/children/{setting.child.pk}/referrals/new/{setting.mentoring.id}/").status_code == 404
    assert other.get(setting.detail_url(referral)).status_code == 404
    assert other.post(f"{setting.detail_url(referral)}move/", {"status": "withdrawn", "reason": "x"}).status_code == 404
    # A referral is reached only under its own child's address.
    other_child = setting.world.children["other_org"]
    worker = setting.client(Role.LINK_WORKER)
    assert worker.get(f"/children/{other_child.pk}/referrals/{referral.pk}/").status_code == 404
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_school_staff_and_data_leads_do_not_work_referrals(setting: Setting) -> None:
    referral = referral_for(setting)
    for role in (Role.SCHOOL_STAFF, Role.DATA_LEAD):
        client = setting.client(role)
        assert client.get(setting.detail_url(referral)).status_code == 403
        assert "Step Up Mentoring" not in client.get(f"/children/{setting.child.pk}/").text


def test_every_referral_page_is_audited_with_the_child(setting: Setting) -> None:
    referral = referral_for(setting)
    child_id = setting.child.pk
    setting.client(Role.LINK_WORKER).get(f"/children/{child_id}/referrals/new/{setting.tutoring.id}/")
    assert AuditEvent.objects.filter(action="view", record_type="child", child_id=child_id).count() == 1
    setting.client(Role.LINK_WORKER).get(setting.detail_url(referral))
    seen = AuditEvent.objects.filter(action="view", record_type="referral", child_id=child_id)
    assert list(seen.values_list("role", "purpose")) == [("link_worker", "case_work")]
    partner = setting.client(Role.DELIVERY_PRACTITIONER)
    partner.get(f"/partner/referrals/{referral.pk}/")
    partner.post(f"/partner/referrals/{referral.pk}/move/", {"move-status": "accepted", "move-on": TODAY})
    partner.post(
        f"/partner/referrals/{referral.pk}/sessions/",
        {"session-happened_on": TODAY.isoformat(), "session-attendance": "did_not_attend"},
    )
    by_partner = AuditEvent.objects.filter(role="delivery_practitioner", child_id=child_id)
    assert set(by_partner.values_list("action", "record_type")) == {
        ("view", "referral"),
        ("change", "referral"),
        ("create", "partner_session"),
    }
    assert set(by_partner.filter(action="view").values_list("purpose", flat=True)) == {"delivery"}
    partner.get("/partner/")
    listed = AuditEvent.objects.get(record_type="partner_referral_list")
    assert listed.detail == {"status": "", "referrals": [referral.pk]}


# -- from the child's record and the directory ----------------------------------------------------


def test_the_child_record_lists_referrals_with_links(setting: Setting) -> None:
    referral = referral_for(setting)
    draft = referral_for(setting, found=setting.tutoring, sent=False)
    page = setting.client(Role.LINK_WORKER).get(f"/children/{setting.child.pk}/").text
    assert f'href="{setting.detail_url(referral)}"' in page
    assert f'href="{setting.detail_url(draft)}"' in page
    assert ">Sent</strong>" in page
    assert ">Draft</strong>" in page
    assert f"Sent {TODAY:%-d %b %Y}" in page


def test_the_directory_from_a_child_starts_with_their_needs_and_offers_to_refer(setting: Setting) -> None:
    worker = setting.client(Role.LINK_WORKER)
    page = worker.get(f"/directory/?child={setting.child.pk}").text
    assert 'value="relationships" checked' in page
    assert 'value="attendance" checked' in page
    assert 'value="attainment" checked' not in page
    assert '<input type="hidden" name="child"' in page
    # A search made (postcode sent) keeps the needs the person chose, even none.
    again = worker.get(f"/directory/?child={setting.child.pk}&postcode=NW10&age=9").text
    assert 'value="relationships" checked' not in again
    # From a goal on the plan, the search starts from the goal's need alone.
    from_goal = worker.get(f"/directory/?child={setting.child.pk}&goal=1&need=attendance").text
    assert 'value="attendance" checked' in from_goal
    assert 'value="relationships" checked' not in from_goal
    # School staff may search for the child, but do not refer.
    assert (
        "Each service has a link to refer"
        not in setting.client(Role.SCHOOL_STAFF).get(f"/directory/?child={setting.child.pk}").text
    )


def test_each_search_result_links_to_a_referral_of_the_child(world: World) -> None:
    from tests.directory.conftest import directory_build

    services = directory_build(world)
    child = world.children["own"]
    enrol(child, ["peer_relationships"])
    page = world.client_for(Role.LINK_WORKER).get(f"/directory/?child={child.pk}&goal=7").text
    link = f'href="/children/{child.pk}/referrals/new/{services["mentoring"].id}/?goal=7"'
    assert link in page
    assert 'Refer Amara Okafor<span class="govuk-visually-hidden"> to Step Up Mentoring</span>' in page
