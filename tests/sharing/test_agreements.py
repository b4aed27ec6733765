from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.sharing.models import DataSharingAgreement, MatchPair, SharedCase
from joinedup.sharing.services import (
    agreement_create,
    agreement_end,
    agreement_sign_off,
    agreement_update,
    pair_decide,
    pair_undo,
)
from tests.conftest import World
from tests.factories import OrganisationFactory
from tests.sharing.conftest import Sharing, agreement_make

TODAY = dt.date.today()


def terms(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "partner": world.members[Role.PARTNER_PROFESSIONAL].organisation,
        "title": "Early Help shared cases",
        "purpose": "To find the children both of us support.",
        "lawful_basis": "children_act_s10",
        "fields_we_send": ["forenames", "surname", "date_of_birth"],
        "fields_we_receive": ["record_id", "forenames", "surname", "date_of_birth", "postcode"],
        "run_roles": ["data_lead"],
        "result_roles": ["data_lead", "team_manager"],
        "starts_on": TODAY,
        "expires_on": TODAY + dt.timedelta(days=365),
        **changes,
    }


def test_an_agreement_is_in_force_only_once_signed_off_and_within_its_dates(world: World) -> None:
    lead = world.members[Role.DATA_LEAD]
    agreement = agreement_create(actor=lead, **terms(world))
    assert agreement.area == world.area
    assert agreement.organisation == world.programme
    assert agreement.created_by == lead.user
    assert not agreement.is_active()
    assert agreement.refusal() == "The agreement with Brent Early Help has not been signed off."
    # Whoever set the terms does not record their sign-off: someone else checks them.
    with pytest.raises(ValidationError, match="someone else records their sign-off"):
        agreement_sign_off(actor=lead, agreement=agreement, name="Dana Officer", role="Data protection officer")
    manager = world.members[Role.TEAM_MANAGER]
    agreement_sign_off(actor=manager, agreement=agreement, name="Dana Officer", role="Data protection officer")
    assert agreement.is_active()
    assert agreement.status() == "In force"
    assert not agreement.is_active(on=TODAY - dt.timedelta(days=1))
    assert AuditEvent.objects.filter(record_type="sharing.agreement", record_id=str(agreement.pk)).count() == 2


def test_the_refusal_says_when_the_agreement_expired(world: World) -> None:
    partner = world.members[Role.PARTNER_PROFESSIONAL].organisation
    agreement = agreement_make(
        world, partner, starts_on=dt.date(2025, 3, 4), review_on=None, expires_on=dt.date(2026, 3, 3)
    )
    assert agreement.refusal(on=dt.date(2026, 3, 4)) == "The agreement with Brent Early Help expired on 3 March 2026."
    assert agreement.is_active(on=dt.date(2026, 3, 3))


def test_a_match_needs_the_partner_to_send_names_and_dates_of_birth_and_nothing_is_saved(world: World) -> None:
    lead = world.members[Role.DATA_LEAD]
    with pytest.raises(ValidationError) as refused:
        agreement_create(actor=lead, **terms(world, fields_we_receive=["record_id", "surname"]))
    assert "first names and date of birth: include them" in str(refused.value.message_dict["fields_we_receive"])
    with pytest.raises(ValidationError) as refused:
        agreement_create(actor=lead, **terms(world, expires_on=TODAY - dt.timedelta(days=1)))
    assert "expires_on" in refused.value.message_dict
    assert not DataSharingAgreement.objects.exists()


def test_changing_the_terms_withdraws_the_sign_off(sharing: Sharing) -> None:
    agreement = agreement_update(actor=sharing.data_lead, agreement=sharing.agreement, title=sharing.agreement.title)
    assert agreement.is_signed_off  # nothing changed
    agreement = agreement_update(actor=sharing.data_lead, agreement=agreement, title="Shared cases, renamed")
    assert agreement.is_signed_off  # a new title changes no term of the sharing
    agreement = agreement_update(
        actor=sharing.data_lead, agreement=agreement, fields_we_receive=[*agreement.fields_we_receive, "upn"]
    )
    assert not agreement.is_signed_off
    assert agreement.refusal().endswith("has not been signed off.")
    assert agreement.modified_by == sharing.data_lead.user


def test_ending_an_agreement_ends_its_shared_cases(sharing: Sharing) -> None:
    sharing.run()
    assert SharedCase.objects.filter(ended_at__isnull=True).count() == 5
    with pytest.raises(ValidationError):
        agreement_end(actor=sharing.data_lead, agreement=sharing.agreement, reason=" ")
    agreement_end(actor=sharing.data_lead, agreement=sharing.agreement, reason="The service was recommissioned.")
    assert not SharedCase.objects.filter(ended_at__isnull=True).exists()
    assert sharing.agreement.refusal().startswith("The agreement with Brent Early Help was ended on")


