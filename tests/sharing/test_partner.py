from __future__ import annotations

import datetime as dt
from typing import Any

from joinedup.accounts.models import Organisation, Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.models import Child
from joinedup.sharing.models import MatchPair, MatchRun, SharedCase
from joinedup.sharing.services import pair_undo
from tests.factories import EnrolmentFactory, MembershipFactory, OrganisationFactory, verified_login
from tests.sharing.conftest import Sharing, agreement_make


def shared_names(sharing: Sharing, client_role: Role = Role.PARTNER_PROFESSIONAL) -> str:
    return sharing.world.client_for(client_role).get("/sharing/shared-with-you/").text


def test_a_partner_sees_only_the_children_shared_with_their_organisation(sharing: Sharing) -> None:
    run = sharing.run()
    page = shared_names(sharing)
    for name in ("Amelia Thornton", "Oliver Nakamura", "Isla Brennan", "Jack Okonkwo", "Freya Lindqvist"):
        assert name in page
    # Pairs still to review, and our children they do not hold, are not shown; nor are their own unmatched rows.
    for name in ("William Patterson", "Noah Adeyemi", "Zara Mahmood", "Harriet", "Vasquez"):
        assert name not in page
    assert "Link Worker" in page
    assert "link_worker@example.org" in page
    events = AuditEvent.objects.filter(record_type="sharing.shared_case", action="view")
    assert events.count() == 5
    assert set(events.values_list("purpose", flat=True)) == {"shared_case"}

    pair_undo(actor=sharing.data_lead, pair=run.pairs.get(partner_record_id="P001"))
    assert "Amelia Thornton" not in shared_names(sharing)


def test_another_organisation_or_borough_sees_none_of_them(sharing: Sharing) -> None:
    sharing.run()
    world = sharing.world
    social_care = OrganisationFactory.create(name="Social care", kind=Organisation.Kind.SOCIAL_CARE, areas=[world.area])
    stranger = MembershipFactory.create(organisation=social_care, area=world.area, role=Role.PARTNER_PROFESSIONAL)
    far = MembershipFactory.create(
        user=sharing.partner_professional.user,
        organisation=sharing.partner,
        area=world.other_area,
        role=Role.PARTNER_PROFESSIONAL,
    )
    sharing.partner.areas.add(world.other_area)
    client = world.client_for(Role.PARTNER_PROFESSIONAL)
    verified_login(client, stranger.user)
    assert "Amelia Thornton" not in client.get("/sharing/shared-with-you/").text
    # The partner's membership in another borough sees no child of this one.
    from joinedup.sharing.access import shared_cases_for_partner

    assert not shared_cases_for_partner(far).exists()
    assert shared_cases_for_partner(sharing.partner_professional).count() == 5
    # Other roles are refused the page.
    for role in (Role.LINK_WORKER, Role.DATA_LEAD, Role.COMMISSIONER):
        assert world.client_for(role).get("/sharing/shared-with-you/").status_code == 403
    # A school's or a delivery partner's people see the page, with none of another organisation's children.
    for role in (Role.SCHOOL_STAFF, Role.DELIVERY_PRACTITIONER):
        page = world.client_for(role).get("/sharing/shared-with-you/")
        assert page.status_code == 200
        assert "Amelia Thornton" not in page.text


def test_an_agreement_no_longer_in_force_shares_nothing(sharing: Sharing) -> None:
    sharing.run()
    sharing.agreement.signed_off_at = None
    sharing.agreement.save()
    page = shared_names(sharing)
    assert "Amelia Thornton" not in page
    assert "No children are shared with you." in page
    assert "are not shown: the agreement with Brent Early Help has not been signed off." in page


def test_the_child_record_and_caseload_show_the_shared_case(sharing: Sharing) -> None:
    sharing.run()
    amelia = Child.objects.get(forenames="Amelia", surname="Thornton")
    worker = sharing.world.client_for(Role.LINK_WORKER)
    record = worker.get(f"/children/{amelia.pk}/").text
    assert "Also worked with by Brent Early Help" in record
    assert "under agreement “Early Help and Link Programme”" in record
    EnrolmentFactory.create(child=amelia)
    EnrolmentFactory.create(child=Child.objects.get(forenames="Noah"))
    caseload = worker.get("/children/caseload/").text
    assert caseload.count("Shared case</strong>") == 1
    assert (
        '<span class="govuk-visually-hidden"> with</span> <span class="govuk-body-s">Brent Early Help</span>'
        in caseload
    )
    assert "Noah" in caseload
    shared_only = worker.get("/children/caseload/", {"shared": "1"}).text
    assert "Amelia" in shared_only
    assert "Noah" not in shared_only
    assert "1 child on the programme matches the choices below." in shared_only
    # School staff see the child but not which agencies work with the family; the data lead does.
    school = sharing.world.client_for(Role.SCHOOL_STAFF).get(f"/children/{amelia.pk}/").text
    assert "Also worked with by" not in school
    data_lead = sharing.world.client_for(Role.DATA_LEAD).get(f"/children/{amelia.pk}/").text
    assert "Also worked with by Brent Early Help" in data_lead


