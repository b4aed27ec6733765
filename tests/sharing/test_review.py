from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.sharing.models import MatchPair, SharedCase
from joinedup.sharing.services import pair_decide, pair_undo, shared_case_lead_set
from tests.sharing.conftest import THEIR_ROWS, Sharing


def test_confirm_reject_and_undo_a_pair(sharing: Sharing) -> None:
    run = sharing.run()
    pair = run.pairs.get(partner_record_id="P006")
    manager = sharing.world.members[Role.TEAM_MANAGER]
    pair = pair_decide(actor=manager, pair=pair, decision="confirm")
    assert pair.decision == MatchPair.Decision.CONFIRMED
    assert pair.decided_by == manager.user
    case = SharedCase.objects.get(child=pair.child)
    assert case.partner == sharing.partner
    assert case.agreement == sharing.agreement
    assert case.partner_record_id == "P006"
    assert case.ended_at is None

    pair = pair_undo(actor=manager, pair=pair)
    assert pair.decision == MatchPair.Decision.UNDECIDED
    case.refresh_from_db()
    assert case.ended_at is not None

    pair = pair_decide(actor=manager, pair=pair, decision="confirm")
    case.refresh_from_db()
    assert case.ended_at is None  # the same shared case, started again
    assert SharedCase.objects.filter(child=pair.child).count() == 1

    # A decision is changed by undoing it first: a page drawn before someone else decided cannot overturn it.
    with pytest.raises(ValidationError, match="This pair was decided already"):
        pair_decide(actor=manager, pair=pair, decision="reject")
    undone = pair_undo(actor=manager, pair=pair)
    page = sharing.world.client_for(Role.TEAM_MANAGER).get(f"/sharing/pairs/{pair.pk}/").text
    assert "Decision: <strong>Not decided</strong> (a decision undone by " in page
    pair = pair_decide(actor=manager, pair=undone, decision="reject")
    case.refresh_from_db()
    assert case.ended_at is not None
    assert case.ended_reason == "The decision was undone."
    events = AuditEvent.objects.filter(record_type="sharing.match_pair", record_id=str(pair.pk))
    assert events.count() == 6  # five decisions and one look at the pair
    assert set(events.values_list("child_id", flat=True)) == {pair.child_id}


def test_an_automatic_confirmation_can_be_undone(sharing: Sharing) -> None:
    run = sharing.run()
    pair = run.pairs.get(partner_record_id="P001")
    assert pair.decision == MatchPair.Decision.CONFIRMED
    assert pair.decided_by is None
    pair_undo(actor=sharing.data_lead, pair=pair)
    assert SharedCase.objects.get(child=pair.child).ended_at is not None
    with pytest.raises(ValidationError, match="no decision"):
        pair_undo(actor=sharing.data_lead, pair=pair)


def test_no_confirmation_outside_an_agreement_in_force_but_rejection_always(sharing: Sharing) -> None:
    run = sharing.run()
    pair = run.pairs.get(partner_record_id="P006")
    agreement = sharing.agreement
    agreement.starts_on = dt.date(2025, 3, 4)
    agreement.expires_on = dt.date(2026, 3, 3)
    agreement.save()
    with pytest.raises(ValidationError) as refused:
        pair_decide(actor=sharing.data_lead, pair=pair, decision="confirm")
    assert refused.value.messages == ["The agreement with Brent Early Help expired on 3 March 2026."]
    assert not SharedCase.objects.filter(child=pair.child).exists()
    pair_decide(actor=sharing.data_lead, pair=pair, decision="reject")


