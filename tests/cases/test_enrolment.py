"""Enrolling a child confirmed by identification, with the family's consent, and the one consent check."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.consent import consent_check
from joinedup.cases.models import Child, Consent, Enrolment
from joinedup.identification.models import CohortEntry
from joinedup.identification.services import cohort_decide, cohort_lock
from tests.conftest import World
from tests.identification.conftest import Screening

FORM = {
    "preferred_name": "",
    "sex": "F",
    "address_line_1": "12 Harrow Road",
    "address_line_2": "",
    "town": "London",
    "postcode": "nw10 5ab",
    "home_language": "Yoruba",
    "carer_name": "Ngozi Okafor",
    "carer_relationship": "mother",
    "parental_responsibility": "on",
    "carer_phone": "07700 900123",
    "carer_email": "",
    "given_by": "both",
    "obtained": "in_person",
    "given_on": "3/11/2026",
    "child_view": "I want help with my reading and making friends.",
    "evaluation": "on",
    "start_date": "4/11/2026",
}


def agreed(screening: Screening) -> CohortEntry:
    staff = screening.world.members[Role.SCHOOL_STAFF]
    amara = CohortEntry.objects.get(cohort=screening.cohort, pupil__upn="A001")
    cohort_decide(actor=staff, entry=amara, decision="confirmed", reason="")
    ben = CohortEntry.objects.get(cohort=screening.cohort, pupil__upn="A002")
    cohort_decide(actor=staff, entry=ben, decision="declined", reason="Supported elsewhere")
    cohort_lock(actor=staff, cohort=screening.cohort, agreed_with="Link Worker")
    return amara


def test_a_link_worker_enrols_a_confirmed_child_with_consent(screening: Screening) -> None:
    amara = agreed(screening)
    worker = screening.world.members[Role.LINK_WORKER]
    client = screening.world.client_for(Role.LINK_WORKER)
    page = client.get(f"/children/enrol/{amara.pk}/")
    assert page.status_code == 200
    assert "Economic disadvantage" in page.text
    response = client.post(f"/children/enrol/{amara.pk}/", {**FORM, "link_worker": worker.user.pk})
    assert response.status_code == 302, response.context["form"].errors
    enrolment = Enrolment.objects.select_related("child__family").get()
    child = enrolment.child
    assert (child.forenames, child.surname, child.date_of_birth) == ("Amara", "Okafor", date(2015, 10, 2))
    assert (child.home_postcode, child.link_worker, child.school) == ("NW10 5AB", worker.user, screening.school)
    assert enrolment.at_risk_domains == ["economic_disadvantage", "attendance", "reading", "maths"]
    assert enrolment.planned_end_date == date(2028, 11, 4)
    assert enrolment.cohort_entry == amara
    assert sorted(child.consents.values_list("purpose", flat=True)) == ["enrolment", "evaluation"]
    assert AuditEvent.objects.filter(record_type="enrolment", child_id=child.pk).exists()
    record = client.get(response["Location"]).text
    assert "Building the relationship" in record
    assert "Taking part in the programme: consent, the child and a parent or carer (Ngozi Okafor)" in record
    # Off the "ready to contact" list, and not enrolled twice.
    assert "Record consent and enrol" not in client.get("/identification/").text
    again = client.post(f"/children/enrol/{amara.pk}/", {**FORM, "link_worker": worker.user.pk})
    assert "already enrolled" in again.text
    assert Child.objects.filter(enrolments__isnull=False).count() == 1


def test_bad_answers_are_named_and_nothing_is_written(screening: Screening) -> None:
    amara = agreed(screening)
    client = screening.world.client_for(Role.LINK_WORKER)
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    page = client.post(
        f"/children/enrol/{amara.pk}/",
        {**FORM, "postcode": "NOT A POSTCODE", "given_on": tomorrow, "carer_name": ""},
    ).text
    assert "Enter a full UK postcode, like NW10 5AB" in page
    assert "cannot be in the future" in page
    assert not Enrolment.objects.exists()
    assert not Child.objects.filter(forenames="Amara", date_of_birth=date(2015, 10, 2)).exists()


def test_only_confirmed_children_on_agreed_lists_at_ones_own_schools(screening: Screening) -> None:
    amara = CohortEntry.objects.get(cohort=screening.cohort, pupil__upn="A001")
    client = screening.world.client_for(Role.LINK_WORKER)
    assert client.get(f"/children/enrol/{amara.pk}/").status_code == 404  # not yet confirmed
    amara = agreed(screening)
    declined = CohortEntry.objects.get(cohort=screening.cohort, pupil__upn="A002")
    assert client.get(f"/children/enrol/{declined.pk}/").status_code == 404
    for role in (Role.SCHOOL_STAFF, Role.DATA_LEAD, Role.COMMISSIONER):
        assert screening.world.client_for(role).get(f"/children/enrol/{amara.pk}/").status_code == 403
    screening.world.members[Role.LINK_WORKER].schools.clear()
    assert client.get(f"/children/enrol/{amara.pk}/").status_code == 404


def test_the_consent_check_says_what_is_missing(screening: Screening) -> None:
    amara = agreed(screening)
    worker = screening.world.members[Role.LINK_WORKER]
    screening.world.client_for(Role.LINK_WORKER).post(
        f"/children/enrol/{amara.pk}/", {**FORM, "evaluation": "", "link_worker": worker.user.pk}
    )
    child = Child.objects.get(enrolments__isnull=False)
    assert consent_check(child, Consent.Purpose.ENROLMENT).ok
    evaluation = consent_check(child, Consent.Purpose.EVALUATION)
    assert not evaluation.ok
    assert evaluation.missing == (
        "There is no consent to using data to evaluate the programme on record. Record the family's consent first."
    )
    enrolment_consent = child.consents.get()
    enrolment_consent.withdrawn_on = date(2026, 12, 1)
    enrolment_consent.withdrawn_by = "Ngozi Okafor"
    enrolment_consent.save()
    assert consent_check(child, Consent.Purpose.ENROLMENT, on=date(2026, 11, 30)).ok
    withdrawn = consent_check(child, Consent.Purpose.ENROLMENT, on=date(2026, 12, 2))
    assert withdrawn.missing.startswith("Consent to taking part in the programme was withdrawn on 1 December 2026 by")
    # Recording a contact checks it: none after the family withdrew.
    from joinedup.cases.services import contact_record

    enrolment_consent.withdrawn_on = date.today() - timedelta(days=1)
    enrolment_consent.save()
    with pytest.raises(ValidationError, match="withdrawn"):
        contact_record(actor=worker, enrolment=child.enrolments.get(), kind="phone", happened_on=date.today())
    sharing = consent_check(child, Consent.Purpose.SHARING, organisation_id=screening.world.programme.pk)
    assert "no consent to sharing" in sharing.missing


def test_another_basis_needs_its_reason(db: None) -> None:
    with pytest.raises(ValidationError):
        Consent(purpose="sharing", basis="safeguarding", given_on=date(2026, 1, 1)).full_clean(
            exclude=["child", "created_by", "modified_by"]
        )


def test_consent_is_recorded_withdrawn_and_another_basis_needs_a_reason(world: World) -> None:
    child = world.children["own"]
    client = world.client_for(Role.LINK_WORKER)
    url = f"/children/{child.pk}/consents/new/"
    refused = client.post(url, {"purpose": "sharing", "basis": "safeguarding", "given_on": "1/11/2026"}).text
    assert "Say why this basis applies" in refused
    assert "Choose the organisation" in refused
    early_help = world.children["other_org"].school  # any organisation in the borough
    response = client.post(
        url,
        {
            "purpose": "sharing",
            "basis": "safeguarding",
            "organisation": early_help.pk,
            "given_on": "1/11/2026",
            "basis_reason": "Disclosure at school; the DSL agreed to share with the school nurse.",
        },
    )
    assert response.status_code == 302
    sharing = Consent.objects.get(child=child, purpose="sharing")
    assert sharing.basis_decided_by == world.members[Role.LINK_WORKER].user
    assert consent_check(child, "sharing", organisation_id=early_help.pk).ok

    client.post(url, {"purpose": "evaluation", "basis": "consent", "given_by": "parent", "given_on": "1/11/2026"})
    evaluation = Consent.objects.get(child=child, purpose="evaluation")
    withdraw = f"/children/{child.pk}/consents/{evaluation.pk}/withdraw/"
    assert "Say who withdrew it" in client.post(withdraw, {"withdrawn_by": "", "withdrawn_on": "2/11/2026"}).text
    client.post(withdraw, {"withdrawn_by": "Her mother, by phone", "withdrawn_on": "2/11/2026"})
    assert not consent_check(child, "evaluation").ok
    record = client.get(f"/children/{child.pk}/").text
    assert "Withdrawn 2 Nov 2026" in record
    assert AuditEvent.objects.filter(record_type="consent", child_id=child.pk).count() == 3


def test_a_transfer_keeps_everything_and_moves_who_sees_the_child(screening: Screening) -> None:
    from tests.factories import MembershipFactory

    amara = agreed(screening)
    world = screening.world
    worker = world.members[Role.LINK_WORKER]
    client = world.client_for(Role.LINK_WORKER)
    client.post(f"/children/enrol/{amara.pk}/", {**FORM, "link_worker": worker.user.pk})
    child = Child.objects.get(enrolments__isnull=False)
    colleague = MembershipFactory.create(
        organisation=world.programme, area=world.area, role=Role.LINK_WORKER, user__full_name="Sam Colleague"
    )
    url = f"/children/{child.pk}/enrolment/"
    assert (
        "Give the reason for closing before the planned end"
        in client.post(url, {"stage": "closed", "link_worker": worker.user.pk}).text
    )
    response = client.post(url, {"stage": "active_plan", "link_worker": colleague.user.pk})
    assert response["Location"] == "/children/"  # handed over: no longer theirs to see
    child.refresh_from_db()
    enrolment = child.enrolments.get()
    assert (child.link_worker, enrolment.link_worker, enrolment.stage) == (
        colleague.user,
        colleague.user,
        "active_plan",
    )
    assert child.consents.count() == 2  # everything stays with the child
    assert client.get(f"/children/{child.pk}/").status_code == 404
    manager = world.client_for(Role.TEAM_MANAGER)
    manager.post(url, {"stage": "closed", "link_worker": colleague.user.pk, "closure_reason": "Family moved away"})
    enrolment.refresh_from_db()
    assert (enrolment.stage, enrolment.closure_reason, enrolment.closed_on) == (
        "closed",
        "Family moved away",
        date.today(),
    )
    assert manager.get(url).status_code == 404  # no open enrolment to change


def test_the_caseload_shows_what_is_due_and_takes_a_contact_in_place(
    screening: Screening, django_assert_max_num_queries: Any
) -> None:
    amara = agreed(screening)
    worker = screening.world.members[Role.LINK_WORKER]
    client = screening.world.client_for(Role.LINK_WORKER)
    long_ago = (date.today() - timedelta(days=60)).strftime("%d/%m/%Y")
    client.post(
        f"/children/enrol/{amara.pk}/",
        {**FORM, "given_on": long_ago, "start_date": long_ago, "link_worker": worker.user.pk},
    )
    child = Child.objects.get(enrolments__isnull=False)
    with django_assert_max_num_queries(15):
        page = client.get("/children/caseload/").text
    assert "Amara Okafor" in page
    assert "None yet" in page
    assert "Contact overdue" in page
    row = client.post(
        f"/children/{child.pk}/contacts/new/",
        {"kind": "one_to_one", "happened_on": date.today().isoformat(), "notes": "Talked about friendships"},
        headers={"HX-Request": "true"},
    ).text
    assert row.lstrip().startswith("<tr")
    assert "Contact overdue" not in row
    assert date.today().strftime("%-d %b %Y") in row
    future = (date.today() + timedelta(days=3)).isoformat()
    refused = client.post(
        f"/children/{child.pk}/contacts/new/", {"kind": "phone", "happened_on": future}, headers={"HX-Request": "true"}
    ).text
    assert "The date cannot be in the future." in refused
    assert child.enrolments.get().contacts.count() == 1
    # The manager sees the team's caseloads with the counts.
    team = screening.world.client_for(Role.TEAM_MANAGER).get("/children/caseload/").text
    assert worker.user.full_name in team


def test_a_manager_sets_the_boroughs_case_settings(world: World) -> None:
    from joinedup.cases.models import CaseSettings

    client = world.client_for(Role.TEAM_MANAGER)
    assert client.get("/children/settings/").status_code == 200
    response = client.post(
        "/children/settings/",
        {
            "target_caseload": "20",
            "contact_every_days": "7",
            "review_every_weeks": "12",
            "high_engagement_contacts": "5",
            "high_engagement_attendance": "80",
        },
    )
    assert response.status_code == 302
    assert CaseSettings.for_area(world.area.pk).contact_every_days == 7
    assert CaseSettings.for_area(world.other_area.pk).contact_every_days == 14  # another borough keeps its own


def test_the_chronology_tells_the_case_in_order_and_exports_safely(screening: Screening) -> None:
    import csv
    import io

    amara = agreed(screening)
    worker = screening.world.members[Role.LINK_WORKER]
    client = screening.world.client_for(Role.LINK_WORKER)
    long_ago = (date.today() - timedelta(days=30)).strftime("%d/%m/%Y")
    answers = {**FORM, "given_on": long_ago, "start_date": long_ago, "link_worker": worker.user.pk}
    client.post(f"/children/enrol/{amara.pk}/", answers)
    child = Child.objects.get(enrolments__isnull=False)
    client.post(
        f"/children/{child.pk}/contacts/new/",
        {"kind": "one_to_one", "happened_on": date.today().isoformat(), "notes": "=HYPERLINK(evil)"},
    )
    page = client.get(f"/children/{child.pk}/chronology/").text
    # Newest first: today's contact and screening, then the enrolment and consent backdated a month.
    titles = ["1:1 session", "Confirmed on the school", "Identified", "Enrolled on the programme", "Consent recorded"]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    contacts_only = client.get(f"/children/{child.pk}/chronology/", {"kind": "contact"}).text
    assert "1:1 session" in contacts_only
    assert "Enrolled on the programme" not in contacts_only
    download = client.get(f"/children/{child.pk}/chronology/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    [contact] = [row for row in rows if row["kind"] == "Contacts"]
    assert contact["detail"] == "'=HYPERLINK(evil)"  # a spreadsheet shows it, never runs it
    assert AuditEvent.objects.filter(record_type="chronology", action="export", child_id=child.pk).exists()
