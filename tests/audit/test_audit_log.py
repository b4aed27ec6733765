from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from joinedup.audit.models import AuditAction, AuditChainHead, AuditEvent
from joinedup.audit.services import audit_record, audit_verify
from joinedup.cases.access import access_child
from tests.conftest import World


def write_events(world: World, n: int) -> None:
    actor = world.members["team_manager"]
    for _ in range(n):
        access_child(actor, world.children["own"].pk)


def test_events_form_an_unbroken_chain(world: World) -> None:
    write_events(world, 5)
    report = audit_verify()
    assert report.ok
    assert report.checked == AuditEvent.objects.count() == 5
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


def test_event_records_who_for_which_organisation_what_and_why(world: World) -> None:
    write_events(world, 1)
    event = AuditEvent.objects.get()
    actor = world.members["team_manager"]
    assert event.user == actor.user
    assert event.organisation == actor.organisation
    assert event.area == actor.area
    assert event.action == AuditAction.VIEW
    assert (event.record_type, event.record_id, event.child_id) == (
        "child",
        str(world.children["own"].pk),
        world.children["own"].pk,
    )
    assert event.purpose == "oversight"


def test_events_cannot_be_changed_or_deleted_through_the_app(world: World) -> None:
    write_events(world, 1)
    event = AuditEvent.objects.get()
    event.purpose = "something else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(purpose="x")


def tamper(sql: str, *params: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_finds_an_edited_event(world: World) -> None:
    write_events(world, 6)
    tamper("UPDATE audit_auditevent SET purpose = %s WHERE seq = 3", "data_management")
    report = audit_verify()
    assert not report.ok
    assert report.broken_seq == 3
    assert "altered" in report.reason


def test_verify_finds_a_deleted_event(world: World) -> None:
    write_events(world, 6)
    tamper("DELETE FROM audit_auditevent WHERE seq = 4")
    report = audit_verify()
    assert (report.ok, report.broken_seq) == (False, 4)


def test_verify_finds_events_cut_off_the_end(world: World) -> None:
    write_events(world, 6)
    tamper("DELETE FROM audit_auditevent WHERE seq >= 5")
    report = audit_verify()
    assert (report.ok, report.broken_seq) == (False, 5)


def test_verify_finds_a_rehashed_forgery_without_the_key(world: World) -> None:
    """Someone with database access but not the key cannot re-write an event and its hash."""
    write_events(world, 3)
    import hashlib

    forged = hashlib.sha256(b"forged").hexdigest()
    tamper("UPDATE audit_auditevent SET hash = %s WHERE seq = 3", forged)
    tamper("UPDATE audit_auditchainhead SET hash = %s", forged)
    assert audit_verify().broken_seq == 3


def test_verify_command_reports_ok_and_the_first_broken_link(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    write_events(world, 3)
    call_command("audit", "verify")
    assert "intact: all 3 events" in capsys.readouterr().out
    tamper("UPDATE audit_auditevent SET record_id = '999' WHERE seq = 2")
    with pytest.raises(CommandError, match="broken at event #2"):
        call_command("audit", "verify")


def test_chain_head_moves_with_each_event(world: World) -> None:
    audit_record(action=AuditAction.SIGN_IN, user=world.members["link_worker"].user)
    head = AuditChainHead.objects.get()
    assert head.seq == 1
    assert head.hash == AuditEvent.objects.get().hash


def test_many_events_written_at_once_continue_the_chain(world: World, django_assert_max_num_queries: Any) -> None:
    from joinedup.audit.services import audit_record_many

    write_events(world, 2)
    actor = world.members["team_manager"]
    child = world.children["own"]
    with django_assert_max_num_queries(6):
        made = audit_record_many(
            action=AuditAction.VIEW,
            actor=actor,
            record_type="cases.child",
            records=[(child.pk, child.pk)] * 40,
            purpose="delivery",
        )
    write_events(world, 1)
    assert [event.seq for event in made] == list(range(3, 43))
    report = audit_verify()
    assert report.ok
    assert report.checked == AuditEvent.objects.count() == 43
    events = list(AuditEvent.objects.order_by("seq"))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert audit_record_many(action=AuditAction.VIEW, actor=actor, record_type="cases.child", records=[]) == []