def test_the_review_page_shows_both_records_side_by_side_and_says_what_differs(sharing: Sharing) -> None:
    run = sharing.run()
    pair = run.pairs.get(partner_record_id="P006")
    client = sharing.world.client_for(Role.DATA_LEAD)
    queue = client.get(f"/sharing/runs/{run.pk}/").text
    assert "To review" in queue
    assert "Decided: automatically, by a person, or in an earlier run" in queue
    page = client.get(f"/sharing/pairs/{pair.pk}/").text
    assert "William" in page
    assert "Will" in page
    assert "Nickname or other form" in page
    assert page.count(">Differs<") == 2  # forenames and surname; date of birth and postcode agree
    assert page.count("22 April 2015") == 2  # theirs was written 22/04/2015: shown the way ours is
    assert AuditEvent.objects.filter(record_type="sharing.match_pair", child_id=pair.child_id, action="view").exists()

    other = run.pairs.get(partner_record_id="P012")
    response = client.post(f"/sharing/pairs/{pair.pk}/decide/", {"decision": "confirm", "next": other.pk})
    assert response["Location"] == f"/sharing/pairs/{other.pk}/"
    assert SharedCase.objects.get(child=pair.child).ended_at is None
    client.post(f"/sharing/pairs/{pair.pk}/decide/", {"decision": "undo"})
    pair.refresh_from_db()
    assert pair.decision == MatchPair.Decision.UNDECIDED


def test_the_lead_practitioner_is_a_member_of_the_partner_or_a_name(sharing: Sharing) -> None:
    run = sharing.run()
    pair = run.pairs.get(partner_record_id="P001")
    client = sharing.world.client_for(Role.DATA_LEAD)
    professional = sharing.partner_professional
    client.post(f"/sharing/pairs/{pair.pk}/lead/", {"membership": professional.pk})
    case = SharedCase.objects.get(pair=pair)
    assert case.lead_membership == professional
    client.post(f"/sharing/pairs/{pair.pk}/lead/", {"name": "Sam Carter", "email": "sam@example.org"})
    case.refresh_from_db()
    assert case.lead_membership is None
    assert case.lead_name == "Sam Carter"
    # A member of another organisation is not offered, and not accepted.
    stranger = sharing.world.members[Role.LINK_WORKER]
    client.post(f"/sharing/pairs/{pair.pk}/lead/", {"membership": stranger.pk})
    case.refresh_from_db()
    assert case.lead_name == "Sam Carter"
    # Both a member and a typed name: which one was meant is not guessed.
    both = client.post(
        f"/sharing/pairs/{pair.pk}/lead/", {"membership": professional.pk, "name": "Jo Bloggs"}, follow=True
    )
    assert "type their name, not both" in both.text
    case.refresh_from_db()
    assert case.lead_name == "Sam Carter"


def test_undoing_a_newer_run_s_pair_leaves_the_child_shared_on_the_earlier_confirmed_pair(sharing: Sharing) -> None:
    first = sharing.run()
    renumbered = [row.replace("P00", "Q00", 1) for row in THEIR_ROWS]
    second = sharing.run(sharing.partner_file(*renumbered, name="caseload-december.csv"))
    newer = second.pairs.get(partner_record_id="Q001")
    case = SharedCase.objects.get(child=newer.child)
    assert case.pair == newer

    pair_undo(actor=sharing.data_lead, pair=newer)
    case.refresh_from_db()
    assert case.ended_at is None
    assert case.pair == first.pairs.get(partner_record_id="P001")
    assert (case.run, case.partner_record_id) == (first, "P001")

    # The earlier run's pairs are the record of what was decided then: decisions are made on the newer list.
    with pytest.raises(ValidationError, match=r"A newer list from Brent Early Help \(caseload-december.csv\)"):
        pair_decide(actor=sharing.data_lead, pair=case.pair, decision="reject")