def test_the_pages_add_sign_off_and_list_an_agreement(world: World) -> None:
    client = world.client_for(Role.TEAM_MANAGER)
    partner = world.members[Role.PARTNER_PROFESSIONAL].organisation
    form = {
        "partner": partner.pk,
        "title": "Early Help shared cases",
        "purpose": "To find the children both of us support.",
        "lawful_basis": "children_act_s11",
        "fields_we_send": ["forenames", "surname", "date_of_birth"],
        "fields_we_receive": ["record_id", "forenames", "surname"],
        "run_roles": ["data_lead"],
        "result_roles": ["data_lead", "team_manager"],
        "starts_on": TODAY.strftime("%d/%m/%Y"),
        "expires_on": (TODAY + dt.timedelta(days=90)).strftime("%d/%m/%Y"),
    }
    refused = client.post("/sharing/agreements/new/", form)
    assert refused.status_code == 200
    assert "A match needs the partner&#x27;s date of birth: include it in what we receive." in refused.text
    assert not DataSharingAgreement.objects.exists()
    form["fields_we_receive"] = ["record_id", "forenames", "surname", "date_of_birth"]
    saved = client.post("/sharing/agreements/new/", form)
    agreement = DataSharingAgreement.objects.get()
    assert saved["Location"] == f"/sharing/agreements/{agreement.pk}/"
    page = client.get(saved["Location"]).text
    assert "Awaiting sign-off" in page
    assert "Safeguarding and promoting children&#x27;s welfare" in page
    own = client.post(f"/sharing/agreements/{agreement.pk}/sign-off/", {"name": "Dana Officer", "role": "DPO"})
    assert "someone else records their sign-off" in own.text
    lead = world.client_for(Role.DATA_LEAD)
    lead.post(f"/sharing/agreements/{agreement.pk}/sign-off/", {"name": "Dana Officer", "role": "DPO"})
    listing = client.get("/sharing/agreements/").text
    assert "Early Help shared cases" in listing
    assert "In force" in listing


def test_the_partner_cannot_change_once_their_lists_have_been_matched(sharing: Sharing) -> None:
    sharing.run()
    stranger = OrganisationFactory.create(name="Another Council Early Help")
    with pytest.raises(ValidationError) as refused:
        agreement_update(actor=sharing.data_lead, agreement=sharing.agreement, partner=stranger)
    assert "end it and make a new one" in str(refused.value)
    sharing.agreement.refresh_from_db()
    assert sharing.agreement.partner == sharing.partner
    assert sharing.agreement.is_signed_off


def test_ending_an_agreement_deletes_what_the_partner_sent_about_each_child(sharing: Sharing) -> None:
    run = sharing.run()
    pair = pair_decide(actor=sharing.data_lead, pair=run.pairs.get(partner_record_id="P006"), decision="reject")
    assert pair.partner_details["forenames"] == "Will"
    agreement_end(actor=sharing.data_lead, agreement=sharing.agreement, reason="The service was recommissioned.")
    pair.refresh_from_db()
    assert pair.partner_details == {}
    # The pairs nobody decided are not kept; the decided ones are the record, and can no longer change.
    assert not run.pairs.filter(decision=MatchPair.Decision.UNDECIDED).exists()
    with pytest.raises(ValidationError, match="has ended: the decisions on its lists stand"):
        pair_undo(actor=sharing.data_lead, pair=pair)
    page = sharing.world.client_for(Role.DATA_LEAD).get(f"/sharing/pairs/{pair.pk}/").text
    assert "Deleted when the agreement ended" in page
    assert "Will" not in page.replace("William", "")


def test_the_agreement_form_says_what_each_field_needs_in_words(world: World) -> None:
    client = world.client_for(Role.DATA_LEAD)
    partner = world.members[Role.PARTNER_PROFESSIONAL].organisation
    form = {
        "partner": partner.pk,
        "title": "Early Help shared cases",
        "purpose": "To find the children both of us support.",
        "lawful_basis": "public_task",
        "fields_we_receive": ["record_id", "forenames", "surname", "date_of_birth"],
        "run_roles": ["data_lead"],
        "result_roles": ["data_lead"],
        "expires_on": (TODAY + dt.timedelta(days=90)).strftime("%d/%m/%Y"),
    }
    page = client.post("/sharing/agreements/new/", form).text
    assert "Enter the day the agreement starts." in page
    form["starts_on"] = TODAY.strftime("%d/%m/%Y")
    page = client.post("/sharing/agreements/new/", form).text
    assert "A match compares our children&#x27;s first names, surname and date of birth: include them" in page
    assert 'href="#id_fields_we_send_0"' in page  # the error summary links to the first box
    assert "cannot be blank" not in page
    assert not DataSharingAgreement.objects.exists()
