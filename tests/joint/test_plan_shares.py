"""Sharing a plan with a named partner practitioner: exactly what was shared, revocation and expiry at once,
and refusal, with the reason, when nothing allows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.accounts.models import Organisation, Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.models import Consent, Contact, FamilyStory
from joinedup.cases.services import consent_withdraw, family_story_set
from joinedup.joint.models import PlanShare, ShareComment
from joinedup.joint.services import plan_share_create, plan_share_revoke
from joinedup.sharing.services import agreement_end
from tests.factories import MembershipFactory, OrganisationFactory
from tests.joint.conftest import Joint

# Everything a public-task agreement allows: safeguarding concerns need a safeguarding basis (test_share_concerns).
ALL_PARTS = [part for part in PlanShare.Part.values if part != PlanShare.Part.CONCERNS]


def share(joint: Joint, parts: list[str] | None = None, **changes: Any) -> PlanShare:
    values: dict[str, Any] = {
        "actor": joint.link_worker,
        "child": joint.child,
        "shared_with": joint.practitioner,
        "parts": parts or ["goals"],
        "purpose": "So Early Help can check their plan does not duplicate ours.",
        "expires_on": dt.date.today() + dt.timedelta(days=30),
        **changes,
    }
    return plan_share_create(**values)


def partner_page(joint: Joint, found: PlanShare) -> Any:
    return joint.client(joint.practitioner).get(f"/joint/shared-plans/{found.pk}/")


def test_the_link_worker_shares_from_the_childs_record(joint: Joint) -> None:
    client = joint.client(joint.link_worker)
    record = client.get(f"/children/{joint.child.pk}/").text
    assert "Who can see this plan" in record
    assert "has not been shared with anyone" in record
    form = client.get(f"/joint/children/{joint.child.pk}/share/").text
    assert "Partner professional at Brent Early Help (under the agreement" in form
    response = client.post(
        f"/joint/children/{joint.child.pk}/share/",
        {
            "shared_with": joint.practitioner.pk,
            "parts": ["goals", "actions"],
            "purpose": "To check our plans do not overlap",
            "expires_on": (dt.date.today() + dt.timedelta(days=20)).strftime("%d/%m/%Y"),
        },
    )
    made = PlanShare.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/joint/shares/{made.pk}/"
    assert made.agreement == joint.agreement
    assert made.consent is None
    assert made.parts == ["goals", "actions"]
    record = client.get(f"/children/{joint.child.pk}/").text
    assert "Can see now" in record
    assert "Partner professional" in record
    event = AuditEvent.objects.get(action="share")
    assert (event.child_id, event.record_type, event.purpose) == (joint.child.pk, "joint.plan_share", "shared_case")


def test_the_partner_sees_exactly_the_parts_shared_and_nothing_else(joint: Joint) -> None:
    Contact.objects.create(
        enrolment=joint.plan.enrolment, kind="one_to_one", happened_on=dt.date.today(), notes="Private case note"
    )
    family_story_set(
        actor=joint.link_worker,
        child=joint.child,
        story="We moved here last year and mornings are hard.",
        told_by="Mum",
        told_on=dt.date.today(),
        share_agreed=True,
        share_agreed_by="Mum",
    )
    goals_only = share(joint, ["goals"])
    page = partner_page(joint, goals_only).text
    assert "Get to school on time every day" in page
    assert "Shared with you, read-only" in page
    for hidden in ("Morning check-in", "Private case note", "mornings are hard", "Joined the programme"):
        assert hidden not in page
    plan_share_revoke(actor=joint.link_worker, share=goals_only, reason="Changing what is shared")

    everything = share(joint, ALL_PARTS)
    page = partner_page(joint, everything).text
    for shown in ("Get to school on time every day", "Morning check-in", "mornings are hard", "Joined the programme"):
        assert shown in page
    assert "Private case note" not in page
    # Each view is a view of the child for joint working.
    views = AuditEvent.objects.filter(action="view", record_type="joint.plan_share", record_id=str(everything.pk))
    assert views.count() == 1
    assert views.get().purpose == "shared_case"
    assert views.get().child_id == joint.child.pk


def test_the_partner_sees_updates_and_the_story_only_while_the_family_agrees(joint: Joint) -> None:
    family_story_set(
        actor=joint.link_worker,
        child=joint.child,
        story="Our story",
        told_by="Dad",
        told_on=dt.date.today(),
        share_agreed=True,
        share_agreed_by="Dad",
    )
    found = share(joint, ["goals", "story"])
    assert "Our story" in partner_page(joint, found).text
    from joinedup.cases.plans import goal_add

    goal_add(
        actor=joint.link_worker,
        plan=joint.plan,
        seen_version=joint.plan.version,
        domain="relationships",
        goal="Make one good friend in class",
        success="A friend to sit with at lunch",
    )
    page = partner_page(joint, found).text
    assert "Make one good friend in class" in page
    assert "The plan has changed since you last looked" in page
    assert "changed since you last looked" not in partner_page(joint, found).text
    family_story_set(
        actor=joint.link_worker,
        child=joint.child,
        story="Our story",
        told_by="Dad",
        told_on=dt.date.today(),
        share_agreed=False,
        share_agreed_by="",
    )
    page = partner_page(joint, found).text
    assert "Our story" not in page
    assert "has not agreed to their story being shared" in page


def test_revocation_takes_effect_at_once(joint: Joint) -> None:
    found = share(joint)
    assert partner_page(joint, found).status_code == 200
    response = joint.client(joint.link_worker).post(f"/joint/shares/{found.pk}/revoke/", {"reason": "Case closed"})
    assert response.status_code == 302
    assert partner_page(joint, found).status_code == 410
    listing = joint.client(joint.practitioner).get("/sharing/shared-with-you/").text
    assert "No plans are shared with you" in listing
    record = joint.client(joint.link_worker).get(f"/joint/shares/{found.pk}/").text
    assert "The share was revoked on" in record
    assert "Case closed" in record


def test_expiry_the_end_of_the_agreement_and_withdrawn_consent_take_effect_at_once(joint: Joint) -> None:
    # Each ended share answers "This plan is no longer shared with you" (410), with nothing of the child.
    lasting_a_day = share(joint, expires_on=dt.date.today())
    assert partner_page(joint, lasting_a_day).status_code == 200
    PlanShare.objects.filter(pk=lasting_a_day.pk).update(expires_on=dt.date.today() - dt.timedelta(days=1))
    assert partner_page(joint, lasting_a_day).status_code == 410

    under_agreement = share(joint)
    agreement_end(actor=joint.world.members[Role.DATA_LEAD], agreement=joint.agreement, reason="Replaced")
    assert partner_page(joint, under_agreement).status_code == 410

    consent = Consent.objects.create(
        child=joint.child,
        purpose="sharing",
        given_by="parent",
        organisation=joint.early_help,
        given_on=dt.date.today(),
    )
    under_consent = share(joint)
    assert under_consent.consent == consent
    assert under_consent.agreement is None
    assert partner_page(joint, under_consent).status_code == 200
    consent_withdraw(actor=joint.link_worker, consent=consent, withdrawn_on=dt.date.today(), withdrawn_by="Mum")
    assert partner_page(joint, under_consent).status_code == 410


def test_a_share_nothing_allows_is_refused_with_the_reason(joint: Joint) -> None:
    social_care = OrganisationFactory.create(
        name="Brent Social Care", kind=Organisation.Kind.SOCIAL_CARE, areas=[joint.world.area]
    )
    stranger = MembershipFactory.create(
        organisation=social_care, area=joint.world.area, role=Role.PARTNER_PROFESSIONAL, user__full_name="Sam Other"
    )
    with pytest.raises(ValidationError) as refused:
        share(joint, shared_with=stranger)
    assert refused.value.message_dict["shared_with"] == [
        "There is no data-sharing agreement in force with Brent Social Care in Brent. There is no consent to "
        "sharing with this organisation on record. Record the family's consent first."
    ]
    client = joint.client(joint.link_worker)
    page = client.get(f"/joint/children/{joint.child.pk}/share/").text
    assert "Sam Other, Partner professional at Brent Social Care (no agreement or consent)" in page
    response = client.post(
        f"/joint/children/{joint.child.pk}/share/",
        {
            "shared_with": stranger.pk,
            "parts": ["goals"],
            "purpose": "Joint working",
            "expires_on": dt.date.today().strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 200
    assert "There is no data-sharing agreement in force with Brent Social Care" in response.text
    assert not PlanShare.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"parts": ["story"]}, "parts", "The family’s story has not been written down yet"),
        ({"purpose": "  "}, "purpose", "Say what the share is for."),
        ({"expires_on": dt.date(2020, 1, 1)}, "expires_on", "The share must end today or later."),
        ({"expires_on": dt.date.today() + dt.timedelta(days=2000)}, "expires_on", "end the share by then"),
    ],
)
def test_bad_shares_are_refused_and_change_nothing(
    joint: Joint, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        share(joint, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    assert not PlanShare.objects.exists()


def test_a_second_share_with_the_same_person_is_refused_until_the_first_is_revoked(joint: Joint) -> None:
    first = share(joint)
    with pytest.raises(ValidationError, match="can already see this plan"):
        share(joint, ["goals", "actions"])
    plan_share_revoke(actor=joint.link_worker, share=first, reason="Sharing more")
    assert share(joint, ["goals", "actions"]).parts == ["goals", "actions"]


def test_others_cannot_read_a_share(joint: Joint) -> None:
    found = share(joint)
    world = joint.world
    colleague = MembershipFactory.create(organisation=joint.early_help, area=world.area, role=Role.PARTNER_PROFESSIONAL)
    client = joint.client(colleague)
    # A colleague of the practitioner, not named on the share, is refused.
    assert client.get(f"/joint/shared-plans/{found.pk}/").status_code == 404
    # The same person acting in another borough is refused.
    joint.early_help.areas.add(world.other_area)
    far = MembershipFactory.create(
        user=joint.practitioner.user,
        organisation=joint.early_help,
        area=world.other_area,
        role=Role.PARTNER_PROFESSIONAL,
    )
    from joinedup.joint.access import shares_for_partner

    assert not shares_for_partner(far).exists()
    # Our roles reach it only from the child's side; the partner cannot use those pages.
    assert joint.client(joint.practitioner).get(f"/joint/shares/{found.pk}/").status_code == 403
    assert world.client_for(Role.DATA_LEAD).get(f"/joint/shares/{found.pk}/").status_code == 403
    other_link_worker = world.children["other_org"].link_worker
    assert other_link_worker is not None
    stranger = joint.client(other_link_worker.memberships.get())
    assert stranger.get(f"/joint/shares/{found.pk}/").status_code == 404


def test_the_partner_adds_their_plan_and_both_sides_comment(joint: Joint) -> None:
    found = share(joint)
    partner = joint.client(joint.practitioner)
    url = f"/joint/shared-plans/{found.pk}/our-plan/"
    assert (
        partner.post(
            url, {"kind": "goal", "goal-domain": "attendance", "goal-goal": "Better mornings", "goal-owner_name": "Kim"}
        ).status_code
        == 302
    )
    response = partner.post(
        url, {"kind": "action", "action-domain": "attendance", "action-action": "", "action-owner_name": "Kim"}
    )
    assert response.status_code == 200
    assert "Write the action." in response.text
    partner.post(
        url,
        {
            "kind": "service",
            "service-domain": "family_support",
            "service-name": "Parenting course",
            "service-provider": "Family Hub",
        },
    )
    partner.post(url, {"kind": "review", "review-next_review_on": "1/3/2027"})
    ours = joint.client(joint.link_worker).get(f"/joint/shares/{found.pk}/").text
    assert "Better mornings" in ours
    assert "Parenting course, run by Family Hub" in ours
    assert "1 March 2027" in ours

    partner.post(f"/joint/shared-plans/{found.pk}/comments/", {"text": "We start the course in January."})
    joint.client(joint.link_worker).post(f"/joint/shares/{found.pk}/comments/", {"text": "Thanks, noted."})
    assert list(ShareComment.objects.values_list("organisation__name", flat=True)) == [
        "Brent Early Help",
        "Link Programme",
    ]
    page = partner_page(joint, found).text
    assert "We start the course in January." in page
    assert "Thanks, noted." in page
    empty = partner.post(f"/joint/shared-plans/{found.pk}/comments/", {"text": "  "})
    assert empty.status_code == 200
    assert "Write your comment." in empty.text
    # The partner's changes are audited against the child.
    assert AuditEvent.objects.filter(record_type="joint.partner_plan", child_id=joint.child.pk).count() == 3


def test_the_family_story_is_recorded_once_with_the_familys_agreement(joint: Joint) -> None:
    client = joint.client(joint.link_worker)
    url = f"/joint/children/{joint.child.pk}/story/"
    response = client.post(
        url,
        {
            "story": "Told once.",
            "told_by": "Mum",
            "told_on": dt.date.today().strftime("%d/%m/%Y"),
            "share_agreed": "on",
        },
    )
    assert response.status_code == 200
    assert "Say who in the family agreed to it being shared." in response.text
    assert not FamilyStory.objects.exists()
    client.post(
        url,
        {
            "story": "Told once.",
            "told_by": "Mum",
            "told_on": dt.date.today().strftime("%d/%m/%Y"),
            "share_agreed": "on",
            "share_agreed_by": "Mum",
        },
    )
    story = FamilyStory.objects.get()
    assert story.share_agreed
    assert story.family_id == joint.child.family_id
    assert "Told once." in client.get(f"/children/{joint.child.pk}/").text
    # School staff see the child's record, but not the family's story.
    assert "Told once." not in joint.world.client_for(Role.SCHOOL_STAFF).get(f"/children/{joint.child.pk}/").text
    assert joint.world.client_for(Role.SCHOOL_STAFF).get(url).status_code == 403
    assert timezone.localdate() == story.told_on


def test_the_practitioner_is_told_when_a_share_ends_and_why(joint: Joint) -> None:
    found = share(joint)
    plan_share_revoke(actor=joint.link_worker, share=found, reason="Case closed")
    from joinedup.notifications.models import Notification

    assert Notification.objects.filter(user=joint.practitioner.user, kind="share_ended").exists()
    response = partner_page(joint, found)
    assert response.status_code == 410
    assert "This plan is no longer shared with you" in response.text
    assert "The share was revoked on" in response.text
    assert joint.child.forenames not in response.text
    # Someone the share never named still gets the plain "Page not found".
    colleague = MembershipFactory.create(
        organisation=joint.early_help, area=joint.world.area, role=Role.PARTNER_PROFESSIONAL
    )
    assert joint.client(colleague).get(f"/joint/shared-plans/{found.pk}/").status_code == 404
    # Nor can anyone comment on an ended share.
    client = joint.client(joint.link_worker)
    client.post(f"/joint/shares/{found.pk}/comments/", {"text": "Hello?"})
    assert not ShareComment.objects.exists()


def test_a_share_can_be_extended_within_its_agreement(joint: Joint) -> None:
    found = share(joint)
    client = joint.client(joint.link_worker)
    later = dt.date.today() + dt.timedelta(days=120)
    assert (
        client.post(f"/joint/shares/{found.pk}/extend/", {"expires_on": later.strftime("%d/%m/%Y")}).status_code == 302
    )
    found.refresh_from_db()
    assert found.expires_on == later
    too_late = client.post(f"/joint/shares/{found.pk}/extend/", {"expires_on": "1/1/2040"})
    assert "end the share by then" in too_late.text
    found.refresh_from_db()
    assert found.expires_on == later