def test_a_newer_list_keeps_the_decisions_already_made_on_the_same_records(sharing: Sharing) -> None:
    first = sharing.run()
    confirmed = pair_decide(actor=sharing.data_lead, pair=first.pairs.get(partner_record_id="P006"), decision="confirm")
    waiting = set(first.pairs.filter(decision=MatchPair.Decision.UNDECIDED).values_list("partner_record_id", flat=True))

    second = sharing.run(sharing.partner_file(name="caseload-december.csv"))
    carried = second.pairs.get(partner_record_id="P006")
    assert carried.decision == MatchPair.Decision.CONFIRMED
    assert carried.carried_from == confirmed
    assert carried.decided_by == sharing.data_lead.user
    # Only what nobody has decided waits for a person again; the shared case moves to the newer list.
    assert (
        set(second.pairs.filter(decision=MatchPair.Decision.UNDECIDED).values_list("partner_record_id", flat=True))
        == waiting
    )
    # The newer list replaces the pairs still waiting on the earlier one: each waits in one place only.
    assert not first.pairs.filter(decision=MatchPair.Decision.UNDECIDED).exists()
    assert "It replaces 1 pair still waiting from their earlier lists." in second.message
    case = SharedCase.objects.get(child=confirmed.child)
    assert case.pair == carried
    assert SharedCase.objects.filter(partner=sharing.partner).count() == 6
    client = sharing.world.client_for(Role.DATA_LEAD)
    page = client.get(f"/sharing/pairs/{carried.pk}/").text
    assert "Decision: <strong>Same child</strong> (decided in an earlier run, by " in page
    old_page = client.get(f"/sharing/pairs/{confirmed.pk}/").text
    assert "A newer list from Brent Early Help (caseload-december.csv) was matched on" in old_page
    assert 'value="undo"' not in old_page

    # Found not to be the same child in the newer run: no earlier confirmation of that record keeps it shared.
    pair_decide(actor=sharing.data_lead, pair=pair_undo(actor=sharing.data_lead, pair=carried), decision="reject")
    case.refresh_from_db()
    assert case.ended_at is not None
    third = sharing.run(sharing.partner_file(name="caseload-january.csv"))
    assert third.pairs.get(partner_record_id="P006").decision == MatchPair.Decision.REJECTED
    case.refresh_from_db()
    assert case.ended_at is not None


def test_the_agreement_pages_count_the_pairs_waiting_for_a_person(sharing: Sharing) -> None:
    run = sharing.run()
    client = sharing.world.client_for(Role.DATA_LEAD)
    listed = client.get("/sharing/agreements/").text
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in listed
    detail = client.get(f"/sharing/agreements/{sharing.agreement.pk}/").text
    assert f'href="/sharing/runs/{run.pk}/">2<span class="govuk-visually-hidden"> to review in' in detail
    pair_decide(actor=sharing.data_lead, pair=run.pairs.get(partner_record_id="P006"), decision="reject")
    assert "1 pair</dd>" in client.get(f"/sharing/runs/{run.pk}/").text


def test_a_field_they_send_and_we_may_not_is_shown_as_not_compared(sharing: Sharing) -> None:
    sharing.agreement.fields_we_send = ["forenames", "surname", "date_of_birth"]
    sharing.agreement.save()
    run = sharing.run()
    pair = run.pairs.get(partner_record_id="P001")
    page = sharing.world.client_for(Role.DATA_LEAD).get(f"/sharing/pairs/{pair.pk}/").text
    assert "Not compared: not in what we may send" in page


def test_two_people_naming_the_lead_of_a_shared_case(sharing: Sharing) -> None:
    run = sharing.run()
    pair = run.pairs.get(partner_record_id="P001")
    shared = SharedCase.objects.get(pair=pair)
    seen = shared.modified_at.isoformat()
    client = sharing.world.client_for(Role.DATA_LEAD)
    client.post(f"/sharing/pairs/{pair.pk}/lead/", {"name": "Sam Carter", "email": "sam@example.org", "seen": seen})
    manager = sharing.world.client_for(Role.TEAM_MANAGER)
    stale = manager.post(
        f"/sharing/pairs/{pair.pk}/lead/", {"name": "Jo Bloggs", "email": "jo@example.org", "seen": seen}, follow=True
    )
    assert "changed this shared case at" in stale.text
    assert SharedCase.objects.get(pk=shared.pk).lead_name == "Sam Carter"
    with pytest.raises(ValidationError):
        shared_case_lead_set(
            actor=sharing.world.members[Role.TEAM_MANAGER], case=shared, membership=None, name="Jo Bloggs"
        )