def test_a_shared_case_from_another_agreement_is_kept_apart(sharing: Sharing) -> None:
    """Two partners each have their own shared case with the same child."""
    sharing.run()
    world = sharing.world
    health = OrganisationFactory.create(name="Health visiting", kind=Organisation.Kind.HEALTH, areas=[world.area])
    agreement = agreement_make(world, health, title="Health and Link Programme")
    sharing.agreement = agreement
    run = sharing.run()
    assert run.status == MatchRun.Status.FINISHED
    amelia = Child.objects.get(forenames="Amelia", surname="Thornton")
    assert set(SharedCase.objects.filter(child=amelia).values_list("partner__name", flat=True)) == {
        "Brent Early Help",
        "Health visiting",
    }
    assert MatchPair.objects.filter(child=amelia).count() == 2


def test_the_partner_finds_a_child_by_name_a_page_at_a_time_and_only_the_shown_are_audited(
    sharing: Sharing, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from joinedup.sharing import selectors

    sharing.run()
    monkeypatch.setattr(selectors, "PAGE_ROWS", 2)
    client = sharing.world.client_for(Role.PARTNER_PROFESSIONAL)
    seen = AuditEvent.objects.filter(purpose="shared_case").count()
    # The page also lists the plans shared with the person by name (one query more).
    with django_assert_max_num_queries(16):
        first = client.get("/sharing/shared-with-you/").text
    assert "5 children." in first
    assert 'rel="next"' in first
    assert AuditEvent.objects.filter(purpose="shared_case").count() == seen + 2
    found = client.get("/sharing/shared-with-you/", {"q": "okonkwo"}).text
    assert "1 child matching “okonkwo”." in found
    assert "Jack Okonkwo" in found
    assert "Amelia Thornton" not in found
    assert "No child shared with you matches “zzz”." in client.get("/sharing/shared-with-you/", {"q": "zzz"}).text


def test_a_run_page_lists_automatic_pairs_a_page_at_a_time(
    sharing: Sharing, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from joinedup.sharing import selectors

    run = sharing.run()
    monkeypatch.setattr(selectors, "PAGE_ROWS", 2)
    client = sharing.world.client_for(Role.DATA_LEAD)
    with django_assert_max_num_queries(24):
        page = client.get(f"/sharing/runs/{run.pk}/").text
    assert 'rel="next"' in page
    assert client.get(f"/sharing/runs/{run.pk}/", {"page": 3}).status_code == 200


def test_a_caseload_row_drawn_again_after_a_contact_still_says_whom_the_child_is_shared_with(
    sharing: Sharing,
) -> None:
    sharing.run()
    amelia = Child.objects.get(forenames="Amelia", surname="Thornton")
    EnrolmentFactory.create(child=amelia, link_worker=sharing.world.members[Role.LINK_WORKER].user)
    worker = sharing.world.client_for(Role.LINK_WORKER)
    row = worker.post(
        f"/children/{amelia.pk}/contacts/new/",
        {"kind": "one_to_one", "happened_on": dt.date.today().isoformat(), "notes": "Talked about school"},
        headers={"HX-Request": "true"},
    ).text
    assert row.lstrip().startswith("<tr")
    assert "Amelia Thornton" in row
    assert "Shared case</strong>" in row


def test_a_partner_sees_only_what_the_agreement_lets_us_send(sharing: Sharing) -> None:
    sharing.agreement.fields_we_send = ["forenames", "surname", "date_of_birth", "postcode"]
    sharing.agreement.save()
    sharing.run()
    page = shared_names(sharing)
    assert "Amelia Thornton" in page
    assert "Not shared" in page  # the school is not in what we send
    amelia = Child.objects.get(forenames="Amelia", surname="Thornton")
    assert amelia.school.name not in page

    sharing.agreement.fields_we_send = ["date_of_birth", "postcode"]
    sharing.agreement.save()
    client = sharing.world.client_for(Role.PARTNER_PROFESSIONAL)
    page = client.get("/sharing/shared-with-you/").text
    assert "Amelia" not in page
    assert "Thornton" not in page
    assert "P001" in page  # their own record number, to find the child in their own system
    # A name we may not send cannot be found by searching for it either.
    assert "No child shared with you matches" in client.get("/sharing/shared-with-you/", {"q": "Thornton"}).text
    assert "P001" in client.get("/sharing/shared-with-you/", {"q": "p001"}).text


def test_the_agreement_page_says_what_the_partner_sees(sharing: Sharing) -> None:
    client = sharing.world.client_for(Role.DATA_LEAD)
    page = client.get(f"/sharing/agreements/{sharing.agreement.pk}/").text
    assert "Their list of children shared with them shows" in page
    assert "Programme data lead" in page
