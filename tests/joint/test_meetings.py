"""Joint meetings: attendees from each organisation, decisions, actions on each owner's task list and in the
chronology, and minutes for those who attended only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from joinedup.accounts.models import Organisation, Role
from joinedup.audit.models import AuditEvent
from joinedup.joint.models import JointAction, JointMeeting
from joinedup.joint.services import meeting_action_add, meeting_save
from joinedup.sharing.services import agreement_end
from tests.factories import MembershipFactory, OrganisationFactory
from tests.joint.conftest import Joint

TODAY = dt.date.today()


def meeting(joint: Joint, **changes: object) -> JointMeeting:
    values: dict[str, object] = {
        "actor": joint.link_worker,
        "child": joint.child,
        "held_on": TODAY,
        "kind": "Team around the family meeting",
        "place": "School",
        "attendees": [joint.link_worker, joint.practitioner],
        "others_present": "Mum (parent)",
        "decisions": "Early Help leads on housing.",
        "minutes": "Mum said the flat is damp.",
        **changes,
    }
    return meeting_save(**values)  # type: ignore[arg-type]


def test_the_link_worker_records_a_meeting_from_the_childs_record(joint: Joint) -> None:
    client = joint.client(joint.link_worker)
    assert "Record a joint meeting" in client.get(f"/children/{joint.child.pk}/").text
    url = f"/joint/children/{joint.child.pk}/meetings/new/"
    form = client.get(url).text
    assert "Partner professional (Partner professional, Brent Early Help; under the agreement" in form
    response = client.post(
        url,
        {
            "kind": "Team around the family meeting",
            "held_on": TODAY.strftime("%d/%m/%Y"),
            "attendees": [joint.link_worker.pk, joint.practitioner.pk],
            "others_present": "Mum (parent)",
            "decisions": "Early Help leads on housing.",
            "minutes": "Mum said the flat is damp.",
        },
    )
    made = JointMeeting.objects.get()
    assert response["Location"] == f"/joint/meetings/{made.pk}/"
    action = client.post(
        f"/joint/meetings/{made.pk}/actions/",
        {"action": "Ask housing about the damp", "owner": joint.practitioner.pk, "due_on": "1/2/2027"},
    )
    assert action.status_code == 302
    missing_owner = client.post(f"/joint/meetings/{made.pk}/actions/", {"action": "Call", "due_on": "1/2/2027"})
    assert "Choose who does it, or give their name." in missing_owner.text
    assert JointAction.objects.count() == 1


def test_actions_are_on_the_owners_task_list_and_in_the_chronology(joint: Joint) -> None:
    held = meeting(joint)
    meeting_action_add(
        actor=joint.link_worker,
        meeting=held,
        action="Ask housing about the damp",
        owner=joint.practitioner,
        owner_name="",
        due_on=TODAY + dt.timedelta(days=7),
    )
    meeting_action_add(
        actor=joint.link_worker, meeting=held, action="Keep a diary", owner=None, owner_name="Mum", due_on=TODAY
    )
    partner = joint.client(joint.practitioner)
    tasks = partner.get("/joint/tasks/").text
    assert "Ask housing about the damp" in tasks
    assert "Keep a diary" not in tasks
    assert "You have no tasks" in joint.client(joint.link_worker).get("/joint/tasks/").text
    action = JointAction.objects.get(owner=joint.practitioner)
    assert partner.post(f"/joint/actions/{action.pk}/done/", {"next": "tasks"}).status_code == 302
    action.refresh_from_db()
    assert action.done_on == TODAY
    chronology = joint.client(joint.link_worker).get(f"/children/{joint.child.pk}/chronology/").text
    assert "Team around the family meeting" in chronology
    assert "Action agreed: Ask housing about the damp" in chronology
    assert "Action done: Ask housing about the damp" in chronology
    assert "Mum said the flat is damp." not in chronology


def test_minutes_are_for_those_who_attended_only(joint: Joint) -> None:
    held = meeting(joint, attendees=[joint.link_worker])
    url = f"/joint/meetings/{held.pk}/"
    assert "Mum said the flat is damp." in joint.client(joint.link_worker).get(url).text
    manager = joint.world.client_for(Role.TEAM_MANAGER).get(url).text
    assert "Early Help leads on housing." in manager
    assert "Mum said the flat is damp." not in manager
    assert "shared only with those who attended" in manager
    # A partner who did not attend, and other roles, are refused.
    assert joint.client(joint.practitioner).get(url).status_code == 404
    assert joint.world.client_for(Role.SCHOOL_STAFF).get(url).status_code == 404
    assert joint.world.client_for(Role.DATA_LEAD).get(url).status_code == 403
    # Views are audited against the child.
    assert AuditEvent.objects.filter(record_type="joint.meeting", action="view", child_id=joint.child.pk).exists()


def test_a_partner_reads_the_minutes_while_an_agreement_or_consent_allows(joint: Joint) -> None:
    held = meeting(joint)
    url = f"/joint/meetings/{held.pk}/"
    assert "Mum said the flat is damp." in joint.client(joint.practitioner).get(url).text
    agreement_end(actor=joint.world.members[Role.DATA_LEAD], agreement=joint.agreement, reason="Ended")
    assert joint.client(joint.practitioner).get(url).status_code == 404
    assert joint.client(joint.practitioner).get("/joint/tasks/").status_code == 200


def test_an_attendee_nothing_allows_sharing_with_is_refused_with_the_reason(joint: Joint) -> None:
    social_care = OrganisationFactory.create(
        name="Brent Social Care", kind=Organisation.Kind.SOCIAL_CARE, areas=[joint.world.area]
    )
    stranger = MembershipFactory.create(
        organisation=social_care, area=joint.world.area, role=Role.PARTNER_PROFESSIONAL, user__full_name="Sam Other"
    )
    with pytest.raises(ValidationError) as refused:
        meeting(joint, attendees=[joint.link_worker, stranger])
    assert refused.value.message_dict["attendees"][0].startswith(
        "The minutes cannot go to Sam Other. There is no data-sharing agreement in force with Brent Social Care"
    )
    assert not JointMeeting.objects.exists()
    with pytest.raises(ValidationError, match="Include yourself"):
        meeting(joint, attendees=[joint.practitioner])


def test_an_action_owner_must_have_attended(joint: Joint) -> None:
    held = meeting(joint, attendees=[joint.link_worker])
    with pytest.raises(ValidationError, match="someone who attended"):
        meeting_action_add(
            actor=joint.link_worker,
            meeting=held,
            action="Visit",
            owner=joint.practitioner,
            owner_name="",
            due_on=TODAY,
        )


def test_an_action_cannot_be_due_before_the_meeting_and_can_be_removed(joint: Joint) -> None:
    held = meeting(joint)
    with pytest.raises(ValidationError, match="due on or after the meeting"):
        meeting_action_add(
            actor=joint.link_worker,
            meeting=held,
            action="Visit",
            owner=None,
            owner_name="Mum",
            due_on=TODAY - dt.timedelta(days=1),
        )
    made = meeting_action_add(
        actor=joint.link_worker, meeting=held, action="Typo", owner=joint.practitioner, owner_name="", due_on=TODAY
    )
    # The partner owns it but did not record the meeting: they cannot remove it; the Link Worker can.
    assert joint.client(joint.practitioner).post(f"/joint/actions/{made.pk}/remove/").status_code == 403
    assert joint.client(joint.link_worker).post(f"/joint/actions/{made.pk}/remove/").status_code == 302
    assert not JointAction.objects.exists()
